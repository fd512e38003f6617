"""PresenceService: 「小美 正在处理」 for a ticket another agent has open (both backends)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from helpers.fake_clock import FakeClock
from sqlalchemy import delete, select

from desktop_app.services.access import PermissionDenied, Role, User
from desktop_app.services.presence import PresenceService
from desktop_app.store.schema import Ticket, TicketPresence
from desktop_app.store.tickets import TicketNotFound

TTL = timedelta(seconds=90)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def presence(db, clock) -> PresenceService:
    return PresenceService(db, ttl=TTL, clock=clock)


@pytest.fixture
def tickets(make_ticket, add_tickets) -> list[int]:
    ids = add_tickets([make_ticket(1), make_ticket(2)])
    return [ids["T-00001"], ids["T-00002"]]


def _rows(db) -> set[tuple[int, str]]:  # type: ignore[no-untyped-def]
    with db.session() as session:
        rows = session.execute(select(TicketPresence.ticket_id, TicketPresence.user_name))
        return {(row.ticket_id, row.user_name) for row in rows}


def test_an_agent_who_opens_a_ticket_is_seen_by_the_others(presence, tickets, agent, other_agent, supervisor) -> None:
    first, second = tickets
    presence.here(agent, first)
    assert presence.others(first, other_agent) == [agent.name]
    assert presence.others(first, supervisor) == [agent.name]
    assert presence.others(first, agent) == []  # not oneself
    assert presence.others(second, other_agent) == []  # only that ticket


def test_others_are_listed_first_opened_first(presence, clock, tickets, agent, other_agent, supervisor) -> None:
    first = tickets[0]
    presence.here(other_agent, first)
    clock.advance(timedelta(seconds=5))
    presence.here(agent, first)
    clock.advance(timedelta(seconds=5))
    presence.here(other_agent, first)  # a heartbeat keeps their place
    assert presence.others(first, supervisor) == [other_agent.name, agent.name]
    opened = [p.opened_at for p in presence.others_present(first, supervisor)]
    assert opened == [clock.now - timedelta(seconds=10), clock.now - timedelta(seconds=5)]


def test_a_presence_lapses_after_the_ttl_unless_renewed(presence, clock, tickets, agent, other_agent) -> None:
    first = tickets[0]
    presence.here(agent, first)
    assert presence.heartbeat_interval == TTL / 3
    for _ in range(4):  # heartbeats carry it past the first ttl
        clock.advance(presence.heartbeat_interval)
        presence.here(agent, first)
    clock.advance(TTL - timedelta(seconds=1))
    assert presence.others(first, other_agent) == [agent.name]
    clock.advance(timedelta(seconds=1))  # seen_until reached: void
    assert presence.others(first, other_agent) == []


def test_opening_a_ticket_purges_its_lapsed_rows_and_a_return_starts_afresh(
    db, presence, clock, tickets, agent, other_agent, supervisor
) -> None:
    first, second = tickets
    presence.here(agent, first)
    presence.here(supervisor, second)
    clock.advance(TTL)
    presence.here(other_agent, first)
    assert _rows(db) == {(first, other_agent.name), (second, supervisor.name)}  # the other ticket's stays
    presence.here(agent, first)  # back after the lapse: a new presence
    assert presence.others_present(first, other_agent)[0].opened_at == clock.now


def test_left_ends_only_that_presence(presence, tickets, agent, other_agent) -> None:
    first, second = tickets
    presence.here(agent, first)
    presence.here(agent, second)
    presence.here(other_agent, first)
    assert presence.left(agent, first) is True
    assert presence.others(first, other_agent) == []
    assert presence.others(second, other_agent) == [agent.name]
    assert presence.left(agent, first) is False  # not there any more


def test_leave_all_ends_every_presence_of_that_agent(db, presence, tickets, agent, other_agent) -> None:
    first, second = tickets
    presence.here(agent, first)
    presence.here(agent, second)
    presence.here(other_agent, second)
    assert presence.leave_all(agent) == [first, second]
    assert _rows(db) == {(second, other_agent.name)}
    assert presence.leave_all(agent) == []


@pytest.mark.parametrize("actor", [None, "客服小美", User(999, "客服小美", Role.AGENT)])
def test_nobody_signed_in_is_refused(db, presence, tickets, agent, actor) -> None:
    first = tickets[0]
    presence.here(agent, first)
    with pytest.raises(PermissionDenied):
        presence.here(actor, first)
    with pytest.raises(PermissionDenied):
        presence.others(first, actor)
    with pytest.raises(PermissionDenied):
        presence.left(actor, first)
    with pytest.raises(PermissionDenied):
        presence.leave_all(actor)
    assert _rows(db) == {(first, agent.name)}


def test_an_unknown_ticket_is_refused_and_a_deleted_one_takes_its_presences(db, presence, tickets, agent) -> None:
    with pytest.raises(TicketNotFound):
        presence.here(agent, max(tickets) + 100)
    presence.here(agent, tickets[0])
    with db.session() as session:
        session.execute(delete(Ticket).where(Ticket.id == tickets[0]))
    assert _rows(db) == set()


def test_the_ttl_must_be_positive(db) -> None:
    with pytest.raises(ValueError):
        PresenceService(db, ttl=timedelta(0))
