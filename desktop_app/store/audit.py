"""The audit log: append and read, nothing else.

There is deliberately no update or delete here; the table's triggers refuse both at the
SQL level too, so a record of who saw or exported what cannot be rewritten by the app.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.domain.clock import utcnow
from desktop_app.store.schema import AuditEntry
from desktop_app.store.tickets import load_json


@dataclass(frozen=True, slots=True)
class AuditRecord:
    id: int
    at: datetime
    actor: str
    action: str
    ticket_id: int | None
    detail: dict[str, object] = field(default_factory=dict)


class AuditRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def append(
        self, actor: str, action: str, ticket_id: int | None = None, detail: Mapping[str, object] | None = None
    ) -> int:
        """Add one row in the caller's transaction (so it commits or rolls back with the change it records)."""
        entry = AuditEntry(
            at=utcnow(),
            actor=actor[:100],
            action=action[:40],
            ticket_id=ticket_id,
            detail=json.dumps(dict(detail or {}), ensure_ascii=False, sort_keys=True, default=str),
        )
        self.session.add(entry)
        self.session.flush()
        return entry.id

    def count(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(AuditEntry)) or 0)

    def page(self, limit: int, offset: int = 0) -> list[AuditRecord]:
        """Newest first."""
        statement = select(AuditEntry).order_by(AuditEntry.id.desc()).offset(offset).limit(limit)
        return [
            AuditRecord(e.id, e.at, e.actor, e.action, e.ticket_id, _detail(e.detail))
            for e in self.session.scalars(statement)
        ]


def _detail(value: str) -> dict[str, object]:
    data = load_json(value)
    return data if isinstance(data, dict) else {}
