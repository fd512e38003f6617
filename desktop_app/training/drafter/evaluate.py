"""``aftersales eval drafter``: the drafter on the corpus test split, next to a retrieval-only baseline.

Every test ticket goes through the app's own pipeline (masking, retrieval, generation,
promise check). The baseline sends, as it is, the reference reply of the nearest corpus
train ticket (character TF-IDF), so that the value of generation is measured, not assumed.
Both get the same automatic figures (chrF, BLEU, digit strings not in the prompt, marked
promises, apology rate on negative tickets, most frequent draft, distinct-2, length) and,
once a judge has read them, the rubric verdicts (``--verdicts``). The JDDC 2019 dev BLEU is
kept next to its most-frequent-reply baseline, as before.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.nlp.drafting.guard import digit_strings
from desktop_app.nlp.drafting.pipeline import Drafter, DraftOutcome, TicketView, draft_ticket, plan_draft
from desktop_app.nlp.drafting.prompt import V2_FORMAT, build_prompt
from desktop_app.nlp.drafting.rerank import APOLOGY, is_upset
from desktop_app.nlp.drafting.retrieval import Retriever, recall_at
from desktop_app.training.drafter.data import clean_reply, corpus_view, is_usable_reply, jddc2019_dev, jddc_pairs
from desktop_app.training.drafter.metrics import bleu4, chrf, distinct_2, has_loop

if TYPE_CHECKING:
    from desktop_app.nlp.tagging.tagger import TagResult

log = logging.getLogger(__name__)

VERDICTS = ("send", "light", "rewrite", "harmful")


def most_frequent_reply(data: Path) -> str:
    """The most frequent cleaned JDDC reply of the training pairs (the JDDC dev baseline)."""
    counts = Counter(clean_reply(reply) for _turns, reply in jddc_pairs(data, "train"))
    return next(reply for reply, _n in counts.most_common() if is_usable_reply(reply))


class NearestReply:
    """Retrieval-only baseline: the reference reply of the most similar corpus train ticket."""

    def __init__(self, train: Sequence) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.preprocessing import normalize

        self._normalize = normalize
        self.vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), min_df=1, sublinear_tf=True)
        self.matrix = normalize(self.vectorizer.fit_transform([t.customer_text for t in train]))
        self.train = list(train)

    def __call__(self, texts: Sequence[str]) -> list:
        queries = self._normalize(self.vectorizer.transform(list(texts)))
        best = (queries @ self.matrix.T).toarray().argmax(axis=1)
        return [self.train[int(b)] for b in best]


def _figures(drafts: Sequence[str], references: Sequence[str], prompts: Sequence[str], tickets: Sequence,
             marks: Sequence[int]) -> dict:
    negative = [i for i, t in enumerate(tickets) if is_upset(t.intent, t.sentiment)]
    counts = Counter(drafts)
    top, top_n = counts.most_common(1)[0] if counts else ("", 0)
    invented = [sorted(digit_strings([d]) - digit_strings([p])) for d, p in zip(drafts, prompts, strict=True)]
    n = max(len(drafts), 1)
    return {
        "drafts": len(drafts),
        "chrf": round(sum(chrf(d, r) for d, r in zip(drafts, references, strict=True)) / n, 4),
        "bleu4": round(sum(bleu4(d, [r]) for d, r in zip(drafts, references, strict=True)) / n, 4),
        "with_digit_not_in_prompt": sum(bool(i) for i in invented),
        "digit_examples": [i for i in invented if i][:5],
        "sentences_marked_by_promise_check": int(sum(marks)),
        "drafts_with_a_marked_sentence": sum(1 for m in marks if m),
        "apology_rate_negative": round(sum(bool(APOLOGY.search(drafts[i])) for i in negative) / max(len(negative), 1), 4),
        "most_frequent_draft_share": round(top_n / n, 4),
        "most_frequent_draft": top,
        "distinct_2": round(distinct_2(drafts), 4),
        "mean_length": round(sum(len(d) for d in drafts) / n, 1),
        "with_loop": sum(has_loop(d) for d in drafts),
        "empty": sum(not d.strip() for d in drafts),
    }


def evaluate_corpus(
    drafter: Drafter, retriever: Retriever, train: Sequence, test: Sequence, tags: Mapping[str, TagResult] | None
) -> tuple[dict, list[dict]]:
    """Drafter and baseline on ``test``; returns the figures and one record per ticket for the judge.

    ``tags`` are the tagger's (intent, sentiment) per ticket id, as the app would have them;
    without a tagger the gold labels stand in (the report says which).
    """
    from desktop_app.nlp.drafting.guard import promise_check

    outcomes: list[DraftOutcome] = []
    for ticket in test:
        view = corpus_view(ticket)
        if tags is not None:
            tagged = tags[ticket.id]
            view = replace(
                view,
                intent=tagged.intent,
                sentiment=tagged.sentiment,
                intent_scores=tagged.intent_scores,
                sentiment_scores=tagged.sentiment_scores,
            )
        outcomes.append(draft_ticket(drafter, plan_draft(view, retriever)))
    nearest = NearestReply(train)([t.customer_text for t in test])
    prompt_format = str(getattr(drafter, "format", V2_FORMAT))  # what the digit guard allowed
    prompts = [build_prompt(o.plan.request, prompt_format) for o in outcomes]
    fills = [o.plan.request.order_id for o in outcomes]
    prompts = [p + f + "\n".join(o.plan.support) for p, f, o in zip(prompts, fills, outcomes, strict=True)]
    references = [t.reply for t in test]
    drafts = [o.text for o in outcomes]
    baseline = [n.reply for n in nearest]
    baseline_marks = [len(promise_check(b, o.plan.support)) for b, o in zip(baseline, outcomes, strict=True)]
    hits = [[h.entry.id for h in o.plan.hits] for o in outcomes]
    figures = {
        "tickets": len(test),
        "tags": "tagger predictions" if tags is not None else "gold labels (no tagger)",
        "kb_recall_at_3": recall_at(hits, [t.kb for t in test], 3),
        "drafter": _figures(drafts, references, prompts, test, [len(o.marks) for o in outcomes]),
        "retrieval_only_baseline": _figures(baseline, references, prompts, test, baseline_marks),
    }
    records = []
    for ticket, outcome, near in zip(test, outcomes, nearest, strict=True):
        records.append(
            {
                "id": ticket.id,
                "intent": ticket.intent,
                "sentiment": ticket.sentiment,
                "style": ticket.style,
                "turns": [{"role": t.role, "text": t.text} for t in ticket.turns],
                "order_id": ticket.order_id,
                "kb_in_prompt": list(outcome.plan.request.kb_ids),
                "gold_kb": list(ticket.kb),
                "drafter": outcome.text,
                "drafter_marked": [m.sentence for m in outcome.marks],
                "baseline": near.reply,
                "baseline_from": near.id,
                "reference": ticket.reply,
            }
        )
    return figures, records


def evaluate_jddc_dev(data: Path, drafter: Drafter, retriever: Retriever) -> dict:
    """Mean sentence BLEU-4 on the JDDC 2019 dev set, next to the most frequent reply."""
    items = jddc2019_dev(data)
    drafts = [draft_ticket(drafter, plan_draft(TicketView(turns=i.turns), retriever)).text for i in items]
    frequent = most_frequent_reply(data)
    n = max(len(items), 1)
    return {
        "replies": len(items),
        "drafter_bleu4": round(sum(bleu4(d, i.references) for d, i in zip(drafts, items, strict=True)) / n, 4),
        "most_frequent_reply": frequent,
        "most_frequent_reply_bleu4": round(sum(bleu4(frequent, i.references) for i in items) / n, 4),
    }


def merge_verdicts(report: dict, verdicts_path: Path) -> dict:
    """The judge's rubric verdicts (JSON lines ``{id, system, verdict, reason}``) as shares."""
    rows = [json.loads(line) for line in verdicts_path.read_text("utf-8").splitlines() if line.strip()]
    summary: dict[str, dict] = {}
    for system in sorted({r["system"] for r in rows}):
        verdicts = Counter(r["verdict"] for r in rows if r["system"] == system)
        total = sum(verdicts.values())
        summary[system] = {
            **{v: verdicts.get(v, 0) for v in VERDICTS},
            "judged": total,
            "send_or_light": round((verdicts["send"] + verdicts["light"]) / max(total, 1), 4),
            "harmful_share": round(verdicts["harmful"] / max(total, 1), 4),
        }
    report["rubric"] = {"verdicts_file": str(verdicts_path), "by_system": summary}
    return report


