"""Validating one raw row into a ticket: required text, times, status, messages, stable id."""

from __future__ import annotations

import hashlib
import math
import re
from datetime import datetime, timedelta
from numbers import Real

from desktop_app.domain.vocabulary import MessageRole, TicketStatus, parse_status
from desktop_app.domain.clock import to_naive_utc
from desktop_app.domain.records import MessageRecord, NewTicket
from desktop_app.services.importing.redact import redact

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
# Tickets are from this window; anything outside is a wrong column or a damaged cell, and far
# outside it (year 1, year 10000, 1e20 seconds) the platform's time functions fail outright.
# (Not 1970 itself: Windows cannot take a local time before the epoch to UTC.)
EARLIEST = datetime(1980, 1, 1)
LATEST = datetime(2100, 1, 1)
_UNIX_EPOCH = datetime(1970, 1, 1)
_EARLIEST_EPOCH = (EARLIEST - _UNIX_EPOCH).total_seconds()
_LATEST_EPOCH = (LATEST - _UNIX_EPOCH).total_seconds()
# Cells a spreadsheet shows for a formula error, or openpyxl for a date it cannot convert.
_SPREADSHEET_ERRORS = ("#VALUE!", "#NUM!", "#REF!", "#DIV/0!", "#N/A", "#NAME?", "#NULL!")
SHOWN_CHARS = 40  # of a cell quoted in a reason
_SURROGATE = re.compile("[\ud800-\udfff]")


class RowInvalid(ValueError):
    pass


def shown(value: object) -> str:
    """A cell as a reason quotes it: personal data masked, cut to ``SHOWN_CHARS``, in quotes.

    Masked before it is cut (a phone cut in half is no longer recognised) and before ``repr``
    (an escape such as ``\\n`` glued to the digits would hide them from the masker)."""
    try:
        text = value if isinstance(value, str) else value.isoformat() if isinstance(value, datetime) else repr(value)
    except (ValueError, RecursionError):  # an int too long for str(), a list nested too deep
        text = f"<{type(value).__name__}>"
    # Masked on a window well past the cut, so that an entity straddling the cut is whole.
    text = redact(text[: SHOWN_CHARS + 200].replace("\0", ""))
    if len(text) > SHOWN_CHARS:
        text = text[:SHOWN_CHARS] + "…"
    return repr(text)


def _in_range(moment: datetime, value: object) -> datetime:
    naive = moment.replace(tzinfo=None)
    if not EARLIEST <= naive < LATEST:
        raise RowInvalid(f"time out of range: {shown(value)} (expected {EARLIEST.year}–{LATEST.year - 1})")
    return to_naive_utc(moment)


def _from_epoch(seconds: float, value: object) -> datetime:
    if not _EARLIEST_EPOCH <= seconds < _LATEST_EPOCH:
        raise RowInvalid(f"time out of range: {shown(value)} (expected {EARLIEST.year}–{LATEST.year - 1})")
    return to_naive_utc(datetime.fromtimestamp(seconds).astimezone())


def parse_time(value: object) -> datetime:
    """A time from an export cell, returned as naive UTC (naive input is local time)."""
    if isinstance(value, datetime):
        return _in_range(value, value)
    if isinstance(value, Real) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:  # an int beyond any float
            number = math.inf
        if not math.isfinite(number):
            raise RowInvalid(f"not a time: {shown(value)}")
        if number > 1e11:  # epoch milliseconds
            return _from_epoch(number / 1000, value)
        if number > 1e8:  # epoch seconds
            return _from_epoch(number, value)
        if 20000 < number < 80000:  # an Excel serial date that lost its format
            return _in_range(_EXCEL_EPOCH + timedelta(days=number), value)
        raise RowInvalid(f"not a time: {shown(value)}")
    text = _text(value)
    if text in _SPREADSHEET_ERRORS:
        raise RowInvalid(f"not a time: the cell holds the spreadsheet error {text} (for a date: a serial out of range)")
    if re.fullmatch(r"\d{10}(\d{3})?", text):
        return parse_time(int(text))
    moment = _read_time_text(text)
    if moment is None:
        raise RowInvalid(f"not a time: {shown(text)}")
    return _in_range(moment, text)


def _read_time_text(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    for pattern in _TIME_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # order numbers read from a spreadsheet as numbers
    try:
        text = str(value)
    except (ValueError, RecursionError):  # an int too long for str(), a list nested too deep
        raise RowInvalid(f"a {type(value).__name__} value that cannot be read as text") from None
    if _SURROGATE.search(text):
        # A JSON "\\ud800" escape: half of a character, which no database column can store.
        raise RowInvalid("a value holds a lone surrogate (half of a UTF-16 character, e.g. \\ud800)")
    return text.replace("\0", "").strip()


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
            raise RowInvalid(f"messages[{index}]: unknown role {shown(item.get('role'))} (customer or agent)")
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
        except ValueError:
            valid = ", ".join(s.value for s in TicketStatus)
            raise RowInvalid(
                f"unknown status {shown(raw_status)} (expected one of {valid} or their Chinese names); "
                "if this column is not the ticket status, import with --map COLUMN=ignore"
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
