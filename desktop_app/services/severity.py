"""How urgently a flagged ticket needs a supervisor: one score from 0 to 100, highest first.

    severity = 100 × (0.35·N + 0.20·C + 0.30·E + 0.15·W)

- **N, negativity**: the tagger's p(negative). A sentiment an agent set counts as certain
  (1 when they said negative, else 0), as it does for the flag itself (``store.tags``).
- **C, complaint**: the tagger's probability of the flag intent (``complaint`` by default;
  the largest one when a deployment flags several). An agent's intent counts as certain.
- **E, escalation**: ``1 − 0.5^k`` for ``k`` distinct escalation words in the customer's text
  (12315, 投诉, 律师, 曝光, 媒体, 差评, 消协, 工商 …: ``ESCALATION_WORDS``): one word 0.5,
  two 0.75, three 0.875. Each further word says less than the first.
- **W, waiting**: ``log(1 + hours) / log(1 + 24)``, at most 1: 1 hour 0.22, 4 hours 0.51, a
  day or more 1. The first hours of silence matter most; a customer not waiting on us is 0.

Why these weights: negativity and complaint are what flag a ticket, so together they carry
the largest share (a certain, furious complaint alone reaches 55). Escalation words are the
customer saying they are about to take it outside the shop (a regulator, a lawyer, the
press, a public review), which costs the shop most: two of them (22.5) lift a fairly angry
ticket above a certain complaint that threatens nothing. Waiting makes any of this worse
but alone (15 at most) never outranks a clearly angry customer.
``投诉`` counts twice on purpose: as a complaint intent and as a word the customer wrote.

Pure functions, no database: ``DeskStatsService.flagged_tickets`` feeds them the stored tags.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from desktop_app.domain.vocabulary import DEFAULT_FLAG_INTENTS, NEGATIVE

WEIGHTS = {"negativity": 0.35, "complaint": 0.20, "escalation": 0.30, "waiting": 0.15}
WAIT_SATURATION_HOURS = 24.0

#: Words with which a customer threatens to go over the shop's head, matched as substrings
#: of the raw text (no word of the list contains another, so none is counted twice).
ESCALATION_WORDS: tuple[str, ...] = (
    "12315",
    "12345",
    "投诉",
    "举报",
    "律师",
    "起诉",
    "法院",
    "报警",
    "曝光",
    "媒体",
    "记者",
    "差评",
    "消协",
    "消费者协会",
    "工商",
    "市场监管",
    "市场监督",
    "黑猫",
    "维权",
)


@dataclass(frozen=True, slots=True)
class Severity:
    """The score and the parts it was made of (each in [0, 1]), for the desk's tooltip."""

    negativity: float = 0.0
    complaint: float = 0.0
    escalation: float = 0.0
    waiting: float = 0.0
    words: tuple[str, ...] = ()  # the escalation words found

    @property
    def score(self) -> float:
        """0–100."""
        return 100.0 * (
            WEIGHTS["negativity"] * self.negativity
            + WEIGHTS["complaint"] * self.complaint
            + WEIGHTS["escalation"] * self.escalation
            + WEIGHTS["waiting"] * self.waiting
        )


def escalation_words(text: str, words: Iterable[str] = ESCALATION_WORDS) -> tuple[str, ...]:
    """The escalation words in ``text``, in the order of ``words``, each once."""
    return tuple(word for word in words if word and word in text)


def escalation_factor(count: int) -> float:
    """``1 − 0.5^count``: 0, 0.5, 0.75, 0.875 …"""
    return 1.0 - 0.5 ** max(count, 0)


def waiting_factor(waited_seconds: float | None) -> float:
    """``log(1 + hours) / log(1 + 24)``, capped at 1; 0 when nobody waits on us."""
    if waited_seconds is None or waited_seconds <= 0:
        return 0.0
    hours = waited_seconds / 3600.0
    return min(1.0, math.log1p(hours) / math.log1p(WAIT_SATURATION_HOURS))


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, float(value)))


def negativity(sentiment: str | None, sentiment_score: float | None, sentiment_scores: Mapping[str, float]) -> float:
    """p(negative): the model's distribution when stored, an agent's label as 1 or 0."""
    if sentiment is not None and sentiment_score is None:  # an agent's label
        return 1.0 if sentiment == NEGATIVE else 0.0
    if NEGATIVE in sentiment_scores:
        return _clamp(sentiment_scores[NEGATIVE])
    if sentiment == NEGATIVE and sentiment_score is not None:
        return _clamp(sentiment_score)
    return 0.0


def complaint(
    intent: str | None,
    intent_score: float | None,
    intent_scores: Mapping[str, float],
    flag_intents: Iterable[str] = DEFAULT_FLAG_INTENTS,
) -> float:
    """The probability of the (largest) flag intent; an agent's label as 1 or 0."""
    flag_intents = tuple(flag_intents)
    if intent is not None and intent_score is None:  # an agent's label
        return 1.0 if intent in flag_intents else 0.0
    found = [intent_scores[label] for label in flag_intents if label in intent_scores]
    if found:
        return _clamp(max(found))
    if intent in flag_intents and intent_score is not None:
        return _clamp(intent_score)
    return 0.0


def severity(
    *,
    intent: str | None,
    intent_score: float | None,
    intent_scores: Mapping[str, float],
    sentiment: str | None,
    sentiment_score: float | None,
    sentiment_scores: Mapping[str, float],
    text: str,
    waited_seconds: float | None,
    flag_intents: Iterable[str] = DEFAULT_FLAG_INTENTS,
) -> Severity:
    """The severity of one flagged ticket from its stored tags, its text and its wait."""
    words = escalation_words(text)
    return Severity(
        negativity=negativity(sentiment, sentiment_score, sentiment_scores),
        complaint=complaint(intent, intent_score, intent_scores, flag_intents),
        escalation=escalation_factor(len(words)),
        waiting=waiting_factor(waited_seconds),
        words=words,
    )


__all__ = [
    "ESCALATION_WORDS",
    "WEIGHTS",
    "Severity",
    "complaint",
    "escalation_factor",
    "escalation_words",
    "negativity",
    "severity",
    "waiting_factor",
]
