"""Working one ticket: read it with its draft, change status or assignee, send a reply.

Every ticket this service returns is masked for display (``services.display``): the
original text reaches a screen only through a supervisor's audited reveal.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.domain.vocabulary import MessageRole, TicketStatus
from desktop_app.services.access import User
from desktop_app.services.assignment import check_assignment, touches_another
from desktop_app.services.audit import AuditAction
from desktop_app.services.display import masked_detail
from desktop_app.store.audit import AuditRepository
from desktop_app.domain.clock import utcnow
from desktop_app.store.database import Database
from desktop_app.domain.records import DraftRecord
from desktop_app.store.drafts import DraftRepository, record_outcome
from desktop_app.domain.records import MessageRecord, TicketDetail
from desktop_app.store.tickets import StaleTicketError, TicketNotFound, TicketRepository

__all__ = ["OpenedTicket", "StaleTicketError", "TicketNotFound", "TicketService", "EmptyReplyError"]


class EmptyReplyError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class OpenedTicket:
    ticket: TicketDetail
    draft: DraftRecord | None


class TicketService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def open(self, ticket_id: int, agent: str) -> OpenedTicket:
        """The ticket, its conversation and this agent's saved draft (restored after a crash)."""
        with self.db.session() as session:
            ticket = TicketRepository(session).detail(ticket_id)
            draft = DraftRepository(session).get(ticket_id, agent)
        return OpenedTicket(masked_detail(ticket), draft)

    def set_status(self, ticket_id: int, status: TicketStatus, expected_version: int) -> TicketDetail:
        values: dict[str, object] = {"status": status.value}
        with self.db.session() as session:
            repo = TicketRepository(session)
            if not status.needs_agent:
                values["waiting_since"] = None
            elif repo.detail(ticket_id).waiting_since is None:
                values["waiting_since"] = utcnow()
            repo.update_versioned(ticket_id, expected_version, **values)
            return masked_detail(repo.detail(ticket_id))

    def assign(
        self, ticket_id: int, assignee: str | None, expected_version: int, actor: User | None = None
    ) -> TicketDetail:
        """Take, release or hand over a ticket. With ``actor`` the role rules apply (an agent
        may only take an unassigned ticket or release their own) and a change by a
        supervisor of someone else's assignment is audited; without it (older callers,
        single-user setups) nothing is checked."""
        assignee = assignee or None
        with self.db.session() as session:
            repo = TicketRepository(session)
            if actor is not None:
                current = repo.detail(ticket_id).assignee
                check_assignment(actor, current, assignee)
                if touches_another(actor, current, assignee):
                    AuditRepository(session).append(
                        actor.name, AuditAction.REASSIGN, ticket_id, {"from": current, "to": assignee}
                    )
            repo.update_versioned(ticket_id, expected_version, assignee=assignee)
            return masked_detail(repo.detail(ticket_id))

    def send_reply(self, ticket_id: int, agent: str, body: str, expected_version: int) -> TicketDetail:
        """Store the reply as an agent message, hand the ball to the customer, drop the draft.

        The sent text is kept next to the generated draft it started from (``reply_outcomes``).

        All in one transaction: if the ticket changed meanwhile nothing is written and the
        draft stays, so the agent's text is never lost.
        """
        text = body.strip()
        if not text:
            raise EmptyReplyError("the reply is empty")
        now = utcnow()
        with self.db.session() as session:
            repo = TicketRepository(session)
            current = repo.detail(ticket_id)
            repo.update_versioned(
                ticket_id,
                expected_version,
                status=TicketStatus.WAITING_CUSTOMER.value,
                waiting_since=None,
                assignee=current.assignee or agent,
                updated_at=now,
            )
            message_id = repo.add_message(ticket_id, MessageRecord(MessageRole.AGENT.value, text, now, agent))
            drafts = DraftRepository(session)
            record_outcome(session, ticket_id, message_id, agent, text, drafts.get(ticket_id, agent))
            drafts.delete(ticket_id, agent)
            session.flush()
            return masked_detail(repo.detail(ticket_id))