def markdown_report(report: dict) -> str:
    corpus = report.get("corpus_test", {})
    lines = ["# Drafter evaluation", "", f"Model: `{report.get('model', '')}`.", ""]
    if corpus:
        d, b = corpus["drafter"], corpus["retrieval_only_baseline"]
        lines += [
            f"Corpus test split: {corpus['tickets']} tickets; tags: {corpus['tags']}.",
            f"KB recall@3 (gold `kb` ids): {json.dumps(corpus['kb_recall_at_3'])}.",
            "",
            "| figure | drafter | retrieval-only baseline |",
            "|---|---|---|",
        ]
        rubric = report.get("rubric", {}).get("by_system", {})
        if rubric:
            for key, label in (("send_or_light", "rubric send + light"), ("harmful_share", "rubric harmful")):
                lines.append(
                    f"| {label} | {rubric.get('drafter', {}).get(key, '–')} | {rubric.get('baseline', {}).get(key, '–')} |"
                )
        for key in (
            "chrf",
            "bleu4",
            "with_digit_not_in_prompt",
            "sentences_marked_by_promise_check",
            "drafts_with_a_marked_sentence",
            "apology_rate_negative",
            "most_frequent_draft_share",
            "distinct_2",
            "mean_length",
            "with_loop",
            "empty",
        ):
            lines.append(f"| {key} | {d[key]} | {b[key]} |")
        lines += ["", f"Most frequent draft: 「{d['most_frequent_draft']}」", ""]
    if "jddc2019_dev" in report:
        j = report["jddc2019_dev"]
        lines += [
            "## JDDC 2019 dev",
            "",
            f"{j['replies']} replies: drafter BLEU-4 {j['drafter_bleu4']}, most frequent reply "
            f"(「{j['most_frequent_reply']}」) {j['most_frequent_reply_bleu4']}.",
            "",
        ]
    if "speed" in report:
        lines += ["## Speed", "", "```json", json.dumps(report["speed"], ensure_ascii=False, indent=1), "```", ""]
    samples = report.get("samples", [])
    if samples:
        lines += ["## Sample drafts (corpus test)", ""]
        for s in samples:
            customer = " / ".join(t["text"] for t in s["turns"] if t["role"] == "customer")
            lines += [
                f"- **{s['id']}** ({s['intent']}, {s['sentiment']}) 顾客：{customer}",
                f"  - drafter: {s['drafter']}",
                f"  - baseline: {s['baseline']}",
                f"  - reference: {s['reference']}",
            ]
    return "\n".join(lines) + "\n"
