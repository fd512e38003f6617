"""Stored Chinese flag reasons, parsed and shown in the UI's language (Chinese and English)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTranslator
from PySide6.QtWidgets import QApplication

from desktop_app.config import RESOURCES_DIR
from desktop_app.domain.vocabulary import FlagRule
from desktop_app.ui.common.reasons import (
    INTENT,
    NEGATIVE,
    OTHER,
    TRIGGERS,
    has_trigger_words,
    parse_reason,
    reason_text,
    reasons_text,
)

QM_FILE = RESOURCES_DIR / "i18n" / "aftersales_en.qm"
STORED = ["负面情绪 0.93", "投诉意图 0.81", "触发词：「投诉」「差评」"]


@pytest.fixture
def english(qtbot):
    app = QApplication.instance()
    translator = QTranslator()
    assert translator.load(str(QM_FILE)), f"cannot load {QM_FILE}"
    app.installTranslator(translator)
    yield translator
    app.removeTranslator(translator)


def test_parse_what_fired_with_its_stored_score() -> None:
    negative, intent, triggers = (parse_reason(r) for r in STORED)
    assert (negative.kind, negative.score, negative.by_agent) == (NEGATIVE, "0.93", False)
    assert (intent.kind, intent.intent, intent.score) == (INTENT, "complaint", "0.81")
    assert (triggers.kind, triggers.words) == (TRIGGERS, ("投诉", "差评"))
    by_agent = parse_reason("投诉意图（坐席标注）")
    assert (by_agent.kind, by_agent.intent, by_agent.score, by_agent.by_agent) == (INTENT, "complaint", None, True)
    assert parse_reason("负面情绪（坐席标注）").by_agent
    assert parse_reason("仅退款/补发/价保意图 0.70").intent == "refund_compensation"
    assert parse_reason("负面情绪 0.0004").score == "0.0004"
    for odd in ("客户要求主管回电", "火星意图 0.50", "负面情绪 很高"):
        assert parse_reason(odd).kind == OTHER and reason_text(odd) == odd


def test_every_reason_the_rule_writes_is_understood() -> None:
    rule = FlagRule(0.6, ("complaint", "invoice"))
    written = rule.reasons("invoice", 0.77, 0.91) + rule.reasons(
        "complaint", None, 1.0, intent_by_agent=True, sentiment_by_agent=True
    )
    assert [parse_reason(r).kind for r in written] == [NEGATIVE, INTENT, NEGATIVE, INTENT]
    assert [reason_text(r) for r in written] == written  # the Chinese UI shows them as stored


def test_chinese_ui_shows_the_stored_text(qtbot) -> None:
    assert reasons_text(STORED) == "负面情绪 0.93；投诉意图 0.81；触发词：「投诉」「差评」"
    assert has_trigger_words(STORED) and not has_trigger_words(STORED[:2])


def test_english_ui_translates_the_reasons(english) -> None:
    assert [reason_text(r) for r in STORED] == [
        "Negative sentiment 0.93",
        "Complaint intent 0.81",
        "Trigger words: 「投诉」「差评」",
    ]
    assert reason_text("负面情绪（坐席标注）") == "Negative sentiment (set by an agent)"
    assert reason_text("发票意图（坐席标注）") == "Invoice intent (set by an agent)"
    assert reasons_text(STORED[:2]) == "Negative sentiment 0.93; Complaint intent 0.81"
