"""Flag reasons as a person reads them, in the UI's language.

The store keeps each reason as the short Chinese string ``FlagRule.reasons`` wrote
(``负面情绪 0.93``, ``投诉意图 0.81``, ``负面情绪（坐席标注）``) or the explanation wrote
(``触发词：「投诉」「差评」``), so that exports and old rows read the same everywhere. The
screen parses them back into what fired, with its stored score, and words them through
Qt's translator: ``Negative sentiment 0.93``, ``Complaint intent 0.81``, ``Trigger words:
「投诉」「差评」``. A reason of another shape (an older app, a hand edit) is shown as stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

from desktop_app.domain.vocabulary import INTENTS, TRIGGER_PREFIX
from desktop_app.ui.common.formatting import intent_name

NEGATIVE, INTENT, TRIGGERS, OTHER = "negative", "intent", "triggers", "other"

_SCORE = r"(\d+(?:\.\d+)?)"
_NEGATIVE = re.compile(rf"负面情绪 {_SCORE}")
_NEGATIVE_BY_AGENT = "负面情绪（坐席标注）"
_INTENT = re.compile(rf"(.+)意图 {_SCORE}")
_INTENT_BY_AGENT = re.compile(r"(.+)意图（坐席标注）")
_WORD = re.compile(r"「([^」]*)」")
_INTENT_IDS = {name: intent for intent, name in INTENTS.items()}


@dataclass(frozen=True, slots=True)
class FlagReason:
    kind: str  # NEGATIVE, INTENT, TRIGGERS or OTHER
    text: str  # the reason as stored
    score: str | None = None  # as stored ("0.93"); None when an agent set the label
    intent: str | None = None  # the intent id of an INTENT reason
    words: tuple[str, ...] = ()  # the trigger words of a TRIGGERS reason

    @property
    def by_agent(self) -> bool:
        return self.kind in (NEGATIVE, INTENT) and self.score is None


def parse_reason(text: str) -> FlagReason:
    """What one stored reason says (kind OTHER when it is of no known shape)."""
    if text.startswith(TRIGGER_PREFIX):
        return FlagReason(TRIGGERS, text, words=tuple(_WORD.findall(text[len(TRIGGER_PREFIX) :])))
    if text == _NEGATIVE_BY_AGENT:
        return FlagReason(NEGATIVE, text)
    if match := _NEGATIVE.fullmatch(text):
        return FlagReason(NEGATIVE, text, score=match.group(1))
    if (match := _INTENT.fullmatch(text)) and match.group(1) in _INTENT_IDS:
        return FlagReason(INTENT, text, score=match.group(2), intent=_INTENT_IDS[match.group(1)])
    if (match := _INTENT_BY_AGENT.fullmatch(text)) and match.group(1) in _INTENT_IDS:
        return FlagReason(INTENT, text, intent=_INTENT_IDS[match.group(1)])
    return FlagReason(OTHER, text)


def _fill(template: str, *values: str) -> str:
    """``%1``, ``%2`` … in one pass (an intent name never turns into a placeholder)."""
    return re.sub(r"%(\d)", lambda m: values[int(m.group(1)) - 1], template)


def trigger_words_text(words: Iterable[str]) -> str:
    """``「投诉」「差评」``: the words as quoted from the customer (never translated)."""
    return "".join(f"「{word}」" for word in words)


def reason_text(reason: str | FlagReason) -> str:
    """One reason in the UI's language."""
    parsed = parse_reason(reason) if isinstance(reason, str) else reason
    translate = QCoreApplication.translate  # lupdate reads the literal calls below
    if parsed.kind == TRIGGERS:
        return _fill(translate("FlagReasons", "触发词：%1"), trigger_words_text(parsed.words))
    if parsed.kind == NEGATIVE:
        if parsed.score is None:
            return translate("FlagReasons", "负面情绪（坐席标注）")
        return _fill(translate("FlagReasons", "负面情绪 %1"), parsed.score)
    if parsed.kind == INTENT:
        name = intent_name(parsed.intent)
        if parsed.score is None:
            return _fill(translate("FlagReasons", "%1意图（坐席标注）"), name)
        return _fill(translate("FlagReasons", "%1意图 %2"), name, parsed.score)
    return parsed.text


def reasons_text(reasons: Iterable[str]) -> str:
    """Several reasons on one line, joined as the UI's language joins a list (``；`` / ``; ``)."""
    return QCoreApplication.translate("FlagReasons", "；").join(reason_text(reason) for reason in reasons)


def has_trigger_words(reasons: Iterable[str]) -> bool:
    return any(reason.startswith(TRIGGER_PREFIX) for reason in reasons)


__all__ = [
    "INTENT",
    "NEGATIVE",
    "OTHER",
    "TRIGGERS",
    "FlagReason",
    "has_trigger_words",
    "parse_reason",
    "reason_text",
    "reasons_text",
    "trigger_words_text",
]
