"""Demo tickets for a first run, so a new agent sees a realistic queue straight away.

The demo file's times are shifted so that its newest message is a few minutes old: the
waiting-time column then looks like a live queue, whenever the app is first opened.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from desktop_app.config import RESOURCES_DIR
from desktop_app.services.importing.records import build_ticket
from desktop_app.domain.clock import utcnow
from desktop_app.store.database import Database
from desktop_app.domain.records import NewTicket
from desktop_app.store.schema import Ticket
from desktop_app.store.tickets import TicketRepository

DEMO_TICKETS = RESOURCES_DIR / "demo" / "demo_tickets.jsonl"


def load_demo_tickets(path: Path = DEMO_TICKETS) -> list[NewTicket]:
    now = utcnow()
    with path.open(encoding="utf-8") as handle:
        tickets = [build_ticket(json.loads(line), now) for line in handle if line.strip()]
    newest = max(max([t.created_at, *(m.created_at for m in t.messages)]) for t in tickets)
    shift = (now - timedelta(minutes=3)) - newest
    return [
        replace(
            t,
            created_at=t.created_at + shift,
            messages=tuple(replace(m, created_at=m.created_at + shift) for m in t.messages),
        )
        for t in tickets
    ]


def demo_refusal(db: Database) -> str | None:
    """Why the demo tickets will not go into ``db``, in words; None for a personal SQLite file."""
    if db.engine.dialect.name == "sqlite":
        return None
    return (
        f"seed-demo refuses {db.engine.dialect.name} databases: a shared server is every agent's real queue, and "
        "60 made-up customers would land in it; the demo tickets are for a personal SQLite database "
        "(the app adds them by itself on the first start)"
    )


def seed_demo_if_empty(db: Database, path: Path = DEMO_TICKETS) -> int:
    """Insert the demo tickets into an empty personal (SQLite) database; return how many.

    A shared server (PostgreSQL) never gets made-up tickets in its queue; two clients
    seeding the same new file at once is harmless: the loser adds nothing.
    """
    if db.engine.dialect.name != "sqlite":
        return 0
    try:
        with db.session() as session:
            if session.scalar(select(func.count()).select_from(Ticket)):
                return 0
            tickets = load_demo_tickets(path)
            TicketRepository(session).insert_many(tickets)
            return len(tickets)
    except IntegrityError:
        return 0
