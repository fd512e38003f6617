"""A stored AI draft's life: tied to the conversation it answers, accepted with Tab, checked again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from sqlalchemy import select

from desktop_app.config import RESOURCES_DIR
from desktop_app.domain.clock import utcnow
from desktop_app.domain.records import MessageRecord, NewTicket
from desktop_app.nlp.drafting.drafter import DraftResult
from desktop_app.nlp.drafting.knowledge_base import KnowledgeBase
from desktop_app.services.access import PermissionDenied, User
from desktop_app.services.drafting import DraftingService
from desktop_app.services.drafts import DraftService
from desktop_app.services.tickets import TicketService
from desktop_app.store.database import Database
from desktop_app.store.drafts import DraftRepository
from desktop_app.store.schema import ReplyOutcome
from desktop_app.store.tickets import TicketRepository

KB = KnowledgeBase.load(RESOURCES_DIR / "kb")
T0 = datetime(2024, 5, 1, 9, 0)
PROMISE = "亲，退款已提交。这边保证明天给您全额返现。"


class FixedDrafter:
    """Always writes ``text``; records the seeds it was given."""

    name = "fixed"

    def __init__(self, text: str = PROMISE) -> None:
        self.text = text
        self.seeds: list[int | None] = []

    def stream(self, request, cancel=None, max_new_tokens=None, on_token=None, min_new_tokens=0, seed=None):  # type: ignore[no-untyped-def]
        self.seeds.append(seed)
        return DraftResult(self.text, self.text, len(self.text), 1.0, 0.1, model=self.name)


@pytest.fixture
def ticket_id(make_ticket: Callable[..., NewTicket], add_tickets: Callable) -> int:
    messages = (MessageRecord("customer", "退款什么时候到账", T0),)
    return add_tickets([make_ticket(1, text="退款什么时候到账", messages=messages)])["T-00001"]


def _put_ai_draft(db: Database, ticket_id: int, author: str, text: str = "亲，正在为您核实退款进度。") -> None:
    with db.session() as session:
        DraftRepository(session).put_generated(ticket_id, author, text, "fixed", ("refund_timeline",))


def _colleague_replies(db: Database, ticket_id: int) -> None:
    with db.session() as session:
        TicketRepository(session).add_message(ticket_id, MessageRecord("agent", "已为您催促", utcnow(), "客服小李"))


# -- tied to the conversation ---------------------------------------------------------------


def test_an_untouched_draft_older_than_a_new_customer_message_is_dropped_on_open(
    db: Database, ticket_id: int, agent: User
) -> None:
    tickets = TicketService(db)
    _put_ai_draft(db, ticket_id, agent.name)
    assert tickets.open(ticket_id, agent.name, drop_stale_draft=True).draft is not None  # still answers it
    tickets.add_customer_message(ticket_id, "还有，能开发票吗")
    assert tickets.open(ticket_id, agent.name).draft is not None  # a plain read (reload, tags) keeps it
    opened = tickets.open(ticket_id, agent.name, drop_stale_draft=True)
    assert opened.draft is None
    assert DraftService(db).load(ticket_id, agent.name) is None  # gone, so never shown later either


def test_a_colleagues_reply_also_makes_the_draft_stale(db: Database, ticket_id: int, agent: User) -> None:
    _put_ai_draft(db, ticket_id, agent.name)
    _colleague_replies(db, ticket_id)
    assert TicketService(db).open(ticket_id, agent.name, drop_stale_draft=True).draft is None


def test_the_agents_own_text_is_never_dropped(db: Database, ticket_id: int, agent: User) -> None:
    drafts, tickets = DraftService(db), TicketService(db)
    _put_ai_draft(db, ticket_id, agent.name)
    drafts.save(ticket_id, "亲，正在为您核实退款进度，请稍等。", actor=agent)  # edited
    tickets.add_customer_message(ticket_id, "还有，能开发票吗")
    assert tickets.open(ticket_id, agent.name, drop_stale_draft=True).draft.body.endswith("请稍等。")


def test_a_stale_draft_needs_drafting_again_and_is_replaced(db: Database, ticket_id: int, agent: User) -> None:
    service = DraftingService(db, FixedDrafter(), KB)
    service.generate(ticket_id, agent.name)
    assert not service.needs_draft(ticket_id, agent.name)
    TicketService(db).add_customer_message(ticket_id, "还有，能开发票吗")
    assert service.needs_draft(ticket_id, agent.name)  # the prefetch redrafts it in the background
    fresh = service.generate(ticket_id, agent.name).saved
    assert fresh is not None and fresh.untouched and not service.needs_draft(ticket_id, agent.name)


# -- Tab ------------------------------------------------------------------------------------


def test_an_accepted_draft_is_the_agents_text_and_keeps_the_pair(db: Database, ticket_id: int, agent: User) -> None:
    drafts, tickets = DraftService(db), TicketService(db)
    _put_ai_draft(db, ticket_id, agent.name)
    assert drafts.load(ticket_id, agent.name).untouched
    accepted = drafts.accept(ticket_id, actor=agent)
    assert accepted is not None and accepted.accepted_at is not None
    reopened = tickets.open(ticket_id, agent.name, drop_stale_draft=True).draft
    assert not reopened.untouched and reopened.generated == reopened.body  # not an AI draft any more
    tickets.add_customer_message(ticket_id, "好的")
    assert tickets.open(ticket_id, agent.name, drop_stale_draft=True).draft is not None  # the agent's: kept
    version = tickets.open(ticket_id, agent.name).ticket.version
    tickets.send_reply(ticket_id, reopened.body, version, actor=agent)
    with db.session() as session:
        outcome = session.scalars(select(ReplyOutcome).where(ReplyOutcome.ticket_id == ticket_id)).one()
        assert (outcome.generated, outcome.final) == (reopened.body, reopened.body)


def test_a_new_generated_draft_is_not_accepted(db: Database, ticket_id: int, agent: User) -> None:
    drafts = DraftService(db)
    _put_ai_draft(db, ticket_id, agent.name)
    drafts.accept(ticket_id, actor=agent)
    _put_ai_draft(db, ticket_id, agent.name, "亲，退款预计3个工作日到账。")  # 重新生成
    record = drafts.load(ticket_id, agent.name)
    assert record.accepted_at is None and record.untouched


def test_accepting_needs_a_draft_and_a_signed_in_agent(db: Database, ticket_id: int, agent: User) -> None:
    drafts = DraftService(db)
    assert drafts.accept(ticket_id, actor=agent) is None
    _put_ai_draft(db, ticket_id, agent.name)
    with pytest.raises(PermissionDenied):
        drafts.accept(ticket_id, actor=None)
    assert drafts.load(ticket_id, agent.name).accepted_at is None


# -- seeds and marks ------------------------------------------------------------------------


def test_generate_passes_the_seed_and_is_greedy_without_one(db: Database, ticket_id: int, agent: User) -> None:
    drafter = FixedDrafter()
    service = DraftingService(db, drafter, KB)
    service.generate(ticket_id, agent.name)
    service.generate(ticket_id, agent.name, seed=7)
    assert drafter.seeds == [None, 7]


def test_a_stored_draft_is_checked_as_when_it_was_generated(db: Database, ticket_id: int, agent: User) -> None:
    service = DraftingService(db, FixedDrafter(), KB)
    generated = service.generate(ticket_id, agent.name)
    assert [m.sentence for m in generated.marks] == ["这边保证明天给您全额返现。"]
    stored = generated.saved
    assert stored is not None
    assert service.marks_for(ticket_id, stored.body, stored.generated_kb) == generated.marks
