"""ClaimService: "next ticket" claims with a lease, renewed, released, lapsing (both backends)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from helpers.fake_clock import FakeClock

from desktop_app.config import CLAIM_LEASE_ENV_VAR, DEFAULT_CLAIM_LEASE, claim_lease
from desktop_app.domain.vocabulary import TicketStatus
from desktop_app.services.access import PermissionDenied
from desktop_app.services.claims import ClaimService
from desktop_app.services.tickets import TicketService

LEASE = timedelta(minutes=10)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def claims(db, clock) -> ClaimService:
    return ClaimService(db, lease=LEASE, clock=clock)


@pytest.fixture
def tickets(make_ticket, add_tickets) -> dict[str, int]:
    """Four unhandled tickets; T-00001 has waited longest."""
    return add_tickets([make_ticket(n) for n in (1, 2, 3, 4)])


def _ticket(db, ticket_id: int):  # type: ignore[no-untyped-def]
    return TicketService(db).open(ticket_id, "nobody").ticket


def test_claim_takes_the_longest_waiting_ticket_with_a_lease(db, claims, clock, tickets, agent) -> None:
    before = _ticket(db, tickets["T-00001"])
    claim = claims.claim_next(agent)
    assert claim is not None
    assert (claim.ticket_id, claim.external_id, claim.holder) == (tickets["T-00001"], "T-00001", agent.name)
    assert claim.until == clock.now + LEASE
    after = _ticket(db, claim.ticket_id)
    assert (after.claimed_by, after.claim_until, after.assignee) == (agent.name, clock.now + LEASE, agent.name)
    assert after.version == claim.version == before.version + 1  # a claim is a change others must see
    assert after.claim_holder(clock.now) == agent.name


def _answer(db, claim, user) -> None:  # type: ignore[no-untyped-def]
    TicketService(db).send_reply(claim.ticket_id, "您好，已为您处理。", claim.version, actor=user)


def test_two_agents_never_get_the_same_ticket(db, claims, tickets, agent, other_agent) -> None:
    mine, theirs = claims.claim_next(agent), claims.claim_next(other_agent)
    assert mine is not None and theirs is not None
    assert (mine.ticket_id, theirs.ticket_id) == (tickets["T-00001"], tickets["T-00002"])
    again = claims.claim_next(agent)  # my claim is still mine: it comes back until answered or released
    assert again is not None and again.ticket_id == mine.ticket_id
    _answer(db, again, agent)
    _answer(db, theirs, other_agent)
    assert claims.claim_next(other_agent).ticket_id == tickets["T-00003"]  # type: ignore[union-attr]
    assert claims.claim_next(agent).ticket_id == tickets["T-00004"]  # type: ignore[union-attr]
    assert claims.claim_next(other_agent).ticket_id == tickets["T-00003"]  # type: ignore[union-attr]
    assert claims.peek_next(other_agent) == tickets["T-00003"]


def test_nothing_left_is_none(db, claims, tickets, agent) -> None:
    for _ in tickets:
        claim = claims.claim_next(agent)
        assert claim is not None
        _answer(db, claim, agent)
    assert claims.claim_next(agent) is None
    assert claims.peek_next(agent) is None


def test_a_colleagues_ticket_is_skipped_and_my_own_is_mine(
    db, claims, tickets, agent, other_agent, supervisor
) -> None:
    service = TicketService(db)
    first = _ticket(db, tickets["T-00001"])
    service.assign(first.id, other_agent.name, first.version, actor=supervisor)
    third = _ticket(db, tickets["T-00003"])
    service.assign(third.id, agent.name, third.version, actor=supervisor)
    assert claims.peek_next(agent) == tickets["T-00002"]
    got = []
    while (claim := claims.claim_next(agent)) is not None:
        got.append(claim.external_id)
        _answer(db, claim, agent)
    assert got == ["T-00002", "T-00003", "T-00004"]  # T-00001 stays 小李's
    assert claims.claim_next(other_agent).ticket_id == tickets["T-00001"]  # type: ignore[union-attr]


def test_handled_tickets_are_not_claimed(db, claims, make_ticket, add_tickets, agent) -> None:
    add_tickets([make_ticket(1, status="resolved"), make_ticket(2, status="waiting_customer")])
    assert claims.claim_next(agent) is None


def test_renewing_extends_the_lease_without_a_new_version(db, claims, clock, tickets, agent) -> None:
    claim = claims.claim_next(agent)
    assert claim is not None
    clock.advance(timedelta(minutes=4))
    renewed = claims.renew(agent, claim.ticket_id)
    assert renewed is not None and renewed.until == clock.now + LEASE
    ticket = _ticket(db, claim.ticket_id)
    assert ticket.claim_until == clock.now + LEASE
    assert ticket.version == claim.version  # the heartbeat never makes the holder's reply stale


def test_a_lapsed_claim_frees_the_ticket_for_anyone(db, claims, clock, tickets, agent, other_agent) -> None:
    claim = claims.claim_next(agent)
    assert claim is not None and claim.ticket_id == tickets["T-00001"]
    clock.advance(LEASE - timedelta(seconds=1))
    assert claims.claim_next(other_agent).ticket_id == tickets["T-00002"]  # type: ignore[union-attr]
    clock.advance(timedelta(seconds=2))  # the first client crashed: no heartbeat for a whole lease
    assert _ticket(db, claim.ticket_id).claim_holder(clock.now) is None
    taken = claims.claim_next(other_agent)
    assert taken is not None and taken.ticket_id == tickets["T-00001"]
    assert _ticket(db, taken.ticket_id).assignee == other_agent.name
    assert claims.renew(agent, claim.ticket_id) is None  # the old holder learns it is gone


def test_a_lapsed_claim_nobody_took_can_be_renewed(db, claims, clock, tickets, agent) -> None:
    claim = claims.claim_next(agent)
    assert claim is not None
    clock.advance(LEASE + timedelta(minutes=1))  # e.g. the laptop slept
    assert claims.renew(agent, claim.ticket_id) is not None
    assert claims.holder(claim.ticket_id) == agent.name


def test_release_puts_the_ticket_back_in_the_queue(db, claims, tickets, agent, other_agent) -> None:
    claim = claims.claim_next(agent)
    assert claim is not None
    assert not claims.release(other_agent, claim.ticket_id)  # not theirs to release
    assert claims.release(agent, claim.ticket_id)
    ticket = _ticket(db, claim.ticket_id)
    assert (ticket.claimed_by, ticket.claim_until, ticket.assignee) == (None, None, None)
    assert ticket.version == claim.version + 1
    assert not claims.release(agent, claim.ticket_id)
    assert claims.claim_next(other_agent).ticket_id == claim.ticket_id  # type: ignore[union-attr]


def test_moving_on_releases_the_ticket_left(db, claims, tickets, agent) -> None:
    first = claims.claim_next(agent)
    assert first is not None
    second = claims.claim_next(agent, leaving_id=first.ticket_id)
    assert second is not None and second.ticket_id == tickets["T-00002"]
    left = _ticket(db, first.ticket_id)
    assert (left.claimed_by, left.assignee) == (None, None)


def test_sign_out_releases_every_claim_of_that_agent_only(
    db, claims, clock, tickets, agent, other_agent, set_columns
) -> None:
    mine = claims.claim_next(agent)
    theirs = claims.claim_next(other_agent)
    assert mine is not None and theirs is not None
    # A second claim of 小美's, left behind when she opened another ticket by clicking.
    set_columns(tickets["T-00004"], claimed_by=agent.name, claim_until=clock.now + LEASE, assignee=agent.name)
    assert claims.release_all(agent) == sorted([mine.ticket_id, tickets["T-00004"]])
    assert [_ticket(db, i).assignee for i in (mine.ticket_id, tickets["T-00004"])] == [None, None]
    assert claims.release_all(agent) == []
    assert claims.holder(theirs.ticket_id) == other_agent.name


def test_sending_the_reply_ends_the_claim(db, claims, tickets, agent) -> None:
    claim = claims.claim_next(agent)
    assert claim is not None
    sent = TicketService(db).send_reply(claim.ticket_id, "您好，已为您处理。", claim.version, actor=agent)
    assert sent.status == TicketStatus.WAITING_CUSTOMER.value
    assert (sent.claimed_by, sent.claim_until, sent.assignee) == (None, None, agent.name)
    assert claims.renew(agent, claim.ticket_id) is None
    assert claims.release_all(agent) == []  # answered: stays the agent's, nothing to release


def test_handing_a_claimed_ticket_to_someone_else_ends_the_claim(
    db, claims, tickets, agent, other_agent, supervisor
) -> None:
    claim = claims.claim_next(agent)
    assert claim is not None
    moved = TicketService(db).assign(claim.ticket_id, other_agent.name, claim.version, actor=supervisor)
    assert (moved.assignee, moved.claimed_by, moved.claim_until) == (other_agent.name, None, None)
    assert claims.renew(agent, claim.ticket_id) is None


def test_a_stale_reply_after_losing_the_claim_is_refused(db, claims, clock, tickets, agent, other_agent) -> None:
    """No silent overwrite: the holder whose lease lapsed cannot answer over the new holder."""
    from desktop_app.services.tickets import StaleTicketError

    claim = claims.claim_next(agent)
    assert claim is not None
    clock.advance(LEASE + timedelta(seconds=1))
    taken = claims.claim_next(other_agent)
    assert taken is not None and taken.ticket_id == claim.ticket_id
    with pytest.raises((StaleTicketError, PermissionDenied)):
        TicketService(db).send_reply(claim.ticket_id, "迟到的回复", claim.version, actor=agent)
    assert [m.text for m in _ticket(db, claim.ticket_id).messages if m.role == "agent"] == []


def test_opening_a_ticket_someone_holds_says_who(db, claims, clock, tickets, agent) -> None:
    claim = claims.claim_next(agent)
    assert claim is not None
    opened = TicketService(db).open(claim.ticket_id, "客服小李")
    assert opened.ticket.claim_holder(clock.now) == agent.name
    assert opened.ticket.claim_holder(clock.now + LEASE) is None


def test_nobody_signed_in_claims_nothing(db, claims, tickets) -> None:
    with pytest.raises(PermissionDenied):
        claims.claim_next(None)
    assert _ticket(db, tickets["T-00001"]).claimed_by is None


def test_the_lease_is_configurable(monkeypatch, db) -> None:
    monkeypatch.delenv(CLAIM_LEASE_ENV_VAR, raising=False)
    assert claim_lease() == DEFAULT_CLAIM_LEASE == timedelta(minutes=10)
    monkeypatch.setenv(CLAIM_LEASE_ENV_VAR, "90")
    service = ClaimService(db)
    assert service.lease == timedelta(seconds=90)
    assert service.heartbeat_interval == timedelta(seconds=30)
    for bad in ("soon", "0", "-5"):
        monkeypatch.setenv(CLAIM_LEASE_ENV_VAR, bad)
        with pytest.raises(ValueError, match=CLAIM_LEASE_ENV_VAR):
            claim_lease()


# -- 领取: claiming the open ticket ------------------------------------------------------


def test_taking_the_open_ticket_claims_it_with_a_lease(db, claims, clock, tickets, agent, other_agent) -> None:
    ticket_id = tickets["T-00003"]
    before = _ticket(db, ticket_id)
    taken = claims.claim(agent, ticket_id, before.version)
    assert (taken.assignee, taken.claimed_by, taken.claim_until) == (agent.name, agent.name, clock.now + LEASE)
    assert taken.version == before.version + 1
    assert claims.renew(agent, ticket_id) is not None  # the heartbeat keeps it like a Ctrl+N claim
    handed = [claims.claim_next(other_agent) for _ in range(3)]
    assert ticket_id not in {c.ticket_id for c in handed if c is not None}


def test_taking_a_ticket_a_colleague_holds_says_who(db, claims, clock, tickets, agent, other_agent) -> None:
    from desktop_app.services.claims import TicketHeldError

    ticket_id = tickets["T-00001"]
    held = claims.claim_next(other_agent)
    assert held is not None and held.ticket_id == ticket_id
    with pytest.raises(TicketHeldError) as refused:
        claims.claim(agent, ticket_id, held.version)
    assert (refused.value.holder, refused.value.until) == (other_agent.name, clock.now + LEASE)
    assert _ticket(db, ticket_id).claimed_by == other_agent.name
    clock.advance(LEASE + timedelta(seconds=1))  # the colleague's client crashed: the lease ran out
    taken = claims.claim(agent, ticket_id, held.version)
    assert (taken.assignee, taken.claimed_by) == (agent.name, agent.name)


def test_taking_a_ticket_that_changed_meanwhile_is_refused(db, claims, tickets, agent) -> None:
    from desktop_app.store.tickets import StaleTicketError

    ticket_id = tickets["T-00002"]
    version = _ticket(db, ticket_id).version
    TicketService(db).set_status(ticket_id, TicketStatus.OPEN, version, actor=agent)
    with pytest.raises(StaleTicketError):
        claims.claim(agent, ticket_id, version)
    assert _ticket(db, ticket_id).claimed_by is None


def test_a_ticket_assigned_to_a_colleague_is_not_taken_by_an_agent(db, claims, tickets, agent, other_agent) -> None:
    ticket_id = tickets["T-00004"]
    assigned = TicketService(db).assign(ticket_id, other_agent.name, _ticket(db, ticket_id).version, actor=other_agent)
    with pytest.raises(PermissionDenied):
        claims.claim(agent, ticket_id, assigned.version)
    assert _ticket(db, ticket_id).assignee == other_agent.name


def test_a_supervisor_takes_over_a_live_claim_and_it_is_audited(db, claims, tickets, other_agent, supervisor) -> None:
    from desktop_app.store.audit import AuditRepository

    held = claims.claim_next(other_agent)
    assert held is not None
    taken = claims.claim(supervisor, held.ticket_id, held.version)
    assert (taken.assignee, taken.claimed_by) == (supervisor.name, supervisor.name)
    assert claims.renew(other_agent, held.ticket_id) is None  # the colleague's heartbeat learns it is gone
    with db.session() as session:
        last = AuditRepository(session).page(limit=1)[0]
    assert (last.action, last.ticket_id) == ("reassign", held.ticket_id)
