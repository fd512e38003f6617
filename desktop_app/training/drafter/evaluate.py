"""``aftersales eval drafter``: the shipped drafter against two baselines on both held-out sets.

Baselines, trained on the same pairs: TF-IDF (character 1–3-grams) nearest-neighbour
retrieval of a training reply, and the single most frequent training reply said every
time. The report also lists sample drafts next to their references, drafts for labelled
dev tickets for a person to judge, and the safety checks (placeholders, loops, invented
order numbers) over every draft.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from desktop_app.nlp.drafting.fill import contains_placeholder, with_policy
from desktop_app.nlp.drafting.prompt import DraftRequest, Turn
from desktop_app.nlp.drafting.drafter import ReplyDrafter
from desktop_app.nlp.drafting.knowledge_base import KnowledgeBase, policy_text
from desktop_app.training.common.corpora import load_tickets
from desktop_app.training.drafter.data import (
    DraftPair,
    EvalItem,
    clean_reply,
    is_usable_reply,
    jddc2019_dev,
    jddc_pairs,
    jddc_pairs_test,
    load_corpus,
)
from desktop_app.training.drafter.metrics import has_loop, invented_numbers, score_system
from desktop_app.training.drafter.pipeline import KB_DIR, Conditioning, condition_pairs

log = logging.getLogger(__name__)

Generator = Callable[[Sequence[EvalItem], Sequence[Conditioning]], list[str]]


@dataclass
class Baselines:
    most_frequent: str
    retrieve: Callable[[Sequence[EvalItem]], list[str]]


def most_frequent_reply(data: Path) -> str:
    """The most frequent cleaned reply of the training pairs, before stock replies were capped."""
    counts = Counter(clean_reply(reply) for _turns, reply in jddc_pairs(data, "train"))
    return next(reply for reply, _n in counts.most_common() if is_usable_reply(reply))


def tfidf_retrieval(pairs: Sequence[DraftPair]) -> Callable[[Sequence[EvalItem]], list[str]]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), min_df=2, sublinear_tf=True)
    matrix = normalize(vectorizer.fit_transform([p.context for p in pairs]))
    replies = [p.reply for p in pairs]

    def retrieve(items: Sequence[EvalItem]) -> list[str]:
        queries = normalize(vectorizer.transform([DraftPair(i.turns, "", "").context for i in items]))
        best = (queries @ matrix.T).toarray().argmax(axis=1)
        return [replies[int(b)] for b in best]

    return retrieve


def requests_for(items: Sequence[EvalItem], conditions: Sequence[Conditioning]) -> list[DraftRequest]:
    return [
        DraftRequest(text="", history=item.turns, intent=c.intent, sentiment=c.sentiment, kb_texts=c.kb_texts)
        for item, c in zip(items, conditions, strict=True)
    ]


def drafter_generator(drafter: ReplyDrafter, timings: list[tuple[float, int]]) -> Generator:
    def generate(items: Sequence[EvalItem], conditions: Sequence[Conditioning]) -> list[str]:
        outputs = []
        for request in requests_for(items, conditions):
            result = drafter.draft(request)
            timings.append((result.ms, result.tokens))
            outputs.append(result.text)
        return outputs

    return generate


def _conditions(items: Sequence[EvalItem], kb: KnowledgeBase, tagger_dir: Path | None) -> list[Conditioning]:
    pairs = [DraftPair(i.turns, "", "") for i in items]
    return condition_pairs(pairs, kb, tagger_dir, kb_entries=1)


def safety(drafts: Sequence[str], allowed: Sequence[Sequence[str]]) -> dict[str, int]:
    return {
        "drafts": len(drafts),
        "with_placeholder": sum(contains_placeholder(d) for d in drafts),
        "with_loop": sum(has_loop(d) for d in drafts),
        "with_invented_number": sum(bool(invented_numbers(d, a)) for d, a in zip(drafts, allowed, strict=True)),
        "empty": sum(not d.strip() for d in drafts),
    }


def ticket_items(data: Path, count: int, seed: int = 7) -> list[tuple[str, EvalItem, str, str]]:
    """Labelled dev tickets (id, item, intent, sentiment) drawn at random, for a person to judge drafts."""
    tickets = [t for t in load_tickets(data) if t.split == "dev"]
    random.Random(seed).shuffle(tickets)
    chosen = []
    for ticket in tickets[:count]:
        turns = tuple(Turn("customer", line) for line in ticket.text.splitlines() if line.strip())
        chosen.append((ticket.id, EvalItem(turns, (), ticket.session), ticket.intent, ticket.sentiment))
    return chosen


def evaluate_drafter(
    data: Path,
    drafter: ReplyDrafter,
    tagger_dir: Path | None,
    samples: int = 20,
    ticket_count: int = 30,
    limit: int | None = None,
) -> dict:
    kb = KnowledgeBase.load(KB_DIR)
    tickets = load_tickets(data)
    corpus = load_corpus(data, {t.session for t in tickets if t.split != "train"})
    baselines = Baselines(most_frequent_reply(data), tfidf_retrieval(corpus.train))
    sets = {"jddc2019_dev": jddc2019_dev(data), "jddc_pairs_test": jddc_pairs_test(data)}
    report: dict = {"model": drafter.name, "sets": {}, "baselines": {"most_frequent_reply": baselines.most_frequent}}
    timings: list[tuple[float, int]] = []
    generate = drafter_generator(drafter, timings)
    all_drafts: list[str] = []
    all_allowed: list[list[str]] = []
    for name, items in sets.items():
        items = items[:limit] if limit else items
        started = time.perf_counter()
        conditions = _conditions(items, kb, tagger_dir)
        drafts = generate(items, conditions)
        log.info("%s: %d drafts in %.0f s", name, len(drafts), time.perf_counter() - started)
        references = [list(i.references) for i in items]
        systems = {
            "drafter": drafts,
            "tfidf_retrieval": baselines.retrieve(items),
            "most_frequent_reply": [baselines.most_frequent] * len(items),
        }
        scores = {system: score_system(outputs, references).to_json() for system, outputs in systems.items()}
        best_baseline = max(scores["tfidf_retrieval"]["bleu4"], scores["most_frequent_reply"]["bleu4"])
        scores["relative_bleu_over_best_baseline"] = round(scores["drafter"]["bleu4"] / max(best_baseline, 1e-9) - 1, 4)
        rng = random.Random(3)
        shown = sorted(rng.sample(range(len(items)), min(samples, len(items))))
        report["sets"][name] = {
            "items": len(items),
            "scores": scores,
            "samples": [
                {
                    "context": [f"{t.role}: {t.text}" for t in items[i].turns[-3:]],
                    "kb": list(conditions[i].kb_ids),
                    "intent": conditions[i].intent,
                    "draft": drafts[i],
                    "tfidf": systems["tfidf_retrieval"][i],
                    "references": list(items[i].references),
                }
                for i in shown
            ],
        }
        all_drafts += drafts
        all_allowed += [[t.text for t in i.turns] for i in items]

    chosen = ticket_items(data, ticket_count)
    ticket_conditions = _conditions([c[1] for c in chosen], kb, tagger_dir)
    # Judge drafts as the app makes them: with the ticket's labelled intent and sentiment.
    labelled = [
        Conditioning(intent, sentiment, c.kb_ids, c.kb_texts)
        for (_id, _item, intent, sentiment), c in zip(chosen, ticket_conditions, strict=True)
    ]
    model_drafts = generate([c[1] for c in chosen], labelled)
    # As the app composes them: the shop's policy text follows the model's words when the
    # knowledge base matches the question well (desktop_app/services/drafting.py).
    ticket_drafts = []
    for (_tid, item, intent, _sentiment), draft in zip(chosen, model_drafts, strict=True):
        words = "\n".join(t.text for t in item.turns)[-200:]
        policy = policy_text(kb.search(words, limit=1, intent=intent))
        ticket_drafts.append(with_policy(draft, policy, item.turns[-1].text if item.turns else ""))
    report["dev_ticket_drafts"] = [
        {
            "id": tid,
            "intent": intent,
            "sentiment": sentiment,
            "customer": [t.text for t in item.turns],
            "kb": list(cond.kb_ids),
            "model_draft": model_draft,
            "draft": draft,
        }
        for (tid, item, intent, sentiment), cond, model_draft, draft in zip(
            chosen, labelled, model_drafts, ticket_drafts, strict=True
        )
    ]
    all_drafts += ticket_drafts
    all_allowed += [[t.text for t in c[1].turns] for c in chosen]
    report["safety"] = safety(all_drafts, all_allowed)
    ms = sorted(t[0] for t in timings)
    report["generation"] = {
        "drafts": len(timings),
        "median_ms": round(ms[len(ms) // 2], 1) if ms else None,
        "tokens_per_s": round(sum(t[1] for t in timings) / max(sum(t[0] for t in timings) / 1000, 1e-9), 1),
    }
    return report


def markdown_report(report: dict) -> str:
    lines = [f"# Reply drafter evaluation — {report['model']}", ""]
    lines.append("Character-level sentence BLEU-4 (nltk, smoothing method 1, mean over references), ROUGE-L F,")
    lines.append("corpus distinct-2 and mean length in characters. Produced by `aftersales eval drafter`.")
    lines.append("")
    for name, section in report["sets"].items():
        lines += [
            f"## {name} ({section['items']} replies)",
            "",
            "| System | BLEU-4 | ROUGE-L | distinct-2 | mean length |",
        ]
        lines.append("|---|---|---|---|---|")
        for system in ("drafter", "tfidf_retrieval", "most_frequent_reply"):
            s = section["scores"][system]
            lines.append(
                f"| {system} | {s['bleu4']:.4f} | {s['rouge_l']:.4f} | {s['distinct_2']:.3f} | {s['mean_length']} |"
            )
        rel = section["scores"]["relative_bleu_over_best_baseline"]
        lines += ["", f"Drafter BLEU-4 relative to the better baseline: {rel:+.1%}.", ""]
    lines += [f"Most frequent training reply: 「{report['baselines']['most_frequent_reply']}」", ""]
    lines += ["## Safety over every draft", "", "```json", json.dumps(report["safety"], indent=2), "```", ""]
    lines += ["## Speed during evaluation", "", "```json", json.dumps(report["generation"], indent=2), "```", ""]
    for name, section in report["sets"].items():
        lines += [f"## Sample drafts: {name}", ""]
        for number, sample in enumerate(section["samples"], start=1):
            lines.append(f"**{number}.** context: " + " / ".join(sample["context"]))
            lines.append(f"- intent {sample['intent']}, KB {', '.join(sample['kb']) or '—'}")
            lines.append(f"- **draft:** {sample['draft']}")
            lines.append(f"- TF-IDF: {sample['tfidf']}")
            for reference in sample["references"]:
                lines.append(f"- reference: {reference}")
            lines.append("")
    lines += ["## Drafts for labelled dev tickets (to be judged by a person)", ""]
    for number, item in enumerate(report["dev_ticket_drafts"], start=1):
        lines.append(
            f"**{number}. {item['id']}** ({item['intent']}, {item['sentiment']}; KB {', '.join(item['kb']) or '—'})"
        )
        lines.append("- customer: " + " / ".join(item["customer"])[-300:])
        lines.append(f"- model: {item.get('model_draft', item['draft'])}")
        lines.append(f"- **draft (with the shop's policy when it matches):** {item['draft']}")
        lines.append("")
    return "\n".join(lines)
