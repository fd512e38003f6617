"""Claiming tickets: "next ticket" (Ctrl+N, ``aftersales next --claim``) for many agents at once.

Each claim hands one ticket to one agent for a lease (``config.claim_lease``, default 10
minutes) and makes them its assignee. The client renews the lease while the ticket is
open (``renew``, the heartbeat, every third of the lease); the claim ends on send, on
``release``, on sign-out (``release_all``), or when the lease runs out, so a crashed
client's tickets return to the queue by themselves. ``ClaimRepository`` says how the
claim stays atomic on PostgreSQL and on SQLite.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from desktop_app.config import claim_lease
from desktop_app.domain.clock import utcnow
from desktop_app.domain.vocabulary import UNHANDLED_STATUSES
from desktop_app.domain.records import TicketDetail
from desktop_app.services.access import User, acting_user
from desktop_app.services.assignment import check_assignment, touches_another
from desktop_app.services.audit import AuditAction
from desktop_app.services.display import masked_detail
from desktop_app.store.audit import AuditRepository
from desktop_app.store.claims import Claim, ClaimRepository
from desktop_app.store.database import Database
from desktop_app.store.tickets import StaleTicketError, TicketRepository

__all__ = ["CLAIM_ACTION", "Claim", "ClaimService", "TicketHeldError"]

CLAIM_ACTION = "领取工单"
_UNHANDLED = tuple(status.value for status in UNHANDLED_STATUSES)


class TicketHeldError(RuntimeError):
    """A colleague holds a live claim on the ticket; ``holder`` and ``until`` say who and how long."""

    def __init__(self, ticket_id: int, holder: str, until: datetime) -> None:
        self.ticket_id = ticket_id
        self.holder = holder
        self.until = until
        super().__init__(f"ticket {ticket_id} is being worked on by {holder} (claimed until {until:%H:%M} UTC)")


class ClaimService:
    def __init__(
        self, db: Database, lease: timedelta | None = None, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.db = db
        self.lease = claim_lease() if lease is None else lease
        if self.lease <= timedelta(0):
            raise ValueError("the claim lease must be positive")
        self._clock = clock

    @property
    def heartbeat_interval(self) -> timedelta:
        """How often an open claimed ticket renews its lease: a missed beat or two is harmless."""
        return self.lease / 3

    def claim_next(self, actor: User | None, leaving_id: int | None = None) -> Claim | None:
        """Claim the next ticket for ``actor``: unhandled, theirs or nobody's (or freed by a
        lapsed claim), the customer waiting longest first. ``leaving_id``, the ticket they
        move on from, is released and skipped. None when nothing is left."""
        now = self._clock()
        with self.db.session() as session:
            user = acting_user(session, actor, CLAIM_ACTION)
            return ClaimRepository(session).claim_next(user.name, _UNHANDLED, now, now + self.lease, leaving_id)

    def claim(self, actor: User | None, ticket_id: int, expected_version: int) -> TicketDetail:
        """领取 on an open ticket: claim it for ``actor`` with a lease, as "next ticket" would.

        Refused with TicketHeldError while a colleague's claim is live (a supervisor may take
        it over, audited), with PermissionDenied when it is assigned to a colleague, and with
        StaleTicketError when it changed since ``expected_version`` or is no longer unhandled.
        """
        now = self._clock()
        with self.db.session() as session:
            user = acting_user(session, actor, CLAIM_ACTION)
            tickets = TicketRepository(session)
            current = tickets.detail(ticket_id)
            holder = current.claim_holder(now)
            if holder not in (None, user.name) and not user.is_supervisor:
                assert current.claim_until is not None
                raise TicketHeldError(ticket_id, holder, current.claim_until)
            assignee = current.assignee
            if assignee is not None and assignee == current.claimed_by and holder is None:
                assignee = None  # assigned only by a claim that lapsed: free again
            check_assignment(user, assignee, user.name)
            claim = ClaimRepository(session).claim_ticket(
                ticket_id, user.name, _UNHANDLED, now, now + self.lease, expected_version, take_over=user.is_supervisor
            )
            if claim is None:
                raise StaleTicketError(f"ticket {ticket_id} changed or is no longer unhandled; reload it")
            if touches_another(user, assignee, user.name) or holder not in (None, user.name):
                AuditRepository(session).append(
                    user.name, AuditAction.REASSIGN, ticket_id, {"from": holder or assignee, "to": user.name}
                )
            return masked_detail(tickets.detail(ticket_id))

    def peek_next(self, actor: User | None, leaving_id: int | None = None) -> int | None:
        """The ticket ``claim_next`` would give ``actor`` now, without claiming it."""
        with self.db.session() as session:
            user = acting_user(session, actor, CLAIM_ACTION)
            return ClaimRepository(session).next_claimable(user.name, _UNHANDLED, self._clock(), leaving_id)

    def renew(self, actor: User | None, ticket_id: int) -> Claim | None:
        """The heartbeat: extend ``actor``'s lease on ``ticket_id``; None once the claim is
        no longer theirs (answered, released, handed on, or taken after it lapsed)."""
        with self.db.session() as session:
            user = acting_user(session, actor, CLAIM_ACTION)
            return ClaimRepository(session).renew(ticket_id, user.name, _UNHANDLED, self._clock() + self.lease)

    def release(self, actor: User | None, ticket_id: int) -> bool:
        """Give ``ticket_id`` back to the queue; False if ``actor`` held no claim on it."""
        with self.db.session() as session:
            user = acting_user(session, actor, CLAIM_ACTION)
            return bool(ClaimRepository(session).release(user.name, _UNHANDLED, ticket_id))

    def release_all(self, actor: User | None) -> list[int]:
        """Sign-out: end every claim ``actor`` holds; return the tickets freed."""
        with self.db.session() as session:
            user = acting_user(session, actor, CLAIM_ACTION)
            return ClaimRepository(session).release(user.name, _UNHANDLED)

    def holder(self, ticket_id: int) -> str | None:
        """Who works on ``ticket_id`` under a live claim now (None: nobody)."""
        with self.db.session() as session:
            return TicketRepository(session).detail(ticket_id).claim_holder(self._clock())
