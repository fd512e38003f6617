"""The change feed: a write in one connection shows up as a Change from the source (both backends)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from desktop_app.domain.clock import utcnow
from desktop_app.domain.vocabulary import INTENTS, SENTIMENTS, FlagRule
from desktop_app.domain.records import TicketTagging
from desktop_app.services.changes import Change, ChangeKind, ChangeSource, open_change_source
from desktop_app.services.claims import ClaimService
from desktop_app.services.drafts import DraftService
from desktop_app.services.presence import PresenceService
from desktop_app.services.tagging import TaggingService
from desktop_app.services.tickets import TicketService
from desktop_app.store.database import Database, DatabaseError
from desktop_app.store.tags import TagRepository

DEADLINE_S = 5.0
PRESENCE_TTL = timedelta(seconds=90)


class FakeClock:
    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def source(db: Database, db_url: str) -> Iterator[ChangeSource]:
    # Its own connection from the URL, as another client would have; ``db`` writes.
    feed = open_change_source(db_url)
    yield feed
    feed.close()


def collect(source: ChangeSource, wanted: set[tuple[int, ChangeKind]]) -> list[Change]:
    """Poll until every (ticket, kind) in ``wanted`` came (or the deadline passed)."""
    seen: list[Change] = []
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline and not wanted <= {(c.ticket_id, c.change) for c in seen}:
        seen.extend(source.poll(0.2))
    return seen


def kinds(changes: list[Change]) -> set[tuple[int, ChangeKind]]:
    return {(c.ticket_id, c.change) for c in changes}


def test_nothing_written_means_no_changes(source, make_ticket, add_tickets) -> None:
    assert source.poll(0.3) == []


def test_an_imported_ticket_is_a_ticket_change(db, source, make_ticket, add_tickets) -> None:
    ids = add_tickets([make_ticket(1), make_ticket(2)])
    changes = collect(source, {(ids["T-00001"], ChangeKind.TICKET), (ids["T-00002"], ChangeKind.TICKET)})
    tickets = {(c.ticket_id, c.change) for c in changes if c.change == ChangeKind.TICKET}
    assert tickets == {(ids["T-00001"], ChangeKind.TICKET), (ids["T-00002"], ChangeKind.TICKET)}
    assert {c.change for c in changes} <= {ChangeKind.TICKET, ChangeKind.MESSAGE}  # its first message
    assert all(change.at.tzinfo is None for change in changes)
    assert not [c for c in source.poll(0.3) if c.change == ChangeKind.TICKET]  # reported once


def test_a_customer_message_is_a_message_change(db, make_ticket, add_tickets, db_url) -> None:
    ticket_id = add_tickets([make_ticket(1)])["T-00001"]
    feed = open_change_source(db_url)  # opened after the import: only what comes next
    try:
        TicketService(db).add_customer_message(ticket_id, "还没发货吗？")
        changes = collect(feed, {(ticket_id, ChangeKind.MESSAGE)})
        assert (ticket_id, ChangeKind.MESSAGE) in kinds(changes)
        assert {c.ticket_id for c in changes} == {ticket_id}
    finally:
        feed.close()


def test_a_reply_draft_and_claim_each_say_what_changed(db, make_ticket, add_tickets, agent, db_url) -> None:
    ids = add_tickets([make_ticket(1), make_ticket(2)])
    first = ids["T-00001"]
    feed = open_change_source(db_url)
    try:
        claim = ClaimService(db).claim_next(agent)
        assert claim is not None and claim.ticket_id == first
        assert (first, ChangeKind.CLAIM) in kinds(collect(feed, {(first, ChangeKind.CLAIM)}))

        DraftService(db).save(first, "您好，正在为您查询", actor=agent)
        assert (first, ChangeKind.DRAFT) in kinds(collect(feed, {(first, ChangeKind.DRAFT)}))

        ClaimService(db).renew(agent, first)  # the heartbeat: only the lease moves
        assert (first, ChangeKind.CLAIM) in kinds(collect(feed, {(first, ChangeKind.CLAIM)}))

        version = TicketService(db).open(first, agent.name).ticket.version
        TicketService(db).send_reply(first, "亲，已为您加急处理。", version, actor=agent)
        changes = collect(feed, {(first, ChangeKind.MESSAGE), (first, ChangeKind.CLAIM)})
        assert {(first, ChangeKind.MESSAGE), (first, ChangeKind.CLAIM)} <= kinds(changes)
        assert {c.ticket_id for c in changes} == {first}  # the other ticket was not touched
    finally:
        feed.close()


def test_model_tags_and_corrections_are_tag_changes(db, make_ticket, add_tickets, agent, db_url) -> None:
    ids = add_tickets([make_ticket(1), make_ticket(2)])
    feed = open_change_source(db_url)
    intent, sentiment = next(iter(INTENTS)), next(iter(SENTIMENTS))
    try:
        with db.session() as session:
            TagRepository(session).save_taggings(
                [TicketTagging(ids["T-00001"], {intent: 0.9}, {sentiment: 0.8}, False, [])], "toy", FlagRule()
            )
        assert kinds(collect(feed, {(ids["T-00001"], ChangeKind.TAGS)})) == {(ids["T-00001"], ChangeKind.TAGS)}

        second = ids["T-00002"]
        version = TicketService(db).open(second, agent.name).ticket.version
        TaggingService(db, None).correct(second, "intent", intent, version, actor=agent)
        assert (second, ChangeKind.TAGS) in kinds(collect(feed, {(second, ChangeKind.TAGS)}))
    finally:
        feed.close()


def test_presence_arrivals_and_departures_are_presence_changes_heartbeats_are_not(
    db, make_ticket, add_tickets, agent, other_agent, db_url
) -> None:
    ids = add_tickets([make_ticket(1), make_ticket(2)])
    first, second = ids["T-00001"], ids["T-00002"]
    clock = FakeClock()
    presence = PresenceService(db, ttl=PRESENCE_TTL, clock=clock)
    feed = open_change_source(db_url)
    try:
        presence.here(agent, first)
        changes = collect(feed, {(first, ChangeKind.PRESENCE)})
        assert kinds(changes) == {(first, ChangeKind.PRESENCE)}

        clock.advance(presence.heartbeat_interval)
        presence.here(agent, first)  # the heartbeat: only seen_until moves
        DraftService(db).save(first, "您好，正在为您查询", actor=agent)  # a marker written after it
        changes = collect(feed, {(first, ChangeKind.DRAFT)})
        assert (first, ChangeKind.DRAFT) in kinds(changes)
        assert not [c for c in changes if c.change == ChangeKind.PRESENCE]

        clock.advance(PRESENCE_TTL)
        presence.here(agent, first)  # back after the lease ran out: others see them arrive again
        assert (first, ChangeKind.PRESENCE) in kinds(collect(feed, {(first, ChangeKind.PRESENCE)}))

        presence.here(other_agent, second)
        assert (second, ChangeKind.PRESENCE) in kinds(collect(feed, {(second, ChangeKind.PRESENCE)}))
        presence.left(agent, first)
        assert (first, ChangeKind.PRESENCE) in kinds(collect(feed, {(first, ChangeKind.PRESENCE)}))
        presence.leave_all(other_agent)
        changes = collect(feed, {(second, ChangeKind.PRESENCE)})
        assert kinds(changes) == {(second, ChangeKind.PRESENCE)}
    finally:
        feed.close()


def test_a_bulk_import_reports_every_ticket(db, source, make_ticket, add_tickets) -> None:
    ids = add_tickets([make_ticket(n) for n in range(1, 1001)])  # more than one NOTIFY payload holds
    wanted = {(ticket_id, ChangeKind.TICKET) for ticket_id in ids.values()}
    assert wanted <= kinds(collect(source, wanted))


def test_change_records_print_as_json(db, source, make_ticket, add_tickets) -> None:
    ticket_id = add_tickets([make_ticket(1)])["T-00001"]
    change = collect(source, {(ticket_id, ChangeKind.TICKET)})[0]
    payload = change.to_json()
    assert payload["ticket"] == ticket_id and payload["change"] == "ticket"
    assert str(payload["at"]).endswith("Z")


@pytest.mark.sqlite_only
def test_in_memory_sqlite_has_no_feed() -> None:
    with pytest.raises(DatabaseError):
        open_change_source("sqlite://")
