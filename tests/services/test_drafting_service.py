from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime

import pytest
from sqlalchemy import select

from desktop_app.config import RESOURCES_DIR
from desktop_app.nlp.drafting.drafter import ReplyDrafter
from desktop_app.nlp.drafting.knowledge_base import KnowledgeBase
from desktop_app.nlp.drafting.pipeline import plan_draft
from desktop_app.nlp.drafting.retrieval import Retriever
from desktop_app.services.access import Role, User
from desktop_app.services.accounts import AccountService
from desktop_app.services.drafting import DraftingService, view_of
from desktop_app.services.drafts import DraftService
from desktop_app.services.tickets import TicketService
from desktop_app.store.database import Database
from desktop_app.domain.records import MessageRecord, NewTicket
from desktop_app.store.schema import ReplyOutcome
from desktop_app.store.tickets import TicketRepository

KB = KnowledgeBase.load(RESOURCES_DIR / "kb")
T0 = datetime(2024, 5, 1, 9, 0)


@pytest.fixture
def mei(db: Database, supervisor: User) -> User:
    """The agent 小美, signed in: her edits and replies go through the role checks."""
    return AccountService(db).add_user("小美", "correct horse", Role.AGENT, actor=supervisor)


def _ticket(make_ticket: Callable[..., NewTicket], number: int = 1, **fields: object) -> NewTicket:
    messages = (
        MessageRecord("customer", "退款什么时候到账", T0),
        MessageRecord("agent", "亲，稍等为您查询", T0),
        MessageRecord("customer", "都三天了还没退回来", T0),
    )
    return make_ticket(
        number, text="退款什么时候到账", order_id="JD9988776655", customer="王女士", messages=messages, **fields
    )


def test_request_carries_turns_tags_order_facts_and_the_matching_policy(
    db: Database, make_ticket: Callable[..., NewTicket], add_tickets: Callable, set_columns: Callable
) -> None:
    ticket_id = add_tickets([_ticket(make_ticket)])["T-00001"]
    set_columns(ticket_id, intent="return_refund", sentiment="negative")
    with db.session() as session:
        planned = plan_draft(view_of(TicketRepository(session).detail(ticket_id)), Retriever(KB))
    request = planned.request
    assert [t.role for t in request.history] == ["customer", "agent", "customer"]
    assert (request.intent, request.sentiment, request.order_id, request.customer) == (
        "return_refund",
        "negative",
        "JD9988776655",
        "王女士",
    )
    assert "refund_timeline" in request.kb_ids
    assert request.kb_texts == tuple(e.text for e in planned.kb_entries)
    assert set(request.banned_phrases) >= set(planned.kb_entries[0].never_promise)


def test_generate_stores_an_untouched_draft_but_never_overwrites_the_agents_text(
    db: Database, make_ticket: Callable[..., NewTicket], add_tickets: Callable, toy_drafter: ReplyDrafter, mei: User
) -> None:
    ids = add_tickets([_ticket(make_ticket, 1), _ticket(make_ticket, 2)])
    service = DraftingService(db, toy_drafter, KB)
    assert service.needs_draft(ids["T-00001"], "小美")

    generated = service.generate(ids["T-00001"], "小美")
    assert generated.saved is not None and generated.saved.untouched
    assert generated.saved.generated_kb == tuple(e.id for e in generated.kb_entries)
    assert not service.needs_draft(ids["T-00001"], "小美")

    DraftService(db).save(ids["T-00002"], "我自己写的回复", actor=mei)
    again = service.generate(ids["T-00002"], "小美")
    assert again.saved is None
    assert DraftService(db).load(ids["T-00002"], "小美").body == "我自己写的回复"


def test_a_stopped_generation_stores_nothing(
    db: Database, make_ticket: Callable[..., NewTicket], add_tickets: Callable, toy_drafter: ReplyDrafter
) -> None:
    ticket_id = add_tickets([_ticket(make_ticket)])["T-00001"]
    cancel = threading.Event()
    cancel.set()
    generated = DraftingService(db, toy_drafter, KB).generate(ticket_id, "小美", cancel=cancel)
    assert generated.result.stopped and generated.saved is None
    assert DraftService(db).load(ticket_id, "小美") is None


def test_sending_keeps_the_generated_draft_next_to_the_final_text(
    db: Database, make_ticket: Callable[..., NewTicket], add_tickets: Callable, toy_drafter: ReplyDrafter, mei: User
) -> None:
    ticket_id = add_tickets([_ticket(make_ticket)])["T-00001"]
    generated = DraftingService(db, toy_drafter, KB).generate(ticket_id, "小美")
    DraftService(db).save(ticket_id, "王女士您好，退款已加急处理", actor=mei)  # the agent's edit keeps `generated`
    opened = TicketService(db).open(ticket_id, "小美")
    TicketService(db).send_reply(ticket_id, "王女士您好，退款已加急处理", opened.ticket.version, actor=mei)
    with db.session() as session:
        outcome = session.scalars(select(ReplyOutcome)).one()
        assert outcome.generated == generated.result.text
        assert outcome.final == "王女士您好，退款已加急处理"
        assert (outcome.kb_entries or []) == list(generated.result.kb_ids)
        assert outcome.model == toy_drafter.name and outcome.message_id is not None


def test_a_reply_written_without_a_draft_is_kept_with_no_generated_text(
    db: Database, make_ticket: Callable[..., NewTicket], add_tickets: Callable, mei: User
) -> None:
    ticket_id = add_tickets([_ticket(make_ticket)])["T-00001"]
    opened = TicketService(db).open(ticket_id, "小美")
    TicketService(db).send_reply(ticket_id, "马上处理", opened.ticket.version, actor=mei)
    with db.session() as session:
        outcome = session.scalars(select(ReplyOutcome)).one()
    assert outcome.generated is None and outcome.final == "马上处理"
