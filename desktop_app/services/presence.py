"""Presence: 「小美 正在处理」 on a ticket another agent has open, claimed or not.

A claim (``ClaimService``) says who *holds* a ticket; presence says who merely has it
open, so two agents who click the same ticket see each other. The client calls ``here``
when a ticket opens and then every ``heartbeat_interval`` (a third of ``ttl``) while it
stays open, ``left`` when it closes or another ticket opens, ``leave_all`` on sign-out, and
asks ``others`` to show who else is there. A crashed client stops beating and its
presence lapses by itself after ``ttl``. Any signed-in agent or supervisor may be present;
``None`` or a hand-made ``User`` is refused (``acting_user``).

The change feed reports ``ChangeKind.PRESENCE`` for a ticket when someone arrives (also
after their lease ran out), leaves or signs out; a heartbeat and a lapse report nothing,
so a client re-asks ``others`` on its own heartbeat to see lapsed colleagues go.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from desktop_app.domain.clock import utcnow
from desktop_app.services.access import User, acting_user
from desktop_app.store.database import Database
from desktop_app.store.presence import Presence, PresenceRepository

__all__ = ["DEFAULT_PRESENCE_TTL", "PRESENCE_ACTION", "Presence", "PresenceService"]

PRESENCE_ACTION = "打开工单"
DEFAULT_PRESENCE_TTL = timedelta(seconds=90)


class PresenceService:
    def __init__(
        self, db: Database, ttl: timedelta = DEFAULT_PRESENCE_TTL, clock: Callable[[], datetime] = utcnow
    ) -> None:
        if ttl <= timedelta(0):
            raise ValueError("the presence ttl must be positive")
        self.db = db
        self.ttl = ttl
        self._clock = clock

    @property
    def heartbeat_interval(self) -> timedelta:
        """How often an open ticket calls ``here`` again: a missed beat or two is harmless."""
        return self.ttl / 3

    def here(self, actor: User | None, ticket_id: int) -> None:
        """``actor`` has ``ticket_id`` open: start their presence, or renew it for ``ttl``.

        Also drops the lapsed rows of this ticket and of ``actor``. TicketNotFound for an
        unknown ticket, PermissionDenied for nobody signed in.
        """
        now = self._clock()
        with self.db.session() as session:
            user = acting_user(session, actor, PRESENCE_ACTION)
            PresenceRepository(session).mark(ticket_id, user.name, now, now + self.ttl)

    def left(self, actor: User | None, ticket_id: int) -> bool:
        """``actor`` closed ``ticket_id`` (or moved to another); False if they were not there."""
        with self.db.session() as session:
            user = acting_user(session, actor, PRESENCE_ACTION)
            return PresenceRepository(session).remove(ticket_id, user.name)

    def leave_all(self, actor: User | None) -> list[int]:
        """Sign-out: end every presence of ``actor``; the tickets they were on, ascending."""
        with self.db.session() as session:
            user = acting_user(session, actor, PRESENCE_ACTION)
            return PresenceRepository(session).remove_all(user.name)

    def others(self, ticket_id: int, actor: User | None) -> list[str]:
        """The other agents with a live presence on ``ticket_id``, who opened it first first
        (ties by name); ``actor`` is left out. An unknown ticket has nobody: []."""
        return [p.user_name for p in self.others_present(ticket_id, actor)]

    def others_present(self, ticket_id: int, actor: User | None) -> list[Presence]:
        """``others`` with each presence's ``opened_at`` and ``seen_until`` (「已处理 5 分钟」)."""
        now = self._clock()
        with self.db.session() as session:
            user = acting_user(session, actor, PRESENCE_ACTION)
            return [p for p in PresenceRepository(session).live(ticket_id, now) if p.user_name != user.name]
