"""The demo seed: 60 tickets once, covering every label, with times that look live."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from desktop_app.domain.vocabulary import INTENTS, SENTIMENTS, TicketStatus
from desktop_app.services.seed import DEMO_TICKETS, demo_refusal, load_demo_tickets, seed_demo_if_empty
from desktop_app.domain.clock import utcnow
from desktop_app.store.schema import Message, Ticket
from desktop_app.store.tickets import TicketRepository


def _demo_lines() -> list[dict]:
    with DEMO_TICKETS.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@pytest.mark.sqlite_only  # the demo tickets go into SQLite only (see the refusal test)
def test_seed_once(db, count_rows) -> None:
    assert seed_demo_if_empty(db) == 60
    assert count_rows(db) == 60
    messages = count_rows(db, Message)
    assert messages == sum(len(d["messages"]) for d in _demo_lines())
    assert seed_demo_if_empty(db) == 0
    assert count_rows(db) == 60
    assert count_rows(db, Message) == messages


def test_seed_skips_a_database_with_tickets(db, make_ticket, add_tickets, count_rows) -> None:
    add_tickets([make_ticket(1)])
    assert seed_demo_if_empty(db) == 0
    assert count_rows(db) == 1


def test_a_shared_server_gets_no_demo_tickets_and_is_told_why(db, db_backend, count_rows) -> None:
    if db_backend == "sqlite":
        assert demo_refusal(db) is None
        return
    assert "seed-demo refuses postgresql databases" in (demo_refusal(db) or "")
    assert seed_demo_if_empty(db) == 0  # the app's first start on a shared server adds nothing, quietly
    assert count_rows(db) == 0


def test_demo_labels_cover_the_taxonomy() -> None:
    lines = _demo_lines()
    assert len(lines) == 60
    intents = Counter(d["expected_intent"] for d in lines)
    sentiments = Counter(d["expected_sentiment"] for d in lines)
    assert set(intents) == set(INTENTS)
    assert len(INTENTS) == 11
    assert set(sentiments) == set(SENTIMENTS)
    assert len(SENTIMENTS) == 3
    assert len({d["external_id"] for d in lines}) == 60


def test_demo_statuses_are_valid_and_varied() -> None:
    statuses = {d["status"] for d in _demo_lines()}
    assert statuses <= {s.value for s in TicketStatus}
    assert {"new", "open"} <= statuses


def test_demo_times_are_shifted_to_now() -> None:
    raw = load_demo_tickets()
    now = utcnow()
    times = [[t.created_at, *(m.created_at for m in t.messages)] for t in raw]
    newest = max(max(ts) for ts in times)
    assert now - timedelta(hours=1) <= newest <= now
    assert all(moment <= now for ts in times for moment in ts)
    # One shift for the whole file: the gaps between tickets are as in the file.
    lines = _demo_lines()
    assert len(raw) == len(lines)
    from desktop_app.services.importing.records import parse_time

    file_created = [parse_time(d["created_at"]) for d in lines]
    shifts = {t.created_at - original for t, original in zip(raw, file_created, strict=True)}
    assert len(shifts) == 1
    assert shifts.pop() > timedelta(0)


@pytest.mark.sqlite_only  # the demo tickets go into SQLite only (see the refusal test)
def test_seeded_tickets_newest_activity_within_the_last_hour(db) -> None:
    seed_demo_if_empty(db)
    now = utcnow()
    with db.session() as session:
        updated = list(session.scalars(select(Ticket.updated_at)))
        newest_message = max(session.scalars(select(Message.created_at)))
    assert max(updated) == newest_message
    assert now - timedelta(hours=1) <= max(updated) <= now
    assert all(u <= now for u in updated)


@pytest.mark.sqlite_only  # the demo tickets go into SQLite only (see the refusal test)
def test_seeded_ticket_content(db) -> None:
    seed_demo_if_empty(db)
    with db.session() as session:
        ticket_id = session.scalar(select(Ticket.id).where(Ticket.external_id == "DEMO-0001"))
        detail = TicketRepository(session).detail(ticket_id)
        waiting = session.scalar(
            select(Ticket.waiting_since).where(Ticket.status.in_(("waiting_customer", "resolved")))
        )
    first = _demo_lines()[0]
    assert detail.customer == first["customer"]
    assert detail.channel == first["channel"]
    assert detail.order_id == first["order_id"]
    assert detail.messages[0].text == first["messages"][0]["text"]
    assert detail.intent is None  # tags come from the model, not from the demo file
    assert waiting is None
