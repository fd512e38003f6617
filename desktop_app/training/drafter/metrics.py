"""Reply metrics: character-level sentence BLEU-4 (nltk, smoothing 1), ROUGE-L, distinct-2.

Hypotheses and references are normalised the same way (NFKC, corpus placeholders as one
symbol each, emoji codes dropped), so that punctuation width and placeholder spelling do
not decide a score. With several references, a hypothesis scores the mean over them, as
the JDDC 2019 evaluation does.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import mean

from nltk.translate.bleu_score import SmoothingFunction, sentence_bleu

from desktop_app.nlp.text import PLACEHOLDER_TOKENS
from desktop_app.training.drafter.data import clean_reply

_SMOOTHING = SmoothingFunction().method1
_PLACEHOLDER_SYMBOL = {token: chr(0xE000 + i) for i, token in enumerate(PLACEHOLDER_TOKENS)}
_PLACEHOLDER = re.compile("|".join(re.escape(t) for t in PLACEHOLDER_TOKENS))
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> list[str]:
    """Characters of the cleaned reply, placeholders as single symbols, spaces dropped."""
    cleaned = _PLACEHOLDER.sub(lambda m: _PLACEHOLDER_SYMBOL[m.group(0)], clean_reply(text))
    return list(_SPACES.sub("", cleaned))


def bleu4(hypothesis: str, references: Sequence[str]) -> float:
    hyp = normalise(hypothesis)
    scores = [sentence_bleu([normalise(r)], hyp, smoothing_function=_SMOOTHING) for r in references]
    return mean(scores) if scores else 0.0


def _lcs(a: Sequence[str], b: Sequence[str]) -> int:
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def rouge_l(hypothesis: str, references: Sequence[str]) -> float:
    hyp = normalise(hypothesis)
    scores = []
    for reference in references:
        ref = normalise(reference)
        lcs = _lcs(hyp, ref)
        if not hyp or not ref or not lcs:
            scores.append(0.0)
            continue
        precision, recall = lcs / len(hyp), lcs / len(ref)
        scores.append(2 * precision * recall / (precision + recall))
    return mean(scores) if scores else 0.0


def distinct_2(hypotheses: Sequence[str]) -> float:
    """Distinct character bigrams over all bigrams of all hypotheses (corpus-level)."""
    bigrams = [tuple(chars[i : i + 2]) for h in hypotheses for chars in [normalise(h)] for i in range(len(chars) - 1)]
    return len(set(bigrams)) / len(bigrams) if bigrams else 0.0


@dataclass(frozen=True)
class SystemScores:
    bleu4: float
    rouge_l: float
    distinct_2: float
    mean_length: float
    count: int

    def to_json(self) -> dict[str, float]:
        return {
            "bleu4": round(self.bleu4, 4),
            "rouge_l": round(self.rouge_l, 4),
            "distinct_2": round(self.distinct_2, 4),
            "mean_length": round(self.mean_length, 1),
            "count": self.count,
        }


def score_system(hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> SystemScores:
    return SystemScores(
        bleu4=mean(bleu4(h, r) for h, r in zip(hypotheses, references, strict=True)),
        rouge_l=mean(rouge_l(h, r) for h, r in zip(hypotheses, references, strict=True)),
        distinct_2=distinct_2(hypotheses),
        mean_length=mean(len(normalise(h)) for h in hypotheses),
        count=len(hypotheses),
    )


_LOOP = re.compile(r"(.{2,}?)\1{2,}")
_LONG_DIGITS = re.compile(r"\d{6,}")


def has_loop(text: str) -> bool:
    """A phrase of two or more characters said three times in a row."""
    return bool(_LOOP.search(text))


def invented_numbers(text: str, allowed: Sequence[str]) -> list[str]:
    """Order-number-like digit runs in a draft that the ticket does not contain."""
    return [m for m in _LONG_DIGITS.findall(text) if not any(m in a for a in allowed)]


def chrf(hypothesis: str, reference: str, max_n: int = 6, beta: float = 2.0) -> float:
    """Character n-gram F-score (Popović 2015, chrF2): n = 1…6 averaged, recall weighted by β."""
    hyp, ref = "".join(normalise(hypothesis)), "".join(normalise(reference))
    precisions, recalls = [], []
    for n in range(1, max_n + 1):
        h = Counter(hyp[i : i + n] for i in range(len(hyp) - n + 1))
        r = Counter(ref[i : i + n] for i in range(len(ref) - n + 1))
        if not h or not r:
            continue
        overlap = sum((h & r).values())
        precisions.append(overlap / sum(h.values()))
        recalls.append(overlap / sum(r.values()))
    if not precisions:
        return 0.0
    precision, recall = sum(precisions) / len(precisions), sum(recalls) / len(recalls)
    if precision + recall == 0:
        return 0.0
    return (1 + beta**2) * precision * recall / (beta**2 * precision + recall)
