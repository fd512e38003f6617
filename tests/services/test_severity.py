"""The severity score of flagged tickets: its parts, its weights, and the order it gives."""

from __future__ import annotations

import pytest

from desktop_app.services.severity import (
    ESCALATION_WORDS,
    Severity,
    complaint,
    escalation_factor,
    escalation_words,
    negativity,
    severity,
    waiting_factor,
)

HOUR = 3600


def _severity(**overrides: object) -> Severity:
    values: dict[str, object] = {
        "intent": "logistics",
        "intent_score": 0.9,
        "intent_scores": {"logistics": 0.9, "complaint": 0.05},
        "sentiment": "negative",
        "sentiment_score": 0.8,
        "sentiment_scores": {"negative": 0.8, "neutral": 0.15, "positive": 0.05},
        "text": "快递怎么还没到",
        "waited_seconds": None,
    }
    values.update(overrides)
    return severity(**values)  # type: ignore[arg-type]


def test_escalation_words_are_found_once_each_in_list_order() -> None:
    assert escalation_words("再不处理我就打12315投诉，还要给差评，投诉到底") == ("12315", "投诉", "差评")
    assert escalation_words("快递什么时候到") == ()
    assert {"12315", "投诉", "律师", "曝光", "媒体", "差评", "消协", "工商"} <= set(ESCALATION_WORDS)
    assert not any(a != b and a in b for a in ESCALATION_WORDS for b in ESCALATION_WORDS)


def test_escalation_factor_halves_what_each_further_word_adds() -> None:
    assert [escalation_factor(k) for k in range(4)] == [0.0, 0.5, 0.75, 0.875]


def test_waiting_factor_is_logarithmic_and_saturates_after_a_day() -> None:
    assert waiting_factor(None) == 0.0 and waiting_factor(0) == 0.0
    assert waiting_factor(HOUR) == pytest.approx(0.2154, abs=1e-3)
    assert waiting_factor(4 * HOUR) == pytest.approx(0.5, abs=0.01)
    assert waiting_factor(24 * HOUR) == pytest.approx(1.0)
    assert waiting_factor(10 * 24 * HOUR) == 1.0
    assert waiting_factor(HOUR) < waiting_factor(2 * HOUR) < waiting_factor(8 * HOUR)


def test_negativity_prefers_the_distribution_and_trusts_an_agent() -> None:
    assert negativity("neutral", 0.6, {"negative": 0.35, "neutral": 0.6}) == 0.35
    assert negativity("negative", None, {"negative": 0.2}) == 1.0  # the agent said negative
    assert negativity("neutral", None, {"negative": 0.9}) == 0.0  # the agent said it is not
    assert negativity("negative", 0.7, {}) == 0.7  # no stored distribution
    assert negativity(None, None, {}) == 0.0


def test_complaint_uses_the_flag_intents() -> None:
    scores = {"complaint": 0.3, "logistics": 0.6, "invoice": 0.1}
    assert complaint("logistics", 0.6, scores) == 0.3
    assert complaint("logistics", 0.6, scores, flag_intents=("complaint", "invoice")) == 0.3
    assert complaint("logistics", 0.6, scores, flag_intents=("invoice",)) == 0.1
    assert complaint("complaint", None, scores) == 1.0  # an agent's complaint
    assert complaint("logistics", None, scores) == 0.0
    assert complaint("complaint", 0.8, {}) == 0.8


def test_score_is_the_documented_weighted_sum() -> None:
    parts = Severity(negativity=0.9, complaint=0.5, escalation=0.75, waiting=1.0)
    assert parts.score == pytest.approx(100 * (0.35 * 0.9 + 0.20 * 0.5 + 0.30 * 0.75 + 0.15 * 1.0))
    assert Severity(1.0, 1.0, 1.0, 1.0).score == pytest.approx(100.0)
    assert Severity().score == 0.0


def test_each_part_raises_the_score() -> None:
    base = _severity().score
    assert _severity(sentiment_scores={"negative": 0.95}).score > base
    assert _severity(intent_scores={"logistics": 0.5, "complaint": 0.45}).score > base
    assert _severity(text="快递怎么还没到，我要打12315").score > base
    assert _severity(waited_seconds=3 * HOUR).score > base


def test_order_highest_first_escalation_beats_a_long_wait() -> None:
    waited_long = _severity(waited_seconds=3 * 24 * HOUR)
    escalating = _severity(text="再不退款我就找律师，去媒体曝光", waited_seconds=10 * 60)
    calm_complaint = _severity(
        intent="complaint",
        intent_score=0.6,
        intent_scores={"complaint": 0.6},
        sentiment="neutral",
        sentiment_score=0.7,
        sentiment_scores={"negative": 0.25, "neutral": 0.7},
    )
    ranked = sorted([calm_complaint, waited_long, escalating], key=lambda s: -s.score)
    assert ranked == [escalating, waited_long, calm_complaint]
    assert escalating.words == ("律师", "曝光", "媒体")
