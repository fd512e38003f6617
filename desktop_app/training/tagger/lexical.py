"""Training side of the tagger's lexical head: fit it, choose the blend on dev, attach it.

The same fitted head is the report's TF-IDF baseline (the lexical head alone), so the
report compares the encoder alone, the baseline alone and the shipped blend on one footing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path

import numpy as np

from desktop_app.nlp.manifest import Manifest
from desktop_app.nlp.tagging.lexical import ABSENT_LOGIT, LEXICAL_FILE, Blend, LexicalHead, save_lexical_head
from desktop_app.nlp.text import clean_text

MAX_FEATURES = 200_000
BLEND_GRID = tuple(round(0.1 * i, 1) for i in range(11))


def _in_label_order(
    coef: np.ndarray, intercept: np.ndarray, classes: Sequence[str], labels: Sequence[str]
) -> tuple[np.ndarray, np.ndarray]:
    weights = np.zeros((coef.shape[1], len(labels)), dtype=np.float32)
    bias = np.full(len(labels), ABSENT_LOGIT, dtype=np.float32)
    if len(classes) == 2:  # sklearn keeps one row for two classes: logits (−z/2, z/2) give the same softmax
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    for row, label in enumerate(classes):
        column = list(labels).index(label)
        weights[:, column] = coef[row]
        bias[column] = intercept[row]
    return weights, bias


def fit_lexical_head(
    labelled: Sequence, reviews: Sequence, intent_labels: Sequence[str], sentiment_labels: Sequence[str]
) -> LexicalHead:
    """Character 1–3-gram TF-IDF and one logistic regression per task, on the tagger's own data."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from desktop_app.nlp.char_tfidf import analyzer

    vectorizer = TfidfVectorizer(
        analyzer=analyzer, min_df=2, sublinear_tf=True, norm="l2", max_features=MAX_FEATURES, dtype=np.float32
    )
    vectorizer.fit([clean_text(e.text) for e in (*labelled, *reviews)])
    with_intent = [e for e in labelled if e.intent]  # a sentiment-only correction has none
    intent = LogisticRegression(max_iter=2000, C=10.0, class_weight="balanced")
    intent.fit(vectorizer.transform([clean_text(e.text) for e in with_intent]), [e.intent for e in with_intent])
    with_sentiment = [e for e in labelled if e.sentiment] + list(reviews)
    sentiment = LogisticRegression(max_iter=2000, C=4.0, class_weight="balanced")
    sentiment.fit(
        vectorizer.transform([clean_text(e.text) for e in with_sentiment]), [e.sentiment for e in with_sentiment]
    )
    intent_weights, intent_bias = _in_label_order(intent.coef_, intent.intercept_, intent.classes_, intent_labels)
    sentiment_weights, sentiment_bias = _in_label_order(
        sentiment.coef_, sentiment.intercept_, sentiment.classes_, sentiment_labels
    )
    grams = vectorizer.get_feature_names_out()
    head = LexicalHead(
        vocabulary={str(g): i for i, g in enumerate(grams)},
        idf=vectorizer.idf_.astype(np.float32),
        intent_weights=intent_weights,
        intent_bias=intent_bias,
        sentiment_weights=sentiment_weights,
        sentiment_bias=sentiment_bias,
    )
    # Round the weights as they will be stored, so what is evaluated is what ships.
    return LexicalHead(
        head.vocabulary,
        head.idf,
        head.intent_weights.astype(np.float16).astype(np.float32),
        head.intent_bias,
        head.sentiment_weights.astype(np.float16).astype(np.float32),
        head.sentiment_bias,
    )


def lexical_predictor(head: LexicalHead) -> Callable[[Sequence[str]], tuple[np.ndarray, np.ndarray]]:
    """A predictor (texts → intent, sentiment probabilities) of the head alone: the baseline."""

    def run(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        return head.probabilities([clean_text(t) for t in texts])

    return run


def _macro_f1(gold: Sequence[int], predicted: Sequence[int]) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(gold, predicted, average="macro", zero_division=0))


def choose_blend(
    encoder: tuple[np.ndarray, np.ndarray],
    lexical: tuple[np.ndarray, np.ndarray],
    intent_gold: Sequence[int],
    sentiment_gold: Sequence[int],
) -> tuple[Blend, dict]:
    """Per task, the encoder share with the best dev macro-F1 (ties: the larger share)."""
    chosen, table = {}, {}
    for task, enc, lex, gold in (
        ("intent", encoder[0], lexical[0], intent_gold),
        ("sentiment", encoder[1], lexical[1], sentiment_gold),
    ):
        scores = {w: _macro_f1(gold, (w * enc + (1 - w) * lex).argmax(1)) for w in BLEND_GRID}
        best = max(scores, key=lambda w: (round(scores[w], 4), w))
        chosen[task] = best
        table[task] = {str(w): round(s, 4) for w, s in scores.items()}
    blend = Blend(intent_weight=chosen["intent"], sentiment_weight=chosen["sentiment"])
    return blend, {"dev_macro_f1_by_encoder_share": table, **asdict(blend)}


def attach_lexical_head(
    folder: Path, head: LexicalHead, blend: Blend, choice: dict, calibration: dict[str, float] | None = None
) -> None:
    """Write ``lexical.npz`` and name it (hash and weights) in the folder's manifest.

    ``calibration`` (the encoder's temperatures) goes in too, so the folder loads as it will
    ship before its model card is written.
    """
    save_lexical_head(head, folder / LEXICAL_FILE)
    manifest = Manifest.load(folder)
    manifest = manifest.replace(
        calibration=calibration or manifest.get("calibration"),
        lexical={
            "file": LEXICAL_FILE,
            **asdict(blend),
            "features": len(head.vocabulary),
            "chosen_on": "corpus dev split, best macro-F1 per task",
            "dev_macro_f1_by_encoder_share": choice["dev_macro_f1_by_encoder_share"],
        },
    )
    manifest.rehashed(folder, {*manifest.files, LEXICAL_FILE}).write(folder)
