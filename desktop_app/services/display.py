"""Masked copies of tickets and queue rows for an agent's screen (PIPL art. 51, GB/T 35273).

The store keeps the customer's text verbatim; everything a screen shows goes through
here first: the text, every message, the customer field and the flag reasons (trigger
words are quoted from the text). Only a supervisor's audited reveal
(``SupervisionService.reveal_ticket``) returns the original.

Order numbers stay readable, in the ``order_id`` field and in the text alike: an agent
needs them to find the order in the shop's back office, and they are the shop's own
reference rather than the customer's identity. They are still *detected* (with the
masker's order patterns), so that an 18-digit order number is not mistaken for a bank
card and half-masked. Exports and training data, which leave the app, mask them too.
"""

from __future__ import annotations

import re
from dataclasses import replace

from desktop_app.nlp.privacy import mask_keep_orders
from desktop_app.domain.records import MessageRecord, QueuePage, QueueRow, TicketDetail

__all__ = ["QUEUE_PREVIEW_CHARS", "mask_for_display", "masked_detail", "masked_page", "masked_row"]

#: The queue's SQL cuts ``text`` at this many characters (``store.tickets._QUEUE_COLUMNS``).
QUEUE_PREVIEW_CHARS = 200
# A phone or card cut in half by that limit no longer looks like one; drop the tail.
_CUT_TOKEN = re.compile(r"[0-9A-Za-z@._+\- ]+$")


def mask_for_display(text: str) -> str:
    """``text`` with personal data masked and order numbers left as they are."""
    return mask_keep_orders(text)


def masked_detail(ticket: TicketDetail) -> TicketDetail:
    """A copy of ``ticket`` safe to show an agent."""
    return replace(
        ticket,
        customer=mask_for_display(ticket.customer),
        text=mask_for_display(ticket.text),
        messages=[replace(m, text=mask_for_display(m.text), author=_author(m)) for m in ticket.messages],
        flag_reasons=[mask_for_display(reason) for reason in ticket.flag_reasons],
    )


def _author(message: MessageRecord) -> str:
    # A customer's author is their nickname, often a phone number; agents' names are colleagues'.
    return mask_for_display(message.author) if message.role == "customer" else message.author


def masked_row(row: QueueRow) -> QueueRow:
    """A copy of a queue row safe to show an agent (its text is a preview, possibly cut)."""
    text = row.text
    if len(text) >= QUEUE_PREVIEW_CHARS:
        text = _CUT_TOKEN.sub("", text)
    return replace(row, customer=mask_for_display(row.customer), text=mask_for_display(text))


def masked_page(page: QueuePage) -> QueuePage:
    return replace(page, rows=[masked_row(row) for row in page.rows])
