"""Which tickets changed, as the database tells it: PostgreSQL NOTIFY or SQLite's poll.

Both readers hold a connection of their own (never one of the app's pool) and answer
``poll(timeout)``: the changes committed since the last call, waiting at most
``timeout`` seconds for the first one.

* PostgreSQL: migration 0007's triggers notify ``aftersales_changes`` on commit; the
  listener LISTENs on an autocommit psycopg connection and decodes the payloads. A lost
  connection is opened again (changes made meanwhile are not replayed: the UI's slow
  timer covers that gap).
* SQLite has no NOTIFY. ``PRAGMA data_version`` changes whenever another connection
  commits, and costs microseconds, so the poller asks it every ``interval`` and looks
  for what changed only when it moved: new rows by id (SQLite has one writer at a time,
  so ids grow in commit order), edited tickets and drafts by ``updated_at`` within a
  window that covers a write's time stamp being taken before its commit (remembered
  versions keep a row from being reported twice), and claims by comparing the set of
  claimed tickets (a claim changes no time stamp), and presences by comparing the set of
  (ticket, agent, opened_at): an arrival, a fresh start after a lapse or a departure is a
  change, a heartbeat (only ``seen_until`` moves) is not, as with migration 0009's triggers.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Connection, Engine, create_engine, func, select
from sqlalchemy.pool import NullPool

from desktop_app.domain.changes import Change, ChangeKind
from desktop_app.domain.clock import utcnow
from desktop_app.store.schema import Draft, Feedback, Message, Ticket, TicketPresence, TicketTag

if TYPE_CHECKING:  # psycopg is the [postgres] extra; only its types are needed here
    import psycopg

# The tables whose new rows are found by id.
_IdTable = type[Ticket] | type[Message] | type[TicketTag] | type[Feedback] | type[Draft]

CHANNEL = "aftersales_changes"  # migration 0007 notifies it
SQLITE_POLL_INTERVAL_S = 0.05
# A write takes its time stamp before it commits (and may wait for the write lock, up to
# the busy timeout, in between): edits are looked for this far back.
SQLITE_EDIT_WINDOW = timedelta(seconds=15)
RECONNECT_DELAY_S = 1.0

log = logging.getLogger(__name__)


def parse_notification(payload: str) -> list[Change]:
    """The changes in one NOTIFY payload of migration 0007; [] for anything else."""
    try:
        data = json.loads(payload)
        kind = ChangeKind(data["change"])
        at = datetime.fromisoformat(data["at"])
        return [Change(int(ticket), kind, at) for ticket in data["tickets"]]
    except (ValueError, KeyError, TypeError):
        log.warning("ignoring a malformed change notification: %.200s", payload)
        return []


class PostgresChangeListener:
    """LISTEN on a connection of its own; ``poll`` returns the notifications that arrived."""

    def __init__(self, engine: Engine) -> None:
        # An engine of its own without a pool: its one connection is held for the listener's life.
        self._own = create_engine(engine.url, poolclass=NullPool)
        self._connection: Connection | None = None
        self._driver: psycopg.Connection[Any] | None = None
        self._connect()

    def _connect(self) -> psycopg.Connection[Any]:
        connection = self._own.connect()
        driver = cast("psycopg.Connection[Any]", connection.connection.driver_connection)
        driver.autocommit = True
        driver.execute(f"LISTEN {CHANNEL}")
        self._connection, self._driver = connection, driver
        return driver

    def _drop(self) -> None:
        if self._connection is not None:
            try:
                self._connection.invalidate()
                self._connection.close()
            except Exception:  # noqa: BLE001 - it is broken already
                pass
        self._connection = self._driver = None

    def poll(self, timeout: float) -> list[Change]:
        driver = self._driver
        if driver is None:
            try:
                driver = self._connect()
            except Exception as exc:  # noqa: BLE001 - the server may be back later
                log.warning("change listener cannot reconnect: %s", exc)
                time.sleep(min(timeout, RECONNECT_DELAY_S))
                return []
        changes: list[Change] = []
        try:
            for notify in driver.notifies(timeout=timeout, stop_after=1):
                changes.extend(parse_notification(notify.payload))
            if changes:  # and whatever else is already there, without waiting
                for notify in driver.notifies(timeout=0.0):
                    changes.extend(parse_notification(notify.payload))
        except Exception as exc:  # noqa: BLE001 - a lost connection: open another next time
            log.warning("change listener lost its connection: %s", exc)
            self._drop()
        return changes

    def close(self) -> None:
        self._drop()
        self._own.dispose()


class SqliteChangePoller:
    """Polls ``PRAGMA data_version`` and, when it moved, works out which tickets changed."""

    def __init__(self, engine: Engine, interval: float = SQLITE_POLL_INTERVAL_S) -> None:
        self._interval = interval
        self._own = create_engine(engine.url, poolclass=NullPool)
        self._connection = self._own.connect()
        self._data_version = self._pragma_data_version()
        self._max_ids = {table: self._max_id(table) for table in (Ticket, Message, TicketTag, Feedback, Draft)}
        now = utcnow()
        # Rows edited within the window, with the version/time stamp already known.
        self._edited: dict[int, tuple[int, datetime]] = {}
        self._drafts: dict[int, datetime] = {}
        self._edited_tickets(now)
        self._edited_drafts(now)
        self._claims = self._claimed()
        self._presences = self._present()

    # -- queries -----------------------------------------------------------------------
    def _pragma_data_version(self) -> int:
        return int(self._connection.exec_driver_sql("PRAGMA data_version").scalar_one())

    def _max_id(self, table: _IdTable) -> int:
        return int(self._connection.scalar(select(func.max(table.id))) or 0)

    def _new_rows(self, table: _IdTable, column: str) -> list[int]:
        """Ticket ids of the rows of ``table`` added since the last look."""
        rows = self._connection.execute(
            select(table.id, getattr(table, column)).where(table.id > self._max_ids[table])
        ).all()
        if rows:
            self._max_ids[table] = max(row[0] for row in rows)
        return [row[1] for row in rows]

    def _edited_tickets(self, now: datetime) -> list[int]:
        since = now - SQLITE_EDIT_WINDOW
        rows = self._connection.execute(
            select(Ticket.id, Ticket.version, Ticket.updated_at).where(Ticket.updated_at >= since)
        ).all()
        changed = [row.id for row in rows if self._edited.get(row.id) != (row.version, row.updated_at)]
        self._edited = {row.id: (row.version, row.updated_at) for row in rows}
        return changed

    def _edited_drafts(self, now: datetime) -> list[int]:
        since = now - SQLITE_EDIT_WINDOW
        rows = self._connection.execute(
            select(Draft.id, Draft.ticket_id, Draft.updated_at).where(Draft.updated_at >= since)
        ).all()
        changed = [row.ticket_id for row in rows if self._drafts.get(row.id) != row.updated_at]
        self._drafts = {row.id: row.updated_at for row in rows}
        return changed

    def _claimed(self) -> dict[int, tuple[str | None, datetime | None]]:
        rows = self._connection.execute(
            select(Ticket.id, Ticket.claimed_by, Ticket.claim_until).where(Ticket.claimed_by.is_not(None))
        ).all()
        return {row.id: (row.claimed_by, row.claim_until) for row in rows}

    def _present(self) -> set[tuple[int, str, datetime]]:
        rows = self._connection.execute(
            select(TicketPresence.ticket_id, TicketPresence.user_name, TicketPresence.opened_at)
        ).all()
        return {(row.ticket_id, row.user_name, row.opened_at) for row in rows}

    def _changed_presences(self) -> list[int]:
        presences = self._present()
        before, self._presences = self._presences, presences
        return sorted({ticket_id for ticket_id, _user, _opened in before ^ presences})

    def _changed_claims(self) -> list[int]:
        claims = self._claimed()
        before, self._claims = self._claims, claims
        return sorted(tid for tid in before.keys() | claims.keys() if before.get(tid) != claims.get(tid))

    # -- the feed ----------------------------------------------------------------------
    def _look(self) -> list[Change]:
        """What changed since the last look (called when data_version moved)."""
        now = utcnow()
        found: dict[tuple[int, ChangeKind], None] = {}  # ordered, without repeats

        def add(kind: ChangeKind, ticket_ids: list[int]) -> None:
            for ticket_id in ticket_ids:
                found[(ticket_id, kind)] = None

        add(ChangeKind.TICKET, self._new_rows(Ticket, "id"))
        add(ChangeKind.TICKET, self._edited_tickets(now))
        add(ChangeKind.MESSAGE, self._new_rows(Message, "ticket_id"))
        add(ChangeKind.TAGS, self._new_rows(TicketTag, "ticket_id"))
        add(ChangeKind.TAGS, self._new_rows(Feedback, "ticket_id"))
        add(ChangeKind.DRAFT, self._new_rows(Draft, "ticket_id"))
        add(ChangeKind.DRAFT, self._edited_drafts(now))
        add(ChangeKind.CLAIM, self._changed_claims())
        add(ChangeKind.PRESENCE, self._changed_presences())
        self._connection.rollback()  # end the read: the next data_version sees new commits
        return [Change(ticket_id, kind, now) for ticket_id, kind in found]

    def poll(self, timeout: float) -> list[Change]:
        deadline = time.monotonic() + timeout
        while True:
            version = self._pragma_data_version()
            self._connection.rollback()
            if version != self._data_version:
                self._data_version = version
                changes = self._look()
                if changes:
                    return changes
            left = deadline - time.monotonic()
            if left <= 0:
                return []
            time.sleep(min(self._interval, left))

    def close(self) -> None:
        self._connection.close()
        self._own.dispose()
