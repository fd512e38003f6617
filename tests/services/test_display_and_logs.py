"""Masking before a screen or a log: ticket details, queue rows, log records."""

from __future__ import annotations

import logging
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.services.display import QUEUE_PREVIEW_CHARS, mask_for_display, masked_row
from desktop_app.services.log_masking import MaskingLogFilter, install_log_masking
from desktop_app.services.queue import QueueService
from desktop_app.services.tickets import TicketService
from desktop_app.store.database import Database
from desktop_app.domain.records import MessageRecord, QueueRow

PHONE, ID_NUMBER, ORDER = "13812345678", "11010519491231002X", "3608271234567890123"


def test_open_masks_text_messages_customer_and_keeps_the_order_number(db: Database, add_tickets, make_ticket) -> None:
    when = datetime(2024, 5, 1, 8)
    ids = add_tickets(
        [
            make_ticket(
                1,
                text=f"订单号：{ORDER} 电话{PHONE}",
                customer=PHONE,
                order_id=ORDER,
                messages=(
                    MessageRecord("customer", f"订单号：{ORDER} 电话{PHONE}", when, PHONE),
                    MessageRecord("agent", f"身份证{ID_NUMBER}已登记", when, "客服小美"),
                ),
            )
        ]
    )
    ticket = TicketService(db).open(ids["T-00001"], "客服小美").ticket
    assert ticket.text == f"订单号：{ORDER} 电话138****5678"
    assert ticket.customer == "138****5678"
    assert ticket.order_id == ORDER
    assert [m.text for m in ticket.messages] == [ticket.text, "身份证110105********002X已登记"]
    assert [m.author for m in ticket.messages] == ["138****5678", "客服小美"]


def test_queue_rows_are_masked(db: Database, add_tickets, make_ticket) -> None:
    add_tickets([make_ticket(1, text=f"手机{PHONE}", customer=f"买家{PHONE}")])
    (row,) = QueueService(db).page().rows
    assert PHONE not in row.text + row.customer
    (again,) = QueueService(db).rows([row.id])
    assert again == row


def test_a_phone_cut_by_the_preview_limit_is_dropped() -> None:
    text = "我" * (QUEUE_PREVIEW_CHARS - 7) + PHONE[:7]
    row = QueueRow(1, "T", "", "", text, None, None, False, "new", None, None, datetime(2024, 1, 1), 1)
    assert masked_row(row).text == "我" * (QUEUE_PREVIEW_CHARS - 7)


@settings(max_examples=50, deadline=None)
@given(prefix=st.text(alphabet="你好请问退货快递", max_size=20), suffix=st.text(alphabet="谢谢了吗", max_size=20))
def test_display_masking_is_idempotent(prefix: str, suffix: str) -> None:
    text = f"{prefix}电话{PHONE}，{suffix}"
    once = mask_for_display(text)
    assert PHONE not in once
    assert mask_for_display(once) == once


def _record(message: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("t", logging.WARNING, __file__, 1, message, args, None)


def test_log_filter_masks_messages_and_arguments() -> None:
    record = _record("customer %s called from %s", "张三", PHONE)
    assert MaskingLogFilter().filter(record) is True
    assert record.getMessage() == "customer 张三 called from 138****5678"


def test_log_filter_masks_exception_text() -> None:
    try:
        raise ValueError(f"bad row: 身份证{ID_NUMBER}")
    except ValueError:
        import sys

        record = logging.LogRecord("t", logging.ERROR, __file__, 1, "import failed", None, sys.exc_info())
    MaskingLogFilter().filter(record)
    formatted = logging.Formatter().format(record)
    assert ID_NUMBER not in formatted and "110105********002X" in formatted


def test_install_log_masking_covers_root_handlers_once(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.masking")
    holder = logging.Logger("holder")
    handler = logging.Handler()
    holder.addHandler(handler)
    install_log_masking(holder)
    install_log_masking(holder)
    assert sum(isinstance(f, MaskingLogFilter) for f in handler.filters) == 1
    caplog.handler.addFilter(MaskingLogFilter())
    logger.warning("phone %s", PHONE)
    assert caplog.messages == ["phone 138****5678"]
