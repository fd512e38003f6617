"""Opening a database: engine settings per backend, and migrating it to the newest schema.

SQLite gets WAL (readers never wait for the writer), a busy timeout (two writers wait
instead of failing) and foreign keys. Any other SQLAlchemy URL (PostgreSQL) is used as is.

Migrations are all-or-nothing on both backends. pysqlite would run each CREATE in
autocommit mode (it only opens a transaction before INSERT/UPDATE/DELETE), so a crash in
the middle of a migration left half a schema behind; ``sqlite_transaction`` takes the
transaction away from the driver and opens it with an explicit ``BEGIN IMMEDIATE``,
which also serialises two processes migrating the same file. Before an upgrade of an
existing SQLite file a copy is kept beside it (``backup_sqlite``).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import cast

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 5000

log = logging.getLogger(__name__)


class DatabaseError(Exception):
    """The database cannot be opened; the message is meant for the person at the screen."""


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()


def _create_owner_only(path: Path) -> None:
    """Create a new SQLite file readable by its owner only (0600), like exports: it holds
    customers' messages and phone numbers. SQLite gives its -wal and -shm files the same
    mode. An existing file keeps the mode it has (a deployment may share it on purpose)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError:  # it exists, or cannot be made: SQLite opens it or says why
        pass


def create_db_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"not a database URL: {url!r} ({exc})") from exc
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:" and not parsed.database.startswith("file:"):
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            _create_owner_only(Path(parsed.database))
        engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine)
        return engine
    try:
        return create_engine(parsed, pool_pre_ping=True)
    except Exception as exc:  # a missing driver (psycopg) is the usual cause
        raise DatabaseError(f"cannot use {parsed.render_as_string()}: {exc}") from exc


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def sqlite_file(engine: Engine) -> Path | None:
    """The file behind a SQLite engine; None for PostgreSQL and in-memory databases."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


@contextmanager
def sqlite_transaction(connection: Connection, mode: str = "IMMEDIATE") -> Iterator[None]:
    """One real SQLite transaction around everything run on ``connection``, DDL included.

    The driver is told to leave transactions alone (``isolation_level = None``) and the
    transaction is opened with ``BEGIN <mode>``; it commits when the block ends and rolls
    back on any exception (or with the process, if it is killed). ``IMMEDIATE`` takes the
    write lock at once, so a second writer waits (busy timeout) rather than interleaving.
    """
    driver = cast(sqlite3.Connection, connection.connection.driver_connection)
    saved = driver.isolation_level
    if connection.in_transaction():
        connection.commit()
    driver.isolation_level = None
    try:
        with connection.begin():
            connection.exec_driver_sql(f"BEGIN {mode}")
            yield
    finally:
        driver.isolation_level = saved


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def backup_sqlite(engine: Engine, label: str) -> Path | None:
    """Copy a SQLite file beside itself (``<name>.<label>.<time>.bak``, owner-only) with
    SQLite's backup API, which copies a consistent state even while the WAL holds changes."""
    source = sqlite_file(engine)
    if source is None or not source.is_file():
        return None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = source.with_name(f"{source.name}.{label}.{stamp}.bak")
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()
    return target


def upgrade_to_head(engine: Engine, backup: bool = True) -> Path | None:
    """Bring the schema to the newest revision; a no-op on an up-to-date database.

    Creating and upgrading are one transaction (see ``migrations/env.py``): a failure or a
    crash at any statement leaves the database as it was. Before an existing SQLite file
    is upgraded it is copied beside itself; the copy's path is returned (None when no
    upgrade or no copy was needed).
    """
    copy = None
    if backup and sqlite_file(engine) is not None:
        current = current_revision(engine)
        if current is not None and current != head_revision(engine):
            copy = backup_sqlite(engine, f"before-upgrade-from-{current}")
            log.info("database %s backed up to %s before its upgrade", sqlite_file(engine), copy)
    command.upgrade(alembic_config(engine), "head")
    return copy


def advisory_lock_key(name: str) -> int:
    """A stable 31-bit key for PostgreSQL's advisory locks."""
    return zlib.crc32(name.encode("utf-8")) & 0x7FFFFFFF


def lock_for_write(session: Session, name: str) -> None:
    """Serialise this transaction with every other one that takes the lock ``name``.

    SQLite: the database's write lock, taken now (``BEGIN IMMEDIATE`` when the driver has
    not begun a transaction yet); reads that follow see every committed write. PostgreSQL:
    a transaction-scoped advisory lock. Either is released at commit or rollback.
    """
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        driver = cast(sqlite3.Connection, connection.connection.driver_connection)
        if not driver.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    elif connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": advisory_lock_key(name)})


class Database:
    """One engine and its session factory; safe to share between worker threads."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str, *, migrate: bool = True) -> Database:
        engine = create_db_engine(url)
        if migrate:
            try:
                upgrade_to_head(engine)
            except Exception as exc:
                engine.dispose()
                raise DatabaseError(f"cannot open database {engine.url.render_as_string()}: {exc}") from exc
        return cls(engine)

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed on success, rolled back on any exception."""
        with self._sessions() as session, session.begin():
            yield session

    def refresh_statistics(self) -> None:
        """Let the query planner see the data's shape after a bulk import: autovacuum would
        get there on PostgreSQL too, but only after the first searches ran on a bad plan.

        PostgreSQL: ``aftersales_refresh_statistics()`` (migration 0008) runs ANALYZE and
        merges the search indexes' pending lists with the owner's rights, since the app's
        role owns no table and may do neither itself.
        """
        with self.engine.begin() as connection:
            if self.engine.dialect.name == "sqlite":
                # Sampled statistics: quick on a large file, so the write lock is short.
                connection.exec_driver_sql("PRAGMA analysis_limit = 1000")
                connection.exec_driver_sql("ANALYZE")
                connection.exec_driver_sql("PRAGMA optimize")
            elif self.engine.dialect.name == "postgresql":
                helper = connection.exec_driver_sql(
                    "SELECT to_regprocedure('aftersales_refresh_statistics()') IS NOT NULL"
                ).scalar()
                connection.exec_driver_sql(
                    "SELECT aftersales_refresh_statistics()" if helper else "ANALYZE tickets, messages"
                )

    def close(self) -> None:
        self.engine.dispose()
