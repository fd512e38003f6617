"""Vocabulary shared by every layer: ticket statuses, message roles and the label sets.

The label ids and their Chinese names follow ``shared/TAXONOMY.md``; keeping them here
(plain Python, no Qt, no SQL) lets the store, the services and the UI agree on them.
"""

from __future__ import annotations

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
