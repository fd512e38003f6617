"""PresenceRepository on PostgreSQL: two agents' purges of crossing lapsed rows never wait
for each other (so can never deadlock) while both transactions are open."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, text

from desktop_app.store.database import Database
from desktop_app.store.presence import PresenceRepository
from desktop_app.store.schema import TicketPresence

T0 = datetime(2024, 6, 1, 9, 0, 0)
TTL = timedelta(seconds=90)


def test_crossing_purges_skip_each_others_rows(db: Database, db_backend: str, make_ticket, add_tickets) -> None:
    if db_backend != "postgresql":
        pytest.skip("SQLite has one writer at a time: nothing to cross")
    ids = add_tickets([make_ticket(1), make_ticket(2)])
    first, second = ids["T-00001"], ids["T-00002"]
    with db.session() as session:  # lapsed rows that each agent's purge matches: (1, B) and (2, A)
        PresenceRepository(session).mark(first, "B", T0, T0 + TTL)
        PresenceRepository(session).mark(second, "A", T0, T0 + TTL)
    later = T0 + 2 * TTL
    with db.session() as holding:  # A opens ticket 1 and has not committed yet
        PresenceRepository(holding).mark(first, "A", later, later + TTL)
        with db.session() as other:  # B opens ticket 2 meanwhile: it must not wait for A
            other.execute(text("SET LOCAL lock_timeout = '2s'"))
            PresenceRepository(other).mark(second, "B", later, later + TTL)
    with db.session() as session:
        found = session.execute(select(TicketPresence.ticket_id, TicketPresence.user_name))
        rows = {(row.ticket_id, row.user_name) for row in found}
    assert rows == {(first, "A"), (second, "B")}
