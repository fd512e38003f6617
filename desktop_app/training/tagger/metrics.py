"""Classification metrics for the evaluation report (accuracy, macro-F1, per class, confusion)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support


def classification_report(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> dict:
    present = [label for label in labels if label in set(gold) | set(predicted)]
    precision, recall, f1, support = precision_recall_fscore_support(gold, predicted, labels=present, zero_division=0)
    return {
        "n": len(gold),
        "accuracy": round(float(accuracy_score(gold, predicted)), 4),
        "macro_f1": round(float(f1_score(gold, predicted, labels=present, average="macro", zero_division=0)), 4),
        "per_class": {
            label: {
                "precision": round(float(p), 4),
                "recall": round(float(r), 4),
                "f1": round(float(f), 4),
                "support": int(s),
            }
            for label, p, r, f, s in zip(present, precision, recall, f1, support, strict=True)
        },
        "labels": list(present),
        "confusion": confusion_matrix(gold, predicted, labels=present).tolist(),
    }


def binary_accuracy(gold_positive: Sequence[bool], p_positive: Iterable[float], p_negative: Iterable[float]) -> dict:
    """Binary sentiment: positive iff p(positive) > p(negative), as the issue defines it."""
    predicted = [pos > neg for pos, neg in zip(p_positive, p_negative, strict=True)]
    correct = sum(p == g for p, g in zip(predicted, gold_positive, strict=True))
    return {"n": len(gold_positive), "accuracy": round(correct / max(len(gold_positive), 1), 4)}


def flag_threshold_for_recall(gold_negative: Sequence[bool], p_negative: Iterable[float], recall: float) -> float:
    """The highest threshold on p(negative) whose recall of negative tickets is ≥ ``recall``."""
    scores = sorted((p for p, g in zip(p_negative, gold_negative, strict=True) if g), reverse=True)
    if not scores:
        return 0.5
    needed = min(len(scores), max(1, math.ceil(recall * len(scores) - 1e-9)))
    return float(scores[needed - 1])


def flag_metrics(
    gold_negative: Sequence[bool], p_negative: Sequence[float], complaint: Sequence[bool], threshold: float
) -> dict:
    """Negative-ticket recall and precision of the flag (negative above threshold, or complaint)."""
    flagged = [p >= threshold or c for p, c in zip(p_negative, complaint, strict=True)]
    tp = sum(f and g for f, g in zip(flagged, gold_negative, strict=True))
    fp = sum(f and not g for f, g in zip(flagged, gold_negative, strict=True))
    fn = sum(g and not f for f, g in zip(flagged, gold_negative, strict=True))
    by_score = [p >= threshold for p in p_negative]
    score_tp = sum(f and g for f, g in zip(by_score, gold_negative, strict=True))
    return {
        "threshold": round(threshold, 4),
        "flagged": sum(flagged),
        "negative_recall": round(tp / max(tp + fn, 1), 4),
        "negative_precision": round(tp / max(tp + fp, 1), 4),
        # The sentiment score alone, without the complaint rule:
        "negative_recall_by_score": round(score_tp / max(sum(gold_negative), 1), 4),
        "negative_precision_by_score": round(score_tp / max(sum(by_score), 1), 4),
    }
