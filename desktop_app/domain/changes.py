"""What changed in the shared queue: the events every client refreshes its rows from.

A ``Change`` names one ticket and one kind of change. The database tells (PostgreSQL
NOTIFY, or SQLite's cheap poll) and the UI's change bus, the ``aftersales watch`` command
and the latency bench all read the same records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class ChangeKind(StrEnum):
    """What about the ticket changed; ``claim`` is a claim taken, renewed or ended;
    ``presence``, an agent opened or left it (``services.presence``; not a heartbeat)."""

    TICKET = "ticket"
    MESSAGE = "message"
    TAGS = "tags"
    DRAFT = "draft"
    CLAIM = "claim"
    PRESENCE = "presence"


@dataclass(frozen=True, slots=True)
class Change:
    """``ticket_id`` changed (``change``) at ``at`` (naive UTC, like the tables)."""

    ticket_id: int
    change: ChangeKind
    at: datetime

    def to_json(self) -> dict[str, object]:
        return {"ticket": self.ticket_id, "change": self.change.value, "at": self.at.isoformat() + "Z"}
