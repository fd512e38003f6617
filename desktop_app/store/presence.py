"""Presence: which agents have a ticket open now, each under a short lease.

One ``ticket_presence`` row per (ticket, agent). Opening a ticket inserts it and every
heartbeat only moves ``seen_until`` (one ``INSERT … ON CONFLICT DO UPDATE``, atomic on
both backends, so two clients of the same agent never collide). A row past its
``seen_until`` is void: readers ignore it, and ``mark`` deletes the ticket's (and the
agent's) void rows first, so a crashed client's rows go without a sweeper and an agent
coming back after their lease ran out starts a fresh presence (a new ``opened_at``,
which the change feed reports; a plain heartbeat reports nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, or_, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from desktop_app.store.schema import Ticket, TicketPresence
from desktop_app.store.tickets import TicketNotFound


@dataclass(frozen=True, slots=True)
class Presence:
    """``user_name`` has had ``ticket_id`` open since ``opened_at``, for sure until ``seen_until``."""

    ticket_id: int
    user_name: str
    opened_at: datetime
    seen_until: datetime


class PresenceRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._dialect = session.get_bind().dialect.name

    def mark(self, ticket_id: int, user_name: str, now: datetime, until: datetime) -> None:
        """``user_name`` has ``ticket_id`` open until ``until``: insert, or renew their live row.

        TicketNotFound for a ticket that does not exist (a concurrent delete between the
        check and the insert surfaces as the foreign key's IntegrityError).
        """
        if self.session.scalar(select(Ticket.id).where(Ticket.id == ticket_id)) is None:
            raise TicketNotFound(f"ticket {ticket_id} does not exist")
        # Lapsed rows another transaction is deleting (or renewing) are skipped, not waited
        # for: two purges whose rows cross can never deadlock (PostgreSQL; SQLite has one writer).
        lapsed = (
            select(TicketPresence.ticket_id, TicketPresence.user_name)
            .where(
                TicketPresence.seen_until <= now,
                or_(TicketPresence.ticket_id == ticket_id, TicketPresence.user_name == user_name),
            )
            .with_for_update(skip_locked=True)
        )
        self.session.execute(
            delete(TicketPresence)
            .where(tuple_(TicketPresence.ticket_id, TicketPresence.user_name).in_(lapsed))
            .execution_options(synchronize_session=False)
        )
        insert = postgresql.insert if self._dialect == "postgresql" else sqlite.insert
        statement = insert(TicketPresence).values(
            ticket_id=ticket_id, user_name=user_name, opened_at=now, seen_until=until
        )
        self.session.execute(
            statement.on_conflict_do_update(
                index_elements=[TicketPresence.ticket_id, TicketPresence.user_name],
                set_={"seen_until": statement.excluded.seen_until},
            )
        )

    def remove(self, ticket_id: int, user_name: str) -> bool:
        """``user_name`` closed ``ticket_id``; False if they had no row there."""
        removed = self.session.execute(
            delete(TicketPresence)
            .where(TicketPresence.ticket_id == ticket_id, TicketPresence.user_name == user_name)
            .returning(TicketPresence.ticket_id)
            .execution_options(synchronize_session=False)
        ).first()
        return removed is not None

    def remove_all(self, user_name: str) -> list[int]:
        """Every row of ``user_name`` (sign-out); the tickets they were on, live or void."""
        rows = self.session.execute(
            delete(TicketPresence)
            .where(TicketPresence.user_name == user_name)
            .returning(TicketPresence.ticket_id)
            .execution_options(synchronize_session=False)
        )
        return sorted(rows.scalars())

    def live(self, ticket_id: int, now: datetime) -> list[Presence]:
        """The live presences on ``ticket_id``: first opened first, then by name.

        Sorted here, not in SQL, so that both backends give the same order whatever
        their collation does with Chinese names.
        """
        rows = self.session.execute(
            select(TicketPresence).where(TicketPresence.ticket_id == ticket_id, TicketPresence.seen_until > now)
        ).scalars()
        found = [Presence(r.ticket_id, r.user_name, r.opened_at, r.seen_until) for r in rows]
        return sorted(found, key=lambda p: (p.opened_at, p.user_name))
