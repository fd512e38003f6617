"""Vocabulary shared by every layer: ticket statuses, message roles and the label sets.

The label ids and their Chinese names follow ``shared/TAXONOMY.md``; keeping them here
(plain Python, no Qt, no SQL) lets the store, the services and the UI agree on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class TicketStatus(StrEnum):
    """Where a ticket is in its life; ``new`` and ``open`` still need an agent."""

    NEW = "new"
    OPEN = "open"
    WAITING_CUSTOMER = "waiting_customer"
    RESOLVED = "resolved"

    @property
    def needs_agent(self) -> bool:
        return self in (TicketStatus.NEW, TicketStatus.OPEN)


STATUS_NAMES_ZH: dict[TicketStatus, str] = {
    TicketStatus.NEW: "新工单",
    TicketStatus.OPEN: "处理中",
    TicketStatus.WAITING_CUSTOMER: "待客户回复",
    TicketStatus.RESOLVED: "已解决",
}

UNHANDLED_STATUSES: tuple[TicketStatus, ...] = (TicketStatus.NEW, TicketStatus.OPEN)


class MessageRole(StrEnum):
    CUSTOMER = "customer"
    AGENT = "agent"


INTENTS: dict[str, str] = {
    "logistics": "物流配送",
    "return_refund": "退货退款",
    "exchange": "换货",
    "refund_compensation": "仅退款/补发/价保",
    "repair_warranty": "维修保修",
    "order_change": "订单修改/取消",
    "invoice": "发票",
    "product_inquiry": "商品咨询",
    "account_payment": "账户/支付/优惠",
    "complaint": "投诉",
    "other": "其他",
}

SENTIMENTS: dict[str, str] = {
    "negative": "负面",
    "neutral": "中性",
    "positive": "正面",
}


def parse_status(value: str) -> TicketStatus:
    """Accept a status id or its Chinese name (as exports carry it); raise ValueError otherwise."""
    text = value.strip()
    lowered = text.lower()
    for status in TicketStatus:
        if lowered == status.value or text == STATUS_NAMES_ZH[status]:
            return status
    aliases = {
        "待处理": TicketStatus.NEW,
        "未处理": TicketStatus.NEW,
        "pending": TicketStatus.NEW,
        "处理中": TicketStatus.OPEN,
        "waiting": TicketStatus.WAITING_CUSTOMER,
        "等待客户": TicketStatus.WAITING_CUSTOMER,
        "已完结": TicketStatus.RESOLVED,
        "已完成": TicketStatus.RESOLVED,
        "已处理": TicketStatus.RESOLVED,
        "已回复": TicketStatus.WAITING_CUSTOMER,
        "待买家回复": TicketStatus.WAITING_CUSTOMER,
        "待跟进": TicketStatus.OPEN,
        "跟进中": TicketStatus.OPEN,
        "未回复": TicketStatus.NEW,
        "已关闭": TicketStatus.RESOLVED,
        "closed": TicketStatus.RESOLVED,
        "solved": TicketStatus.RESOLVED,
    }
    if lowered in aliases:
        return aliases[lowered]
    if text in aliases:
        return aliases[text]
    valid = ", ".join(s.value for s in TicketStatus)
    raise ValueError(f"unknown status {value!r} (expected one of {valid} or their Chinese names)")


# -- the supervisor flag (TAXONOMY.md) ------------------------------------------------
NEGATIVE = "negative"
DEFAULT_FLAG_INTENTS: tuple[str, ...] = ("complaint",)
DEFAULT_NEGATIVE_THRESHOLD = 0.5
TRIGGER_PREFIX = "触发词："


def score_text(score: float, at_least: float = 0.0) -> str:
    """``score`` with two decimals, or as many more as it takes not to read below ``at_least``:
    a score that reached the threshold is never shown under it (0.0004 is not "0.00")."""
    for digits in range(2, 7):
        text = f"{score:.{digits}f}"
        if float(text) >= at_least:
            return text
    return repr(score)


@dataclass(frozen=True, slots=True)
class FlagRule:
    """A ticket is flagged when p(negative) reaches the threshold or its intent is a flag intent.

    The tagger applies it to the model's scores; the store applies it again after an
    agent's correction, where a label set by a person counts as certain (score 1 or 0).
    Reasons are short Chinese strings shown to supervisors as they are.
    """

    negative_threshold: float = DEFAULT_NEGATIVE_THRESHOLD
    intents: tuple[str, ...] = DEFAULT_FLAG_INTENTS

    def reasons(
        self,
        intent: str | None,
        intent_score: float | None,
        negative_score: float | None,
        *,
        intent_by_agent: bool = False,
        sentiment_by_agent: bool = False,
    ) -> list[str]:
        """Why the ticket is flagged (empty: it is not). Scores are the model's probabilities."""
        found: list[str] = []
        if negative_score is not None and negative_score >= self.negative_threshold:
            score = score_text(negative_score, self.negative_threshold)
            found.append(f"负面情绪{'（坐席标注）' if sentiment_by_agent else f' {score}'}")
        if intent is not None and intent in self.intents:
            name = INTENTS.get(intent, intent)
            if intent_by_agent or intent_score is None:
                found.append(f"{name}意图（坐席标注）")
            else:
                found.append(f"{name}意图 {intent_score:.2f}")
        return found

    def to_json(self) -> dict[str, object]:
        return {"negative_threshold": self.negative_threshold, "intents": list(self.intents)}

    @classmethod
    def from_json(cls, value: object) -> FlagRule:
        """The manifest's (or a stored) ``flag`` object; missing parts take the defaults."""
        if not isinstance(value, dict):
            return cls()
        threshold = value.get("negative_threshold", DEFAULT_NEGATIVE_THRESHOLD)
        intents = value.get("intents", DEFAULT_FLAG_INTENTS)
        if not isinstance(threshold, int | float) or isinstance(threshold, bool) or not 0 < threshold <= 1:
            raise ValueError(f"flag.negative_threshold must be a number in (0, 1], not {threshold!r}")
        if not isinstance(intents, list | tuple) or not all(isinstance(i, str) for i in intents):
            raise ValueError(f"flag.intents must be a list of intent ids, not {intents!r}")
        return cls(float(threshold), tuple(intents))
