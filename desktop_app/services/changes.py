"""The change feed: which tickets other clients (or this one) changed, as it happens.

``open_change_source(url)`` picks the reader for the database: PostgreSQL's LISTEN/NOTIFY
(migration 0007's triggers) or SQLite's ``PRAGMA data_version`` poll. Both yield the same
``Change`` records, so the UI's change bus, ``aftersales watch`` and the latency bench do
not care which. No Qt here: the UI runs a source in a worker thread of its own.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Protocol

from sqlalchemy import Engine
from sqlalchemy.engine import URL

from desktop_app.domain.changes import Change, ChangeKind
from desktop_app.store.change_feed import PostgresChangeListener, SqliteChangePoller
from desktop_app.store.database import DatabaseError, create_db_engine

__all__ = ["Change", "ChangeKind", "ChangeSource", "NoChangeFeed", "iter_changes", "open_change_source"]

POLL_SLICE_S = 0.25  # how long one wait lasts: a stop request is seen at least this often


class NoChangeFeed(DatabaseError):
    """This database cannot tell about changes at all (in-memory SQLite, another backend)."""


class ChangeSource(Protocol):
    def poll(self, timeout: float) -> list[Change]:
        """The changes committed since the last call; waits at most ``timeout`` s for one."""
        ...

    def close(self) -> None: ...


def open_change_source(database: str | URL | Engine) -> ChangeSource:
    """A change source on a connection of its own for the database at ``database``.

    In-memory SQLite has no other connection to hear from: NoChangeFeed, as for a
    backend without a feed; a database that cannot be reached: DatabaseError or the
    driver's error.
    """
    engine = database if isinstance(database, Engine) else create_db_engine(
        database if isinstance(database, str) else database.render_as_string(hide_password=False)
    )
    name = engine.dialect.name
    try:
        if name == "postgresql":
            return PostgresChangeListener(engine)
        if name == "sqlite":
            if engine.url.database in (None, "", ":memory:"):
                raise NoChangeFeed("an in-memory SQLite database has no change feed")
            return SqliteChangePoller(engine)
        raise NoChangeFeed(f"no change feed for {name} databases")
    finally:
        if engine is not database:
            engine.dispose()  # the source made its own


def iter_changes(source: ChangeSource, stop: threading.Event | None = None) -> Iterator[Change]:
    """Every change, as it comes, until ``stop`` is set (checked every ``POLL_SLICE_S``)."""
    stop = stop or threading.Event()
    while not stop.is_set():
        yield from source.poll(POLL_SLICE_S)
