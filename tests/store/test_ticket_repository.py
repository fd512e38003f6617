"""TicketRepository and DraftRepository: inserts, versioned updates, details."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from desktop_app.store.database import Database
from desktop_app.store.drafts import DraftRepository
from desktop_app.domain.records import MessageRecord
from desktop_app.store.schema import Message, Ticket
from desktop_app.store.tickets import StaleTicketError, TicketNotFound, TicketRepository

T0 = datetime(2024, 5, 1, 8, 0, 0)


def _row(db: Database, ticket_id: int) -> dict[str, object]:
    with db.session() as session:
        ticket = session.get(Ticket, ticket_id)
        assert ticket is not None
        return {c.name: getattr(ticket, c.name) for c in Ticket.__table__.columns}


# -- insert_many ----------------------------------------------------------------------------


def test_insert_many_writes_tickets_and_messages(db, make_ticket, add_tickets, count_rows) -> None:
    conversation = (
        MessageRecord("customer", "快递到哪了", T0),
        MessageRecord("agent", "已经在派送了", T0 + timedelta(minutes=5), "客服小美"),
        MessageRecord("customer", "好的谢谢", T0 + timedelta(minutes=9)),
    )
    ids = add_tickets(
        [
            make_ticket(1, text="快递到哪了", created_at=T0, customer="小鹿", messages=conversation),
            make_ticket(2, text="我要退货", created_at=T0 + timedelta(hours=1)),
        ]
    )
    assert count_rows(db) == 2
    assert count_rows(db, Message) == 4  # 3 + the implicit first message of ticket 2
    with db.session() as session:
        detail = TicketRepository(session).detail(ids["T-00001"])
        plain = TicketRepository(session).detail(ids["T-00002"])
    assert [m.text for m in detail.messages] == ["快递到哪了", "已经在派送了", "好的谢谢"]
    assert [m.role for m in detail.messages] == ["customer", "agent", "customer"]
    # A customer message without an author is attributed to the ticket's customer.
    assert [m.author for m in detail.messages] == ["小鹿", "客服小美", "小鹿"]
    assert detail.updated_at == T0 + timedelta(minutes=9)
    # The customer spoke last, after the agent: waiting since their last turn started.
    assert detail.waiting_since == T0 + timedelta(minutes=9)
    assert detail.version == 1
    assert detail.flagged is False
    assert [(m.role, m.text, m.created_at) for m in plain.messages] == [
        ("customer", "我要退货", T0 + timedelta(hours=1))
    ]
    assert plain.waiting_since == T0 + timedelta(hours=1)


def test_waiting_since_from_first_customer_message_of_last_turn(db, make_ticket, add_tickets) -> None:
    messages = (
        MessageRecord("customer", "在吗", T0),
        MessageRecord("customer", "怎么没人回", T0 + timedelta(minutes=30)),
    )
    ids = add_tickets([make_ticket(1, created_at=T0, messages=messages)])
    assert _row(db, ids["T-00001"])["waiting_since"] == T0


@pytest.mark.parametrize("status", ["waiting_customer", "resolved"])
def test_no_waiting_since_when_ball_is_not_with_us(db, make_ticket, add_tickets, status) -> None:
    ids = add_tickets([make_ticket(1, status=status)])
    assert _row(db, ids["T-00001"])["waiting_since"] is None


def test_insert_many_is_atomic(db, make_ticket, add_tickets, count_rows) -> None:
    add_tickets([make_ticket(1)])
    with pytest.raises(IntegrityError):
        with db.session() as session:
            repo = TicketRepository(session)
            # Two fresh tickets, then a duplicate external id fails the same transaction.
            repo.insert_many([make_ticket(2), make_ticket(3)])
            repo.insert_many([make_ticket(1)])
    assert count_rows(db) == 1
    assert count_rows(db, Message) == 1


def test_insert_many_failure_inside_one_call_leaves_nothing(db, make_ticket, count_rows) -> None:
    with pytest.raises(IntegrityError):
        with db.session() as session:
            TicketRepository(session).insert_many([make_ticket(1), make_ticket(2), make_ticket(1)])
    assert count_rows(db) == 0
    assert count_rows(db, Message) == 0


def test_insert_many_failure_in_messages_rolls_back_tickets(db, make_ticket, count_rows, monkeypatch) -> None:
    """A failure after the tickets were written (while writing messages) leaves no tickets."""
    original = Message.__table__.insert

    def broken_insert():  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full while writing messages")

    monkeypatch.setattr(Message.__table__, "insert", broken_insert)
    with pytest.raises(RuntimeError, match="disk full"):
        with db.session() as session:
            TicketRepository(session).insert_many([make_ticket(1), make_ticket(2)])
    monkeypatch.setattr(Message.__table__, "insert", original)
    assert count_rows(db) == 0
    assert count_rows(db, Message) == 0


def test_insert_many_empty_is_noop(db, count_rows) -> None:
    with db.session() as session:
        TicketRepository(session).insert_many([])
    assert count_rows(db) == 0


def test_existing_external_ids(db, make_ticket, add_tickets) -> None:
    add_tickets([make_ticket(1), make_ticket(2)])
    with db.session() as session:
        repo = TicketRepository(session)
        assert repo.existing_external_ids(["T-00001", "T-00003", "T-00002"]) == {"T-00001", "T-00002"}
        assert repo.existing_external_ids([]) == set()


# -- update_versioned -----------------------------------------------------------------------


def test_update_versioned_bumps_version(db, make_ticket, add_tickets) -> None:
    ticket_id = add_tickets([make_ticket(1)])["T-00001"]
    before = _row(db, ticket_id)
    with db.session() as session:
        new_version = TicketRepository(session).update_versioned(ticket_id, 1, status="open", assignee="客服小美")
    assert new_version == 2
    after = _row(db, ticket_id)
    assert after["version"] == 2
    assert after["status"] == "open"
    assert after["assignee"] == "客服小美"
    assert after["updated_at"] > before["updated_at"]


def test_update_versioned_with_stale_version_changes_nothing(db, make_ticket, add_tickets) -> None:
    ticket_id = add_tickets([make_ticket(1)])["T-00001"]
    with db.session() as session:
        TicketRepository(session).update_versioned(ticket_id, 1, status="open")
    before = _row(db, ticket_id)
    with pytest.raises(StaleTicketError, match="version 1 is stale"):
        with db.session() as session:
            TicketRepository(session).update_versioned(ticket_id, 1, status="resolved", assignee="别人")
    assert _row(db, ticket_id) == before
    assert before["version"] == 2
    assert before["status"] == "open"


def test_update_versioned_future_version_is_stale_too(db, make_ticket, add_tickets) -> None:
    ticket_id = add_tickets([make_ticket(1)])["T-00001"]
    with pytest.raises(StaleTicketError):
        with db.session() as session:
            TicketRepository(session).update_versioned(ticket_id, 5, status="open")
    assert _row(db, ticket_id)["status"] == "new"


def test_update_versioned_missing_ticket(db) -> None:
    with pytest.raises(TicketNotFound, match="ticket 999 does not exist"):
        with db.session() as session:
            TicketRepository(session).update_versioned(999, 1, status="open")


def test_two_readers_one_wins(db, make_ticket, add_tickets) -> None:
    """Two agents read version 1; the second writer is refused."""
    ticket_id = add_tickets([make_ticket(1)])["T-00001"]
    with db.session() as session:
        version_a = TicketRepository(session).detail(ticket_id).version
    with db.session() as session:
        version_b = TicketRepository(session).detail(ticket_id).version
    with db.session() as session:
        TicketRepository(session).update_versioned(ticket_id, version_a, assignee="A")
    with pytest.raises(StaleTicketError):
        with db.session() as session:
            TicketRepository(session).update_versioned(ticket_id, version_b, assignee="B")
    assert _row(db, ticket_id)["assignee"] == "A"


def test_detail_missing_ticket(db) -> None:
    with pytest.raises(TicketNotFound):
        with db.session() as session:
            TicketRepository(session).detail(42)


def test_detail_orders_messages_by_time(db, make_ticket, add_tickets) -> None:
    ticket_id = add_tickets([make_ticket(1, created_at=T0)])["T-00001"]
    with db.session() as session:
        repo = TicketRepository(session)
        repo.add_message(ticket_id, MessageRecord("agent", "later", T0 + timedelta(hours=2), "a"))
        repo.add_message(ticket_id, MessageRecord("customer", "earlier", T0 + timedelta(hours=1), "c"))
    with db.session() as session:
        texts = [m.text for m in TicketRepository(session).detail(ticket_id).messages]
    assert texts == ["工单 1 的问题", "earlier", "later"]


def test_rows_by_id(db, make_ticket, add_tickets) -> None:
    long_text = "长" * 500
    ids = add_tickets([make_ticket(1, text=long_text), make_ticket(2), make_ticket(3)])
    with db.session() as session:
        rows = TicketRepository(session).rows_by_id([ids["T-00001"], ids["T-00003"]])
    assert sorted(r.external_id for r in rows) == ["T-00001", "T-00003"]
    first = next(r for r in rows if r.external_id == "T-00001")
    assert first.text == "长" * 200  # the queue only carries the start of the text


def test_delete_cascades_to_messages_and_drafts(db, make_ticket, add_tickets, count_rows) -> None:
    ticket_id = add_tickets([make_ticket(1)])["T-00001"]
    with db.session() as session:
        DraftRepository(session).upsert(ticket_id, "客服小美", "您好")
    with db.session() as session:
        session.delete(session.get(Ticket, ticket_id))
    assert count_rows(db, Message) == 0
    with db.session() as session:
        assert DraftRepository(session).get(ticket_id, "客服小美") is None


# -- drafts ---------------------------------------------------------------------------------


def test_draft_upsert_get_delete(db, make_ticket, add_tickets) -> None:
    ticket_id = add_tickets([make_ticket(1)])["T-00001"]
    with db.session() as session:
        repo = DraftRepository(session)
        assert repo.get(ticket_id, "小美") is None
        first = repo.upsert(ticket_id, "小美", "初稿", generated="模型草稿")
    with db.session() as session:
        repo = DraftRepository(session)
        second = repo.upsert(ticket_id, "小美", "改过的稿")  # generated=None keeps the model's draft
    with db.session() as session:
        repo = DraftRepository(session)
        loaded = repo.get(ticket_id, "小美")
        other = repo.get(ticket_id, "阿杰")
    assert loaded is not None
    assert (loaded.body, loaded.generated) == ("改过的稿", "模型草稿")
    assert second.generated == "模型草稿"
    assert loaded.updated_at >= first.updated_at
    assert other is None
    with db.session() as session:
        assert len(session.scalars(select(Ticket.id)).all()) == 1
        DraftRepository(session).delete(ticket_id, "小美")
    with db.session() as session:
        assert DraftRepository(session).get(ticket_id, "小美") is None
