"""Calibrated scores and the supervisor flag's threshold, both chosen on the corpus dev split.

Temperature scaling (Guo et al. 2017) divides the logits by one number per head, fitted by
minimising the dev negative log-likelihood; it changes no argmax, only how far a score of
0.9 can be believed. The flag threshold is then chosen on those calibrated scores for the
rule of TAXONOMY.md (negative with high confidence, or complaint).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

FLAG_RECALL_TARGET = 0.90
FLAG_PRECISION_TARGET = 0.85
FLAG_PRECISION_FALLBACK = 0.80
ECE_BINS = 15


def scale(probs: np.ndarray, temperature: float) -> np.ndarray:
    """Softmax(log p / T): the same as dividing the logits by T."""
    logits = np.log(np.clip(probs, 1e-12, 1.0)) / temperature
    logits -= logits.max(axis=1, keepdims=True)
    out = np.exp(logits)
    return out / out.sum(axis=1, keepdims=True)


def nll(probs: np.ndarray, gold: Sequence[int]) -> float:
    return float(-np.mean(np.log(np.clip(probs[np.arange(len(gold)), list(gold)], 1e-12, 1.0))))


def fit_temperature(probs: np.ndarray, gold: Sequence[int]) -> float:
    """The T in [0.25, 8] with the lowest NLL on (probs, gold): a log grid, then a finer one."""
    if len(gold) == 0:
        return 1.0
    grid = np.exp(np.linspace(np.log(0.25), np.log(8.0), 61))
    best = min(grid, key=lambda t: nll(scale(probs, t), gold))
    fine = np.linspace(best / 1.07, best * 1.07, 41)
    return round(float(min(fine, key=lambda t: nll(scale(probs, t), gold))), 4)


def expected_calibration_error(probs: np.ndarray, gold: Sequence[int], bins: int = ECE_BINS) -> float:
    """|accuracy − confidence| averaged over equal-width confidence bins, weighted by bin size."""
    if len(gold) == 0:
        return 0.0
    confidence = probs.max(axis=1)
    correct = probs.argmax(axis=1) == np.asarray(gold)
    edges = np.linspace(0.0, 1.0, bins + 1)
    error = 0.0
    for low, high in zip(edges[:-1], edges[1:], strict=True):
        inside = (confidence > low) & (confidence <= high)
        if inside.any():
            error += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return round(float(error), 4)


@dataclass(frozen=True)
class FlagChoice:
    threshold: float
    rule: str
    dev_recall: float
    dev_precision: float
    dev_flagged_share: float
    dev_true_share: float
    targets_met: bool


def flag_outcome(p_negative: np.ndarray, complaint: Sequence[bool], gold: Sequence[bool], threshold: float) -> dict:
    """Recall, precision and flagged share of "p(negative) ≥ t or complaint" against ``gold``."""
    flagged = (p_negative >= threshold) | np.asarray(complaint, dtype=bool)
    truth = np.asarray(gold, dtype=bool)
    tp = int((flagged & truth).sum())
    return {
        "threshold": round(float(threshold), 4),
        "recall": round(tp / max(int(truth.sum()), 1), 4),
        "precision": round(tp / max(int(flagged.sum()), 1), 4),
        "flagged_share": round(float(flagged.mean()) if len(truth) else 0.0, 4),
        "true_share": round(float(truth.mean()) if len(truth) else 0.0, 4),
        "n": len(truth),
    }


def choose_flag_threshold(p_negative: np.ndarray, complaint: Sequence[bool], gold: Sequence[bool]) -> FlagChoice:
    """The threshold with the best recall at precision ≥ 0.85 (recall ≥ 0.90 wanted).

    When no threshold reaches both, the best recall at precision ≥ 0.80 is taken and the
    choice says the targets were missed; it never falls back to a threshold that flags most
    tickets. Thresholds are rounded down to 4 decimals, as shipped.
    """
    candidates = sorted({max(np.floor(float(p) * 10_000) / 10_000, 1e-4) for p in p_negative} | {0.5, 0.99})
    outcomes = [flag_outcome(p_negative, complaint, gold, t) for t in candidates]

    def best(precision_floor: float) -> dict | None:
        allowed = [o for o in outcomes if o["precision"] >= precision_floor and o["flagged_share"] <= 0.5]
        return max(allowed, key=lambda o: (o["recall"], o["threshold"])) if allowed else None

    chosen = best(FLAG_PRECISION_TARGET)
    met = chosen is not None and chosen["recall"] >= FLAG_RECALL_TARGET
    rule = f"best recall at precision>={FLAG_PRECISION_TARGET}"
    if not met:
        fallback = best(FLAG_PRECISION_FALLBACK)
        if fallback is not None and (chosen is None or fallback["recall"] >= FLAG_RECALL_TARGET):
            chosen = fallback
            rule = f"recall {FLAG_RECALL_TARGET} not reachable at precision {FLAG_PRECISION_TARGET}: " + (
                f"best recall at precision>={FLAG_PRECISION_FALLBACK}"
            )
    if chosen is None:
        chosen = flag_outcome(p_negative, complaint, gold, 0.5)
        rule = "no threshold reaches precision 0.80: the default 0.5"
    return FlagChoice(
        threshold=chosen["threshold"],
        rule=rule,
        dev_recall=chosen["recall"],
        dev_precision=chosen["precision"],
        dev_flagged_share=chosen["flagged_share"],
        dev_true_share=chosen["true_share"],
        targets_met=chosen["recall"] >= FLAG_RECALL_TARGET and chosen["precision"] >= FLAG_PRECISION_TARGET,
    )
