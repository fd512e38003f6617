"""The audit log: append and read, nothing else.

There is deliberately no update or delete here; the table's triggers refuse both at the
SQL level too (and, on SQLite, an ``INSERT OR REPLACE`` over an existing row), so a record
of who saw or exported what cannot be rewritten by the app. Each row is chained to the one
before it by its hash (``audit_chain``); ``verify_chain`` finds a row changed or removed
behind the app's back.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from desktop_app.domain.clock import utcnow
from desktop_app.store.audit_chain import GENESIS, ChainReport, ChainRow, chain_hash, verify_rows
from desktop_app.store.database import lock_for_write
from desktop_app.store.schema import AuditEntry, Ticket
from desktop_app.store.tickets import load_json

AUDIT_LOCK = "audit_log"


@dataclass(frozen=True, slots=True)
class AuditRecord:
    id: int
    at: datetime
    actor: str
    action: str
    ticket_id: int | None
    detail: dict[str, object] = field(default_factory=dict)
    ticket_external_id: str | None = None  # the ticket's own number, for people to read; None: no ticket


class AuditRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def append(
        self, actor: str, action: str, ticket_id: int | None = None, detail: Mapping[str, object] | None = None
    ) -> int:
        """Add one row in the caller's transaction (so it commits or rolls back with the change it records).

        Appends are serialised (``lock_for_write``) so that two writers never chain onto
        the same previous row; the lock is held until the caller's transaction ends.
        """
        lock_for_write(self.session, AUDIT_LOCK)
        previous = self.session.scalar(select(AuditEntry.row_hash).order_by(AuditEntry.id.desc()).limit(1))
        prev_hash = previous or GENESIS
        at, actor, action = utcnow(), actor[:100], action[:40]
        text = json.dumps(dict(detail or {}), ensure_ascii=False, sort_keys=True, default=str)
        entry = AuditEntry(
            at=at,
            actor=actor,
            action=action,
            ticket_id=ticket_id,
            detail=text,
            prev_hash=prev_hash,
            row_hash=chain_hash(prev_hash, at, actor, action, ticket_id, text),
        )
        self.session.add(entry)
        self.session.flush()
        return entry.id

    def count(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(AuditEntry)) or 0)

    def page(self, limit: int, offset: int = 0) -> list[AuditRecord]:
        """Newest first."""
        statement = (
            select(AuditEntry, Ticket.external_id)
            .outerjoin(Ticket, Ticket.id == AuditEntry.ticket_id)
            .order_by(AuditEntry.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return [
            AuditRecord(e.id, e.at, e.actor, e.action, e.ticket_id, _detail(e.detail), external_id)
            for e, external_id in self.session.execute(statement)
        ]


def verify_chain(session: Session, batch: int = 1000) -> ChainReport:
    """Check every row's hash and link, oldest first; the first problem is reported."""
    if not inspect(session.connection()).has_table(AuditEntry.__tablename__):
        return ChainReport(0, None, "the audit_log table is missing")
    statement = select(
        AuditEntry.id,
        AuditEntry.at,
        AuditEntry.actor,
        AuditEntry.action,
        AuditEntry.ticket_id,
        AuditEntry.detail,
        AuditEntry.prev_hash,
        AuditEntry.row_hash,
    ).order_by(AuditEntry.id)
    rows = session.execute(statement.execution_options(yield_per=batch))
    try:
        return verify_rows(ChainRow(*row) for row in rows)
    finally:
        rows.close()  # a server-side cursor on PostgreSQL when the walk stops early


def _detail(value: str) -> dict[str, object]:
    data = load_json(value)
    return data if isinstance(data, dict) else {}
