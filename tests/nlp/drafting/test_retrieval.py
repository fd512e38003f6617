"""The KB ranker's intent prior, hard and averaged over the tagger's intents (``nlp.drafting.retrieval``)."""

from __future__ import annotations

import numpy as np
import pytest

from desktop_app.nlp.drafting.retrieval import KbRanker


def _ranker() -> KbRanker:
    """Two entries and no text features: only the intent prior decides."""
    return KbRanker(
        vocabulary={},
        idf=np.zeros(0, dtype=np.float32),
        weights=np.zeros((0, 2), dtype=np.float32),
        bias=np.zeros(2, dtype=np.float32),
        entry_ids=("return_7day", "exchange_size"),
        intent_prior={
            "return_refund": np.array([4.0, -4.0], dtype=np.float32),
            "exchange": np.array([-4.0, 4.0], dtype=np.float32),
        },
    )


def test_the_top_intent_alone_decides_without_scores() -> None:
    scores = _ranker().scores("衣服大了", intent="return_refund")
    assert scores["return_7day"] == pytest.approx(1 / (1 + np.exp(-4.0)))
    assert scores["exchange_size"] < 0.05


def test_the_tagger_scores_average_the_prior_over_its_intents() -> None:
    ranker = _ranker()
    soft = ranker.scores("衣服大了", intent="return_refund", intent_scores={"return_refund": 0.6, "exchange": 0.4})
    hard = ranker.scores("衣服大了", intent="return_refund")
    assert soft["return_7day"] > soft["exchange_size"]  # the top intent still leads
    assert soft["exchange_size"] == pytest.approx(0.6 * (1 / (1 + np.exp(4.0))) + 0.4 * (1 / (1 + np.exp(-4.0))))
    assert soft["exchange_size"] > 20 * hard["exchange_size"]  # the second guess keeps its entry in reach


def test_scores_of_intents_the_ranker_never_saw_are_ignored() -> None:
    ranker = _ranker()
    only_unknown = ranker.scores("衣服大了", intent="return_refund", intent_scores={"invoice": 1.0})
    assert only_unknown == ranker.scores("衣服大了", intent="return_refund")
    renormalised = ranker.scores("x", intent="exchange", intent_scores={"exchange": 0.3, "invoice": 0.7})
    assert renormalised == ranker.scores("x", intent="exchange")
