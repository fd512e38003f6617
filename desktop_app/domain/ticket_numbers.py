"""The number a person reads for a ticket.

A ticket imported without an id of its own gets ``sha1:`` and 24 hex digits of its
content (``services/importing/records.py``), which fills a column and says nothing. On
screen it is shortened to its first ``SHORT_HASH`` digits: still unique in practice for a
shop's tickets, and a substring of the stored id, so searching for what is shown finds it.
"""

from __future__ import annotations

HASH_PREFIX = "sha1:"
SHORT_HASH = 8


def ticket_number(external_id: str | None) -> str:
    """``sha1:3fa9c1d2e4…`` → ``3fa9c1d2``; a shop's own order or ticket number as it is."""
    if not external_id:
        return ""
    if external_id.startswith(HASH_PREFIX):
        return external_id[len(HASH_PREFIX) :][:SHORT_HASH] or external_id
    return external_id
