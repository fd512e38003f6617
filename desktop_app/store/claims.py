"""Claims: which agent is working on a ticket ("next ticket"), and until when.

A claim is ``tickets.claimed_by`` plus a lease, ``tickets.claim_until``, and makes the
claimer the assignee. Taking the next ticket hands each ticket to one agent only, however
many ask at the same moment:

* PostgreSQL: the candidate row is selected ``FOR UPDATE SKIP LOCKED``: concurrent
  claimers each lock a different row and never wait for one another;
* SQLite: the transaction begins with ``BEGIN IMMEDIATE`` (the database's write lock),
  so claims run one after the other and each one sees the one before.

A lease that ran out is void: the ticket can be claimed again, by anyone, even though its
assignee still names the old holder (a crashed client frees its tickets that way). A claim
ends on release, on send (``TicketService.send_reply``) and when the ticket is handed to
someone else (``TicketRepository.update_versioned``). Renewing (the heartbeat) changes
only the lease, never the version: it must not make the holder's own reply stale.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, case, or_, select, update
from sqlalchemy.orm import Session

from desktop_app.domain.records import QueueSort
from desktop_app.store.database import lock_for_write
from desktop_app.store.schema import Ticket
from desktop_app.store.tickets import _ordered, _unindexed

CLAIMS_LOCK = "claims"


@dataclass(frozen=True, slots=True)
class Claim:
    """A ticket ``holder`` may work on until ``until``; ``version`` is the ticket's after the claim."""

    ticket_id: int
    external_id: str
    holder: str
    until: datetime
    version: int


def _lapsed(now: datetime) -> ColumnElement[bool]:
    return or_(Ticket.claim_until.is_(None), Ticket.claim_until <= now)


def _claimable(agent: str, statuses: Sequence[str], now: datetime, dialect: str) -> ColumnElement[bool]:
    """Unhandled; nobody else holds a live claim; and it is mine, nobody's, or was only
    assigned by a claim that lapsed (a ticket handed to a colleague stays theirs).

    On SQLite the status test must not use an index: the planner would rather collect
    every unhandled ticket through the status index and sort them all (200 ms at 100k
    tickets) than walk the waiting-time index and stop at the first match (under 1 ms).
    PostgreSQL walks that index by itself.
    """
    sqlite = dialect == "sqlite"
    status = _unindexed(Ticket.status) if sqlite else Ticket.status
    assignee = _unindexed(Ticket.assignee) if sqlite else Ticket.assignee  # nor its index (0011)
    return and_(
        status.in_(statuses),
        or_(Ticket.claimed_by.is_(None), Ticket.claimed_by == agent, _lapsed(now)),
        or_(
            assignee.is_(None),
            assignee == agent,
            and_(Ticket.assignee == Ticket.claimed_by, _lapsed(now)),
        ),
    )


class ClaimRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._dialect = session.get_bind().dialect.name

    def next_claimable(self, agent: str, statuses: Sequence[str], now: datetime, exclude_id: int | None) -> int | None:
        """The ticket ``agent`` would get next (longest waiting first), without claiming it."""
        return self.session.scalar(self._candidate(agent, statuses, now, exclude_id))

    def claim_next(
        self,
        agent: str,
        statuses: Sequence[str],
        now: datetime,
        until: datetime,
        leaving_id: int | None = None,
    ) -> Claim | None:
        """Claim the ticket ``agent`` should work on next, until ``until``; None if none is left.

        ``leaving_id`` is the ticket the agent moves on from: their claim on it ends (see
        ``release``) and it is not the one they get. Call this in a transaction of its own:
        on SQLite it must take the write lock before anything else.
        """
        if self._dialect == "sqlite":
            lock_for_write(self.session, CLAIMS_LOCK)  # BEGIN IMMEDIATE
        if leaving_id is not None:
            self.release(agent, statuses, leaving_id)
        statement = self._candidate(agent, statuses, now, leaving_id)
        if self._dialect != "sqlite":
            statement = statement.with_for_update(skip_locked=True)
        ticket_id = self.session.scalar(statement)
        if ticket_id is None:
            return None
        row = self.session.execute(
            update(Ticket)
            .where(Ticket.id == ticket_id)
            .values(claimed_by=agent, claim_until=until, assignee=agent, version=Ticket.version + 1)
            .returning(Ticket.external_id, Ticket.version)
            .execution_options(synchronize_session=False)
        ).one()
        return Claim(ticket_id, row.external_id, agent, until, row.version)

    def claim_ticket(
        self,
        ticket_id: int,
        agent: str,
        statuses: Sequence[str],
        now: datetime,
        until: datetime,
        expected_version: int,
        take_over: bool = False,
    ) -> Claim | None:
        """Claim this one ticket (the pane's 领取) until ``until``, if it is still at
        ``expected_version`` and nobody else holds a live claim on it (``take_over``: a
        supervisor may take a colleague's). None when refused; the caller reads why.

        One UPDATE with the whole test in its WHERE: on PostgreSQL the row lock makes a
        second claimer wait and then find the version moved; on SQLite writes are serial.
        """
        clauses: list[ColumnElement[bool]] = [
            Ticket.id == ticket_id,
            Ticket.version == expected_version,
            Ticket.status.in_(statuses),
        ]
        if not take_over:
            clauses.append(or_(Ticket.claimed_by.is_(None), Ticket.claimed_by == agent, _lapsed(now)))
        row = self.session.execute(
            update(Ticket)
            .where(*clauses)
            .values(claimed_by=agent, claim_until=until, assignee=agent, version=Ticket.version + 1)
            .returning(Ticket.external_id, Ticket.version)
            .execution_options(synchronize_session=False)
        ).one_or_none()
        return None if row is None else Claim(ticket_id, row.external_id, agent, until, row.version)

    def renew(self, ticket_id: int, agent: str, statuses: Sequence[str], until: datetime) -> Claim | None:
        """Extend ``agent``'s claim to ``until``; None when it is no longer theirs (released,
        answered, handed on, or claimed by someone else after it lapsed)."""
        row = self.session.execute(
            update(Ticket)
            .where(Ticket.id == ticket_id, Ticket.claimed_by == agent, Ticket.status.in_(statuses))
            .values(claim_until=until)
            .returning(Ticket.external_id, Ticket.version)
            .execution_options(synchronize_session=False)
        ).one_or_none()
        return None if row is None else Claim(ticket_id, row.external_id, agent, until, row.version)

    def release(self, agent: str, statuses: Sequence[str], ticket_id: int | None = None) -> list[int]:
        """End ``agent``'s claim on ``ticket_id`` (all of theirs if None); return the tickets freed.

        An unhandled ticket the claim had assigned to them goes back to the queue (assignee
        cleared, version + 1); an answered one stays theirs.
        """
        clauses = [Ticket.claimed_by == agent]
        if ticket_id is not None:
            clauses.append(Ticket.id == ticket_id)
        back_to_queue = and_(Ticket.assignee == agent, Ticket.status.in_(statuses))
        rows = self.session.execute(
            update(Ticket)
            .where(*clauses)
            .values(
                claimed_by=None,
                claim_until=None,
                assignee=case((back_to_queue, None), else_=Ticket.assignee),
                version=Ticket.version + 1,
            )
            .returning(Ticket.id)
            .execution_options(synchronize_session=False)
        )
        return sorted(rows.scalars())

    def _candidate(self, agent: str, statuses: Sequence[str], now: datetime, exclude_id: int | None) -> Select:
        clauses = [_claimable(agent, statuses, now, self._dialect)]
        if exclude_id is not None:
            clauses.append(Ticket.id != exclude_id)
        return _ordered(select(Ticket.id).where(*clauses), QueueSort("waiting")).limit(1)
