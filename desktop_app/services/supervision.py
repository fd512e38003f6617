"""What supervisors do to tickets: reassign, take over, unflag, reveal the original text.

Every method checks the role before touching the database and writes its audit row in
the same transaction as the change, so a change never lands without its record and a
refused request writes nothing. Changes go through ``update_versioned`` with the
``expected_version`` the caller last saw (required): a ticket changed meanwhile is
refused as stale rather than acted on blind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from desktop_app.services.access import User, acting_user, require_supervisor
from desktop_app.services.assignment import check_assignment
from desktop_app.services.audit import AuditAction
from desktop_app.services.display import masked_detail
from desktop_app.store.audit import AuditRepository
from desktop_app.domain.clock import utcnow
from desktop_app.store.database import Database
from desktop_app.domain.records import MessageRecord, TicketDetail
from desktop_app.store.tickets import TicketRepository

__all__ = ["MissingReasonError", "RevealedTicket", "SupervisionService"]


class MissingReasonError(ValueError):
    """Unflagging needs a reason: it is what the audit log will say."""


@dataclass(frozen=True, slots=True)
class RevealedTicket:
    """A ticket's original, unmasked content, as revealed to one supervisor at one time."""

    ticket: TicketDetail
    revealed_by: str
    revealed_at: datetime

    @property
    def text(self) -> str:
        return self.ticket.text

    @property
    def messages(self) -> list[MessageRecord]:
        return self.ticket.messages


class SupervisionService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def reassign(
        self,
        actor: User | None,
        ticket_id: int,
        to_agent: str | None,
        reason: str = "",
        *,
        expected_version: int,
    ) -> TicketDetail:
        """Give the ticket to ``to_agent`` (None: unassign). Agents may only take an
        unassigned ticket or release their own; anything else needs a supervisor."""
        to_agent = (to_agent or "").strip() or None
        with self.db.session() as session:
            user = acting_user(session, actor, "转派工单")
            repo = TicketRepository(session)
            current = repo.detail(ticket_id)
            check_assignment(user, current.assignee, to_agent)
            repo.update_versioned(ticket_id, expected_version, assignee=to_agent)
            AuditRepository(session).append(
                user.name,
                AuditAction.REASSIGN,
                ticket_id,
                {"from": current.assignee, "to": to_agent, "reason": reason.strip()},
            )
            return masked_detail(repo.detail(ticket_id))

    def take_over(
        self, actor: User | None, ticket_id: int, reason: str = "", *, expected_version: int
    ) -> TicketDetail:
        """Supervisors only: assign the ticket to themselves, whoever held it."""
        actor = require_supervisor(actor, "接管工单", self.db)
        with self.db.session() as session:
            repo = TicketRepository(session)
            current = repo.detail(ticket_id)
            repo.update_versioned(ticket_id, expected_version, assignee=actor.name)
            AuditRepository(session).append(
                actor.name, AuditAction.TAKE_OVER, ticket_id, {"from": current.assignee, "reason": reason.strip()}
            )
            return masked_detail(repo.detail(ticket_id))

    def unflag(self, actor: User | None, ticket_id: int, reason: str, *, expected_version: int) -> TicketDetail:
        """Supervisors only: clear the flag (and its reasons, kept in the audit row).

        An agent's later tag correction works the flag out again and may set it anew.
        """
        actor = require_supervisor(actor, "取消标记", self.db)
        if not reason.strip():
            raise MissingReasonError("取消标记需要填写原因 / unflagging needs a reason")
        with self.db.session() as session:
            repo = TicketRepository(session)
            current = repo.detail(ticket_id)
            repo.update_versioned(ticket_id, expected_version, flagged=False, flag_reasons=[])
            AuditRepository(session).append(
                actor.name,
                AuditAction.UNFLAG,
                ticket_id,
                {"reason": reason.strip(), "was_flagged": current.flagged, "flag_reasons": current.flag_reasons},
            )
            return masked_detail(repo.detail(ticket_id))

    def reveal_ticket(self, actor: User | None, ticket_id: int, reason: str = "") -> RevealedTicket:
        """Supervisors only: the original text and messages. Each call is audited ('reveal')."""
        actor = require_supervisor(actor, "查看未脱敏信息", self.db)
        with self.db.session() as session:
            ticket = TicketRepository(session).detail(ticket_id)
            AuditRepository(session).append(actor.name, AuditAction.REVEAL, ticket_id, {"reason": reason.strip()})
        return RevealedTicket(ticket, actor.name, utcnow())

