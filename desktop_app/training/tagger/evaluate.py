"""The tagger's evaluation: the same sets and metrics for the model and for a TF-IDF +
logistic-regression baseline trained on the same data, written as JSON and Markdown."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from desktop_app.nlp.text import clean_text
from desktop_app.training.common.corpora import SENTIMENTS, Example, ReviewSplits, Ticket
from desktop_app.training.common.corpus import CorpusTicket
from desktop_app.training.tagger.calibration import expected_calibration_error, flag_outcome
from desktop_app.training.tagger.train import INTENT_LABELS
from desktop_app.training.tagger.metrics import (
    binary_accuracy,
    classification_report,
    flag_metrics,
    flag_threshold_for_recall,
)

# texts (cleaned) → (intent probabilities [n, 11], sentiment probabilities [n, 3]) in label order
Predictor = Callable[[Sequence[str]], tuple[np.ndarray, np.ndarray]]
FLAG_RECALL_TARGET = 0.95
NEG, POS = SENTIMENTS.index("negative"), SENTIMENTS.index("positive")
COMPLAINT = INTENT_LABELS.index("complaint")


@dataclass(frozen=True)
class EvalSets:
    dev: list[Ticket]
    test: list[Ticket]
    shopping_heldout: list[Example]
    eprstmt_test: list[Example]
    corpus_dev: list[CorpusTicket] = field(default_factory=list)
    corpus_test: list[CorpusTicket] = field(default_factory=list)


def eval_sets(
    tickets: Sequence[Ticket], reviews: ReviewSplits, corpus: Sequence[CorpusTicket] = ()
) -> EvalSets:
    return EvalSets(
        [t for t in tickets if t.split == "dev"],
        [t for t in tickets if t.split == "test"],
        reviews.shopping_heldout,
        reviews.eprstmt_test,
        [t for t in corpus if t.split == "dev"],
        [t for t in corpus if t.split == "test"],
    )


def corpus_texts(tickets: Sequence[CorpusTicket]) -> list[str]:
    return [clean_text(t.customer_text) for t in tickets]


def flag_gold(tickets: Sequence[CorpusTicket]) -> list[bool]:
    """What the flag should catch: negative tickets and complaints."""
    return [t.sentiment == "negative" or t.intent == "complaint" for t in tickets]


def evaluate_corpus(predict: Predictor, tickets: Sequence[CorpusTicket], threshold: float) -> dict:
    """Intent, sentiment, flag, calibration error and accuracy by style on corpus tickets."""
    intent_p, sentiment_p = predict(corpus_texts(tickets))
    intents = [INTENT_LABELS[i] for i in intent_p.argmax(1)]
    sentiments = [SENTIMENTS[i] for i in sentiment_p.argmax(1)]
    by_style: dict[str, dict] = {}
    for style in sorted({t.style for t in tickets}):
        rows = [i for i, t in enumerate(tickets) if t.style == style]
        by_style[style] = {
            "n": len(rows),
            "intent_accuracy": round(sum(intents[i] == tickets[i].intent for i in rows) / len(rows), 4),
            "sentiment_accuracy": round(sum(sentiments[i] == tickets[i].sentiment for i in rows) / len(rows), 4),
        }
    return {
        "intent": classification_report([t.intent for t in tickets], intents, INTENT_LABELS),
        "sentiment": classification_report([t.sentiment for t in tickets], sentiments, SENTIMENTS),
        "flag": flag_outcome(
            sentiment_p[:, NEG], [i == "complaint" for i in intents], flag_gold(tickets), threshold
        ),
        "calibration_error": {
            "intent_ece": expected_calibration_error(intent_p, [INTENT_LABELS.index(t.intent) for t in tickets]),
            "sentiment_ece": expected_calibration_error(sentiment_p, [SENTIMENTS.index(t.sentiment) for t in tickets]),
        },
        "by_style": by_style,
    }


MAX_FLAGGED_SHARE = 0.5  # a flag on most tickets tells a supervisor nothing


@dataclass(frozen=True)
class ThresholdChoice:
    threshold: float
    rule: str  # "recall>=0.95" or "best F2 (recall target not reachable)"
    dev_recall: float
    dev_flagged_share: float


def choose_threshold(predict: Predictor, dev: Sequence[Ticket]) -> ThresholdChoice:
    """The highest p(negative) threshold with ≥ 0.95 recall of negative dev tickets.

    When that threshold would flag most tickets (a weak model), the threshold with the
    best F2 (recall weighted over precision) is used instead, and the choice says so.
    Rounded down to 4 decimals, so the shipped number keeps the recall it was chosen for.
    """
    _, sentiment = predict([clean_text(t.text) for t in dev])
    gold = [t.sentiment == "negative" for t in dev]
    scores = sentiment[:, NEG]
    exact = flag_threshold_for_recall(gold, scores, FLAG_RECALL_TARGET)
    rule = f"recall>={FLAG_RECALL_TARGET}"
    if exact <= 0 or float((scores >= exact).mean()) > MAX_FLAGGED_SHARE:
        exact, rule = best_f_beta_threshold(gold, scores, beta=2.0), "best F2 (recall target not reachable)"
    threshold = max(math.floor(exact * 10_000) / 10_000, 1e-4)
    flagged = scores >= threshold
    caught = sum(f and g for f, g in zip(flagged, gold, strict=True))
    return ThresholdChoice(threshold, rule, round(caught / max(sum(gold), 1), 4), round(float(flagged.mean()), 4))


def best_f_beta_threshold(gold: Sequence[bool], scores: np.ndarray, beta: float) -> float:
    best, best_score = 0.5, -1.0
    for candidate in sorted(set(scores.tolist())):
        flagged = scores >= candidate
        tp = sum(f and g for f, g in zip(flagged, gold, strict=True))
        fp, fn = int(flagged.sum()) - tp, sum(gold) - tp
        denominator = (1 + beta**2) * tp + beta**2 * fn + fp
        score = (1 + beta**2) * tp / denominator if denominator else 0.0
        if score > best_score:
            best, best_score = candidate, score
    return float(best)


def evaluate(predict: Predictor, sets: EvalSets, threshold: float) -> dict:
    intent_p, sentiment_p = predict([clean_text(t.text) for t in sets.test])
    intents = [INTENT_LABELS[i] for i in intent_p.argmax(1)]
    sentiments = [SENTIMENTS[i] for i in sentiment_p.argmax(1)]
    report = {
        "tickets_test": {
            "intent": classification_report([t.intent for t in sets.test], intents, INTENT_LABELS),
            "sentiment": classification_report([t.sentiment for t in sets.test], sentiments, SENTIMENTS),
            "flag": flag_metrics(
                [t.sentiment == "negative" for t in sets.test],
                sentiment_p[:, NEG].tolist(),
                [i == "complaint" for i in intents],
                threshold,
            ),
        }
    }
    for name, examples in (("online_shopping_heldout", sets.shopping_heldout), ("eprstmt_test", sets.eprstmt_test)):
        _, probs = predict([e.text for e in examples])
        report[name] = binary_accuracy([e.sentiment == "positive" for e in examples], probs[:, POS], probs[:, NEG])
    if sets.corpus_test:
        report["corpus_test"] = evaluate_corpus(predict, sets.corpus_test, threshold)
    return report


def write_report(report: dict, folder: Path, stem: str = "tagger_eval") -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    json_path, md_path = folder / f"{stem}.json", folder / f"{stem}.md"
    json_path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    md_path.write_text(render_markdown(report), encoding="utf-8")
    return json_path, md_path


def render_markdown(report: dict) -> str:
    # model: what ships (encoder blended with the lexical head); model_encoder_only: the int8
    # encoder alone; model_torch: its fp32 source; baseline: the lexical head alone (TF-IDF + LR).
    systems = [name for name in ("model", "model_encoder_only", "model_torch", "baseline") if name in report]
    lines = ["# Tagger evaluation", ""]
    if "model_name" in report:
        lines += [f"Model: `{report['model_name']}`. Data: `{report.get('data', '')}`.", ""]
    lines += ["| metric | " + " | ".join(systems) + " |", "|---|" + "---|" * len(systems)]

    def row(label: str, getter: Callable[[dict], object]) -> None:
        lines.append(f"| {label} | " + " | ".join(str(getter(report[s])) for s in systems) + " |")

    row("intent accuracy (tickets test)", lambda r: r["tickets_test"]["intent"]["accuracy"])
    row("intent macro-F1 (tickets test)", lambda r: r["tickets_test"]["intent"]["macro_f1"])
    row("sentiment accuracy (tickets test)", lambda r: r["tickets_test"]["sentiment"]["accuracy"])
    row("sentiment macro-F1 (tickets test)", lambda r: r["tickets_test"]["sentiment"]["macro_f1"])
    row("binary sentiment, online_shopping held-out", lambda r: r["online_shopping_heldout"]["accuracy"])
    row("binary sentiment, EPRSTMT test_public", lambda r: r["eprstmt_test"]["accuracy"])
    if all("corpus_test" in report[s] for s in systems):
        row("intent macro-F1 (corpus test)", lambda r: r["corpus_test"]["intent"]["macro_f1"])
        row("sentiment macro-F1 (corpus test)", lambda r: r["corpus_test"]["sentiment"]["macro_f1"])
        row("intent accuracy (corpus test)", lambda r: r["corpus_test"]["intent"]["accuracy"])
        row("sentiment accuracy (corpus test)", lambda r: r["corpus_test"]["sentiment"]["accuracy"])
        row("flag recall, negative or complaint (corpus test)", lambda r: r["corpus_test"]["flag"]["recall"])
        row("flag precision (corpus test)", lambda r: r["corpus_test"]["flag"]["precision"])
        row("flagged share / true share (corpus test)",
            lambda r: f'{r["corpus_test"]["flag"]["flagged_share"]} / {r["corpus_test"]["flag"]["true_share"]}')
        row("sentiment ECE (corpus test)", lambda r: r["corpus_test"]["calibration_error"]["sentiment_ece"])
    row("flag threshold (chosen on dev)", lambda r: r["tickets_test"]["flag"]["threshold"])
    row("negative recall at threshold", lambda r: r["tickets_test"]["flag"]["negative_recall"])
    row("negative precision at threshold", lambda r: r["tickets_test"]["flag"]["negative_precision"])
    for system in [s for s in systems if s in ("model", "baseline")]:
        for task in ("intent", "sentiment"):
            section = report[system]["tickets_test"][task]
            lines += ["", f"## {system}: {task} per class (tickets test)", ""]
            lines += ["| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
            for label, values in section["per_class"].items():
                lines.append(
                    f"| {label} | {values['precision']} | {values['recall']} | {values['f1']} | {values['support']} |"
                )
            lines += ["", "Confusion (rows gold, columns predicted): " + ", ".join(section["labels"]), ""]
            lines += ["    " + " ".join(f"{v:4d}" for v in row_values) for row_values in section["confusion"]]
    if "corpus_test" in report.get("model", {}):
        lines += ["", "## Accuracy by style (corpus test, model)", "", "| style | n | intent | sentiment |", "|---|---|---|---|"]
        for style, values in report["model"]["corpus_test"]["by_style"].items():
            lines.append(f"| {style} | {values['n']} | {values['intent_accuracy']} | {values['sentiment_accuracy']} |")
    for key, title in (("blend", "Blend of encoder and lexical head (encoder share, chosen on corpus dev)"),
                       ("calibration", "Calibration (temperature scaling on corpus dev)"),
                       ("flag_choice", "Flag threshold choice (corpus dev)"),
                       ("seeds", "Fine-tuning seeds (dev and test)"),
                       ("triggers", "Trigger words against the corpus evidence spans (test)")):
        if key in report:
            lines += ["", f"## {title}", "", "```", json.dumps(report[key], ensure_ascii=False, indent=1), "```"]
    if "parity" in report:
        lines += ["", "## int8 ONNX vs torch agreement", ""]
        for key, value in report["parity"].items():
            lines.append(f"- {key}: {value}")
    return "\n".join(lines) + "\n"
