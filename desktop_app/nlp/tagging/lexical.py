"""The tagger's lexical head: character n-gram TF-IDF with logistic regression for both tasks.

On the authored corpus a linear model over character n-grams beats the small encoder on
intent (it keys on words such as 发票 or 保修 that name the intent), while the encoder is
better on sentiment. The shipped tagger blends the two: ``p = w·p_encoder + (1 − w)·p_lexical``
per task, ``w`` chosen on the corpus dev split at training time and written in the manifest.
Plain numpy at run time: the vocabulary, the idf vector and two weight matrices.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from desktop_app.nlp.char_tfidf import tfidf_features
from desktop_app.nlp.model_folder import ModelFolderError

LEXICAL_FILE = "lexical.npz"
ABSENT_LOGIT = -30.0  # a label the training data never had: probability ~0


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=-1, keepdims=True)


@dataclass(frozen=True)
class LexicalHead:
    vocabulary: dict[str, int]
    idf: np.ndarray  # (features,)
    intent_weights: np.ndarray  # (features, intents), columns in the tagger's label order
    intent_bias: np.ndarray  # (intents,)
    sentiment_weights: np.ndarray  # (features, sentiments)
    sentiment_bias: np.ndarray  # (sentiments,)

    @classmethod
    def load(cls, path: Path, intents: int, sentiments: int) -> LexicalHead:
        """Read ``path`` (already hash-checked by the model folder) and check its shapes."""
        try:
            with np.load(path, allow_pickle=False) as data:
                grams = [str(g) for g in data["grams"]]
                head = cls(
                    vocabulary={g: i for i, g in enumerate(grams)},
                    idf=data["idf"].astype(np.float32),
                    intent_weights=data["intent_weights"].astype(np.float32),
                    intent_bias=data["intent_bias"].astype(np.float32),
                    sentiment_weights=data["sentiment_weights"].astype(np.float32),
                    sentiment_bias=data["sentiment_bias"].astype(np.float32),
                )
        except (KeyError, ValueError, OSError) as exc:
            raise ModelFolderError(f"{path} is not a lexical head file: {exc}") from exc
        expected = {
            "idf": (len(grams),),
            "intent_weights": (len(grams), intents),
            "intent_bias": (intents,),
            "sentiment_weights": (len(grams), sentiments),
            "sentiment_bias": (sentiments,),
        }
        for name, shape in expected.items():
            if getattr(head, name).shape != shape:
                raise ModelFolderError(f"{path}: {name} has shape {getattr(head, name).shape}, expected {shape}")
        return head

    def probabilities(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(intent probabilities [n, intents], sentiment probabilities [n, sentiments])."""
        intent_logits = np.tile(self.intent_bias, (len(texts), 1)).astype(np.float64)
        sentiment_logits = np.tile(self.sentiment_bias, (len(texts), 1)).astype(np.float64)
        for row, text in enumerate(texts):
            columns, values = tfidf_features(self.vocabulary, self.idf, text)
            if len(columns):
                intent_logits[row] += values @ self.intent_weights[columns]
                sentiment_logits[row] += values @ self.sentiment_weights[columns]
        return _softmax(intent_logits), _softmax(sentiment_logits)

    def arrays(self) -> dict[str, np.ndarray]:
        """What :func:`save_lexical_head` writes (training side)."""
        grams = np.array(sorted(self.vocabulary, key=self.vocabulary.__getitem__))
        return {
            "grams": grams,
            "idf": self.idf.astype(np.float32),
            "intent_weights": self.intent_weights.astype(np.float16),
            "intent_bias": self.intent_bias.astype(np.float32),
            "sentiment_weights": self.sentiment_weights.astype(np.float16),
            "sentiment_bias": self.sentiment_bias.astype(np.float32),
        }


def save_lexical_head(head: LexicalHead, path: Path) -> None:
    np.savez_compressed(path, allow_pickle=False, **head.arrays())


@dataclass(frozen=True)
class Blend:
    """The encoder's share of each task's probability (1.0: the encoder alone)."""

    intent_weight: float = 1.0
    sentiment_weight: float = 1.0

    @classmethod
    def from_manifest(cls, section: object, where: Path) -> Blend:
        if not isinstance(section, dict):
            raise ModelFolderError(f"{where}: lexical must be an object")
        values = []
        for key in ("intent_weight", "sentiment_weight"):
            value = section.get(key)
            if not isinstance(value, int | float) or isinstance(value, bool) or not 0.0 <= value <= 1.0:
                raise ModelFolderError(f"{where}: lexical.{key} must be a number in [0, 1]")
            values.append(float(value))
        return cls(values[0], values[1])

    def mix(self, encoder: np.ndarray, lexical: np.ndarray, task: str) -> np.ndarray:
        weight = self.intent_weight if task == "intent" else self.sentiment_weight
        return weight * encoder + (1.0 - weight) * lexical
