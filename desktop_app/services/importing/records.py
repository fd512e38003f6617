"""Validating one raw row into a ticket: required text, times, status, messages, stable id."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta
from numbers import Real

from desktop_app.domain.vocabulary import MessageRole, TicketStatus, parse_status
from desktop_app.domain.clock import to_naive_utc
from desktop_app.domain.records import MessageRecord, NewTicket

# Column widths of the tickets table: a longer value is an error, not a silent cut.
MAX_LENGTHS = {"external_id": 200, "customer": 200, "channel": 50, "order_id": 100, "product": 500, "assignee": 100}

_ROLE_ALIASES = {
    "customer": MessageRole.CUSTOMER,
    "buyer": MessageRole.CUSTOMER,
    "user": MessageRole.CUSTOMER,
    "客户": MessageRole.CUSTOMER,
    "买家": MessageRole.CUSTOMER,
    "用户": MessageRole.CUSTOMER,
    "顾客": MessageRole.CUSTOMER,
    "0": MessageRole.CUSTOMER,
    "agent": MessageRole.AGENT,
    "waiter": MessageRole.AGENT,
    "seller": MessageRole.AGENT,
    "staff": MessageRole.AGENT,
    "客服": MessageRole.AGENT,
    "商家": MessageRole.AGENT,
    "卖家": MessageRole.AGENT,
    "1": MessageRole.AGENT,
}

_TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日%H:%M",
    "%Y年%m月%d日",
    "%Y%m%d%H%M%S",
)
_EXCEL_EPOCH = datetime(1899, 12, 30)


class RowInvalid(ValueError):
    pass


def parse_time(value: object) -> datetime:
    """A time from an export cell, returned as naive UTC (naive input is local time)."""
    if isinstance(value, datetime):
        return to_naive_utc(value)
    if isinstance(value, Real) and not isinstance(value, bool):
        number = float(value)
        if number > 1e11:  # epoch milliseconds
            return to_naive_utc(datetime.fromtimestamp(number / 1000).astimezone())
        if number > 1e8:  # epoch seconds
            return to_naive_utc(datetime.fromtimestamp(number).astimezone())
        if 20000 < number < 80000:  # an Excel serial date that lost its format
            return to_naive_utc(_EXCEL_EPOCH + timedelta(days=number))
        raise RowInvalid(f"not a time: {value!r}")
    text = str(value).strip()
    if re.fullmatch(r"\d{10}(\d{3})?", text):
        return parse_time(int(text))
    try:
        return to_naive_utc(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        pass
    for pattern in _TIME_FORMATS:
        try:
            return to_naive_utc(datetime.strptime(text, pattern))
        except ValueError:
            continue
    raise RowInvalid(f"not a time: {text!r}")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # order numbers read from a spreadsheet as numbers
    return str(value).strip()


def _messages(value: object, default_time: datetime | None) -> tuple[MessageRecord, ...]:
    if value in (None, ""):
        return ()
    if not isinstance(value, list):
        raise RowInvalid("messages must be a list of {role, text, time}")
    messages: list[MessageRecord] = []
    last_time = default_time
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise RowInvalid(f"messages[{index}] is not an object")
        role = _ROLE_ALIASES.get(_text(item.get("role")).lower())
        if role is None:
            raise RowInvalid(f"messages[{index}]: unknown role {item.get('role')!r} (customer or agent)")
        text = _text(item.get("text") or item.get("content"))
        if not text:
            raise RowInvalid(f"messages[{index}]: empty text")
        raw_time = item.get("time") or item.get("created_at")
        try:
            when = parse_time(raw_time) if raw_time not in (None, "") else last_time
        except RowInvalid as exc:
            raise RowInvalid(f"messages[{index}]: {exc}") from None
        if when is None:
            raise RowInvalid(f"messages[{index}]: no time and the ticket has no created_at")
        last_time = when
        messages.append(MessageRecord(role.value, text, when, _text(item.get("author"))))
    return tuple(messages)


def stable_id(fields: dict[str, object]) -> str:
    """An id for rows that carry none, identical every time the same row is imported."""
    key = "\x1f".join(_text(fields.get(name)) for name in ("channel", "customer", "order_id", "created_at", "text"))
    return "sha1:" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:24]


def build_ticket(fields: dict[str, object], imported_at: datetime) -> NewTicket:
    """Validate one row; raise RowInvalid with a reason a person can act on."""
    raw_created = fields.get("created_at")
    created_at = parse_time(raw_created) if raw_created not in (None, "") else None
    messages = _messages(fields.get("messages"), created_at)
    if created_at is None:
        created_at = messages[0].created_at if messages else imported_at
    text = _text(fields.get("text"))
    if not text:
        text = "\n".join(m.text for m in messages if m.role == MessageRole.CUSTOMER)
    if not text:
        raise RowInvalid("missing text")
    values = {name: _text(fields.get(name)) for name in MAX_LENGTHS}
    for name, limit in MAX_LENGTHS.items():
        if len(values[name]) > limit:
            raise RowInvalid(f"{name} is longer than {limit} characters")
    raw_status = _text(fields.get("status"))
    if raw_status:
        try:
            status = parse_status(raw_status)
        except ValueError as exc:
            raise RowInvalid(
                f"{exc}; if this column is not the ticket status, import with --map COLUMN=ignore"
            ) from None
    elif messages and messages[-1].role == MessageRole.AGENT:
        status = TicketStatus.WAITING_CUSTOMER
    else:
        status = TicketStatus.NEW
    return NewTicket(
        external_id=values["external_id"] or stable_id({**fields, "text": text}),
        text=text,
        created_at=created_at,
        customer=values["customer"],
        channel=values["channel"],
        order_id=values["order_id"],
        product=values["product"],
        status=status.value,
        assignee=values["assignee"] or None,
        messages=messages,
    )
