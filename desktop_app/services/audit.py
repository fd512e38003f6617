"""Recording and reading the audit log (reveals, exports, role changes, tag corrections).

Services that change data write their audit row through ``AuditRepository`` in the same
transaction as the change, so a change is never committed without its record; this
service is for callers that only need to record (the UI), for reading, and for checking
the log's hash chain (``verify``).
"""

from __future__ import annotations

from enum import StrEnum

from desktop_app.services.access import User, acting_user, require_supervisor
from desktop_app.store.audit import AuditRecord, AuditRepository, verify_chain
from desktop_app.store.audit_chain import ChainReport
from desktop_app.store.database import Database

__all__ = ["AuditAction", "AuditRecord", "AuditService", "ChainReport"]

MAX_PAGE = 1000


class AuditAction(StrEnum):
    REVEAL = "reveal"
    EXPORT = "export"
    EXPORT_TRAINING = "export_training"
    ROLE_CHANGE = "role_change"
    USER_ADD = "user_add"
    TAG_CORRECTION = "tag_correction"
    REASSIGN = "reassign"
    TAKE_OVER = "take_over"
    UNFLAG = "unflag"
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"


class AuditService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def record(self, actor: User | None, action: str, ticket_id: int | None = None, **detail: object) -> int:
        """Append one row as the signed-in ``actor`` (checked against the store: nobody
        records under another's name); ``detail`` must be JSON-friendly (anything else is
        stored as ``str``)."""
        with self.db.session() as session:
            name = acting_user(session, actor, "记录审计日志").name
            return AuditRepository(session).append(name, str(action), ticket_id, detail)

    def verify(self) -> ChainReport:
        """Check the whole log's hash chain (ids and hashes only, nothing personal is read out)."""
        with self.db.session() as session:
            return verify_chain(session)

    def read(self, actor: User, limit: int = 100, offset: int = 0) -> list[AuditRecord]:
        """Supervisors only: the newest ``limit`` rows (at most 1000) after skipping ``offset``."""
        require_supervisor(actor, "查看审计日志", self.db)
        if limit < 1 or offset < 0:
            raise ValueError("limit must be positive and offset not negative")
        with self.db.session() as session:
            return AuditRepository(session).page(min(limit, MAX_PAGE), offset)

    def count(self, actor: User) -> int:
        """Supervisors only: how many rows the log holds (for paging)."""
        require_supervisor(actor, "查看审计日志", self.db)
        with self.db.session() as session:
            return AuditRepository(session).count()
