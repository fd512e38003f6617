"""Character n-gram TF-IDF features computed with plain numpy, as sklearn fitted them.

Two shipped models are linear over these features (the KB ranker and the tagger's lexical
head). Training fits sklearn's ``TfidfVectorizer`` with :func:`analyzer`; at run time only the
vocabulary and the idf vector are needed, so the app needs no sklearn.
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter

import numpy as np


def char_ngrams(text: str, low: int = 1, high: int = 3) -> Counter[str]:
    """Counts of the 1–3-character n-grams of ``text`` (NFKC, lower case, no whitespace)."""
    text = "".join(unicodedata.normalize("NFKC", text).lower().split())
    grams: Counter[str] = Counter()
    for n in range(low, high + 1):
        for i in range(len(text) - n + 1):
            grams[text[i : i + n]] += 1
    return grams


def analyzer(text: str) -> list[str]:
    """The sklearn analyzer that yields exactly the n-grams :func:`tfidf_features` looks up."""
    return [gram for gram, count in char_ngrams(text).items() for _ in range(count)]


def tfidf_features(vocabulary: dict[str, int], idf: np.ndarray, text: str) -> tuple[np.ndarray, np.ndarray]:
    """Sparse (columns, values) of the sublinear, L2-normalised TF-IDF vector of ``text``."""
    counts = char_ngrams(text)
    known = [g for g in counts if g in vocabulary]
    if not known:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    columns = np.asarray([vocabulary[g] for g in known], dtype=np.int64)
    values = np.asarray([1.0 + math.log(counts[g]) for g in known], dtype=np.float32)
    values *= idf[columns]
    values /= max(float(np.linalg.norm(values)), 1e-9)
    return columns, values
