"""The tagger's evaluation: the same sets and metrics for the model and for a TF-IDF +
logistic-regression baseline trained on the same data, written as JSON and Markdown."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from desktop_app.nlp.text import clean_text
from desktop_app.training.common.corpora import SENTIMENTS, Example, ReviewSplits, Ticket
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


def eval_sets(tickets: Sequence[Ticket], reviews: ReviewSplits) -> EvalSets:
    return EvalSets(
        [t for t in tickets if t.split == "dev"],
        [t for t in tickets if t.split == "test"],
        reviews.shopping_heldout,
        reviews.eprstmt_test,
    )


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
    return report


class TfidfBaseline:
    """Character 1–3-gram TF-IDF with logistic regression, one model per head."""

    def __init__(self, labelled: Sequence[Example], reviews: Sequence[Example]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self.vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), min_df=2, sublinear_tf=True)
        self.vectorizer.fit([e.text for e in labelled] + [e.text for e in reviews])
        with_intent = [e for e in labelled if e.intent]  # a sentiment-only correction has none
        self.intent = LogisticRegression(max_iter=2000, C=10.0, class_weight="balanced")
        self.intent.fit(self.vectorizer.transform([e.text for e in with_intent]), [e.intent for e in with_intent])
        sentiment_examples = [e for e in labelled if e.sentiment] + list(reviews)
        self.sentiment = LogisticRegression(max_iter=2000, C=4.0, class_weight="balanced")
        self.sentiment.fit(
            self.vectorizer.transform([e.text for e in sentiment_examples]), [e.sentiment for e in sentiment_examples]
        )

    def __call__(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        features = self.vectorizer.transform(list(texts))
        return (
            _in_order(self.intent.predict_proba(features), self.intent.classes_, INTENT_LABELS),
            _in_order(self.sentiment.predict_proba(features), self.sentiment.classes_, SENTIMENTS),
        )


def _in_order(probs: np.ndarray, classes: Sequence[str], labels: Sequence[str]) -> np.ndarray:
    out = np.zeros((probs.shape[0], len(labels)))
    for column, label in enumerate(classes):
        out[:, labels.index(label)] = probs[:, column]
    return out


def write_report(report: dict, folder: Path, stem: str = "tagger_eval") -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    json_path, md_path = folder / f"{stem}.json", folder / f"{stem}.md"
    json_path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    md_path.write_text(render_markdown(report), encoding="utf-8")
    return json_path, md_path


def render_markdown(report: dict) -> str:
    systems = [name for name in ("model", "model_torch", "baseline") if name in report]
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
    row("flag threshold (chosen on dev)", lambda r: r["tickets_test"]["flag"]["threshold"])
    row("negative recall at threshold", lambda r: r["tickets_test"]["flag"]["negative_recall"])
    row("negative precision at threshold", lambda r: r["tickets_test"]["flag"]["negative_precision"])
    for system in systems:
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
    if "parity" in report:
        lines += ["", "## int8 ONNX vs torch agreement", ""]
        for key, value in report["parity"].items():
            lines.append(f"- {key}: {value}")
    return "\n".join(lines) + "\n"
