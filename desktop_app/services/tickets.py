"""Working one ticket: read it with its draft, change status or assignee, send a reply.

Every ticket this service returns is masked for display (``services.display``): the
original text reaches a screen only through a supervisor's audited reveal.

Every change names the acting user (``actor``, a signed-in ``User``; None is refused) and
is checked against the role rules of ``services.assignment``: an agent may change a ticket
nobody holds or that they hold, a supervisor any. Replying on a ticket a colleague holds
is refused for agents (see ``assignment``); the refusal writes nothing, so the draft stays.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from desktop_app.domain.vocabulary import MessageRole, TicketStatus
from desktop_app.services.access import User, acting_user
from desktop_app.services.assignment import check_assignment, check_may_work_on, touches_another
from desktop_app.services.audit import AuditAction
from desktop_app.services.display import masked_detail
from desktop_app.store.audit import AuditRepository
from desktop_app.domain.clock import utcnow
from desktop_app.store.database import Database
from desktop_app.domain.records import DraftRecord
from desktop_app.store.drafts import DraftRepository, record_outcome
from desktop_app.domain.records import MessageRecord, TicketDetail
from desktop_app.store.tags import TagRepository
from desktop_app.store.tickets import StaleTicketError, TicketNotFound, TicketRepository

__all__ = ["OpenedTicket", "StaleTicketError", "TicketNotFound", "TicketService", "EmptyReplyError"]


class EmptyReplyError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class OpenedTicket:
    ticket: TicketDetail
    draft: DraftRecord | None


def add_messages(session: Session, ticket_id: int, messages: Sequence[MessageRecord]) -> list[MessageRecord]:
    """Append the new ones of ``messages`` to a ticket in the caller's transaction; return them.

    A new customer message changes what the tagger reads, so the ticket is re-tagged: its
    ``tagged_at`` goes back to NULL (the background tagger picks it up within a minute) and
    labels an agent corrected are kept (``TagRepository.mark_for_retagging``). The importer
    (a conversation that grew in a later export) and ``add_customer_message`` come here.
    """
    added = TicketRepository(session).append_messages(ticket_id, messages)
    if any(message.role == MessageRole.CUSTOMER.value for message in added):
        TagRepository(session).mark_for_retagging([ticket_id])
    return added


class TicketService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add_customer_message(
        self, ticket_id: int, text: str, when: datetime | None = None, author: str = ""
    ) -> TicketDetail:
        """The customer wrote again (an integration, a chat bridge): the message joins the
        conversation, the ticket waits on us and is re-tagged. Returns it masked for display."""
        body = text.strip()
        if not body:
            raise ValueError("the message is empty")
        message = MessageRecord(MessageRole.CUSTOMER.value, body, when or utcnow(), author)
        with self.db.session() as session:
            add_messages(session, ticket_id, [message])
            return masked_detail(TicketRepository(session).detail(ticket_id))

    def open(self, ticket_id: int, agent: str, drop_stale_draft: bool = False) -> OpenedTicket:
        """The ticket, its conversation and this agent's saved draft (restored after a crash).

        ``drop_stale_draft`` (the agent opens the ticket to work on it): an untouched AI draft
        written before the newest message answers a conversation that has moved on; it is
        deleted and not returned, so that it is never shown and a fresh one is drafted.
        """
        with self.db.session() as session:
            ticket = TicketRepository(session).detail(ticket_id)
            drafts = DraftRepository(session)
            draft = drafts.get(ticket_id, agent)
            if drop_stale_draft and draft is not None and not draft.answers(ticket.messages):
                drafts.delete(ticket_id, agent)
                draft = None
        return OpenedTicket(masked_detail(ticket), draft)

    def set_status(
        self, ticket_id: int, status: TicketStatus, expected_version: int, *, actor: User | None
    ) -> TicketDetail:
        values: dict[str, object] = {"status": status.value}
        with self.db.session() as session:
            user = acting_user(session, actor, "修改工单状态")
            repo = TicketRepository(session)
            current = repo.detail(ticket_id)
            check_may_work_on(user, current.assignee, current.claim_holder(utcnow()))
            if not status.needs_agent:
                values["waiting_since"] = None
            elif current.waiting_since is None:
                values["waiting_since"] = utcnow()
            repo.update_versioned(ticket_id, expected_version, **values)
            return masked_detail(repo.detail(ticket_id))

    def assign(
        self, ticket_id: int, assignee: str | None, expected_version: int, *, actor: User | None
    ) -> TicketDetail:
        """Take, release or hand over a ticket. An agent may only take an unassigned ticket
        or release their own; a supervisor's change of someone else's assignment is audited."""
        assignee = assignee or None
        with self.db.session() as session:
            user = acting_user(session, actor, "修改工单分配")
            repo = TicketRepository(session)
            current = repo.detail(ticket_id).assignee
            check_assignment(user, current, assignee)
            if touches_another(user, current, assignee):
                AuditRepository(session).append(
                    user.name, AuditAction.REASSIGN, ticket_id, {"from": current, "to": assignee}
                )
            repo.update_versioned(ticket_id, expected_version, assignee=assignee)
            return masked_detail(repo.detail(ticket_id))

    def send_reply(self, ticket_id: int, body: str, expected_version: int, *, actor: User | None) -> TicketDetail:
        """Store the reply as ``actor``'s message, hand the ball to the customer, drop their draft.

        The sent text is kept next to the generated draft it started from (``reply_outcomes``).
        An unassigned ticket becomes the replier's; a ticket a colleague holds is refused
        for agents (supervisors may answer on anyone's ticket, which stays with its holder).

        All in one transaction: if the ticket changed meanwhile, or the reply is refused,
        nothing is written and the draft stays, so the agent's text is never lost.
        """
        text = body.strip()
        if not text:
            raise EmptyReplyError("the reply is empty")
        now = utcnow()
        with self.db.session() as session:
            user = acting_user(session, actor, "回复工单")
            agent = user.name
            repo = TicketRepository(session)
            current = repo.detail(ticket_id)
            check_may_work_on(user, current.assignee, current.claim_holder(utcnow()))
            repo.update_versioned(
                ticket_id,
                expected_version,
                status=TicketStatus.WAITING_CUSTOMER.value,
                waiting_since=None,
                assignee=current.assignee or agent,
                updated_at=now,
                claimed_by=None,  # answered: the claim ("next ticket") ends with the reply
                claim_until=None,
            )
            message_id = repo.add_message(ticket_id, MessageRecord(MessageRole.AGENT.value, text, now, agent))
            drafts = DraftRepository(session)
            record_outcome(session, ticket_id, message_id, agent, text, drafts.get(ticket_id, agent))
            drafts.delete(ticket_id, agent)
            session.flush()
            return masked_detail(repo.detail(ticket_id))
