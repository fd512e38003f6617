"""Opening a database: migrations, schema parity with the metadata, SQLite settings."""

from __future__ import annotations

import os
import stat
import warnings
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from desktop_app.store.database import (
    SQLITE_BUSY_TIMEOUT_MS,
    Database,
    DatabaseError,
    alembic_config,
)
from desktop_app.store.schema import Base, Ticket
from desktop_app.store.search_index import is_search_index_object

SORT_INDEXES = {f"ix_tickets_sort_{name}" for name in ("waiting_since", "intent", "sentiment", "assignee")}


def _head_revision(db: Database) -> str:
    return ScriptDirectory.from_config(alembic_config(db.engine)).get_current_head()


def test_migrations_reach_head(db: Database) -> None:
    with db.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    assert current is not None
    assert current == _head_revision(db)


def test_all_tables_created(db: Database) -> None:
    tables = set(inspect(db.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def _is_sort_index_diff(diff: object) -> bool:
    """``("add_index", Index)`` / ``("remove_index", Index)`` for one of the expression indexes."""
    return (
        isinstance(diff, tuple)
        and diff[0] in ("add_index", "remove_index")
        and getattr(diff[1], "name", None) in SORT_INDEXES
    )


def _is_search_index_diff(diff: object) -> bool:
    """The text search's FTS5 tables (SQLite) and trigram indexes (PostgreSQL), made by
    migration 0008 and the schema's DDL hooks rather than declared as metadata."""
    return (
        isinstance(diff, tuple)
        and diff[0] in ("remove_table", "remove_index")
        and is_search_index_object(getattr(diff[1], "name", None))
    )


def test_migrated_schema_matches_metadata(db: Database) -> None:
    with warnings.catch_warnings(record=True) as caught:
        # Alembic and SQLAlchemy both warn that they skip expression-based indexes.
        warnings.simplefilter("always")
        with db.engine.connect() as connection:
            diffs = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    remaining = [d for d in diffs if not _is_sort_index_diff(d) and not _is_search_index_diff(d)]
    assert remaining == []
    # The only thing skipped is the expression indexes (checked via sqlite_master below).
    for warning in caught:
        message = str(warning.message)
        assert "expression-based index" in message, message
        assert any(name in message for name in SORT_INDEXES), message


@pytest.mark.sqlite_only
def test_expression_sort_indexes_exist(db: Database) -> None:
    with db.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tickets'")
        ).all()
    by_name = {name: sql for name, sql in rows}
    assert SORT_INDEXES <= set(by_name)
    for name in SORT_INDEXES:
        column = name.removeprefix("ix_tickets_sort_")
        assert f"{column} IS NULL" in by_name[name]


@pytest.mark.sqlite_only
def test_metadata_indexes_all_created(db: Database) -> None:
    """Every index the metadata declares on ``tickets`` is really in the database."""
    with db.engine.connect() as connection:
        names = set(connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'index'")).scalars())
    declared = {index.name for index in Ticket.__table__.indexes}
    assert declared - names == set()


@pytest.mark.sqlite_only
def test_sqlite_pragmas(db: Database) -> None:
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar().lower() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == SQLITE_BUSY_TIMEOUT_MS
        assert SQLITE_BUSY_TIMEOUT_MS > 0
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_foreign_keys_are_enforced(db: Database) -> None:
    from sqlalchemy.exc import IntegrityError

    from desktop_app.store.drafts import DraftRepository

    with pytest.raises(IntegrityError):
        with db.session() as session:
            DraftRepository(session).upsert(12345, "agent", "body")


@pytest.mark.sqlite_only
def test_reopening_is_a_noop_migration(db_url: str, tmp_path: Path) -> None:
    first = Database.open(db_url)
    with first.session() as session:
        session.execute(
            text(
                "INSERT INTO tickets (external_id, customer, channel, order_id, product, text, status, flagged,"
                " created_at, updated_at, version) VALUES ('X', '', '', '', '', 't', 'new', 0,"
                " '2024-01-01 00:00:00', '2024-01-01 00:00:00', 1)"
            )
        )
    first.close()
    second = Database.open(db_url)
    try:
        with second.session() as session:
            assert session.execute(text("SELECT external_id FROM tickets")).scalars().all() == ["X"]
    finally:
        second.close()
    assert (tmp_path / "t.db").is_file()


def test_open_creates_parent_folders(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "x.db"
    database = Database.open(f"sqlite:///{target}")
    database.close()
    assert target.is_file()


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
def test_new_database_file_is_owner_only(tmp_path: Path) -> None:
    """Customers' messages and phones live in it: 0600 like exports, whatever the umask."""
    target = tmp_path / "private.db"
    previous = os.umask(0)
    try:
        database = Database.open(f"sqlite:///{target}")
    finally:
        os.umask(previous)
    try:
        with database.session() as session:
            session.execute(text("SELECT 1"))
        files = [p for p in tmp_path.iterdir() if p.name.startswith("private.db")]
        assert {p.name for p in files} >= {"private.db", "private.db-wal", "private.db-shm"}
        assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in files} == {p.name: 0o600 for p in files}
    finally:
        database.close()


def test_session_rolls_back_on_error(db: Database, count_rows, make_ticket) -> None:
    from desktop_app.store.tickets import TicketRepository

    with pytest.raises(RuntimeError, match="boom"):
        with db.session() as session:
            TicketRepository(session).insert_many([make_ticket(1)])
            raise RuntimeError("boom")
    assert count_rows(db) == 0


def test_bad_url_is_a_database_error() -> None:
    with pytest.raises(DatabaseError, match="not a database URL"):
        Database.open("this is not a url")


def test_unmigratable_file_is_a_database_error(tmp_path: Path) -> None:
    bogus = tmp_path / "not-a-db.db"
    bogus.write_bytes(b"this is definitely not an SQLite file" * 100)
    with pytest.raises(DatabaseError, match="cannot open database"):
        Database.open(f"sqlite:///{bogus}")


@pytest.mark.sqlite_only
def test_url_names_the_file(db: Database, tmp_path: Path) -> None:
    assert db.url.startswith("sqlite:///")
    assert db.url.endswith("t.db")
    assert str(tmp_path) in db.url


def test_database_from_a_newer_version_is_refused(db_url: str, db: Database) -> None:
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    with pytest.raises(DatabaseError, match="cannot open database"):
        Database.open(db_url)


@pytest.mark.sqlite_only
def test_second_writer_waits_instead_of_failing(db_url: str, db: Database) -> None:
    """busy_timeout in action: a writer blocked by another's open transaction waits for it."""
    import threading
    import time

    other = Database.open(db_url)
    holder = db.engine.connect()
    try:
        holder.exec_driver_sql(
            "INSERT INTO tickets (external_id, customer, channel, order_id, product, text, status, flagged,"
            " created_at, updated_at, version) VALUES ('A', '', '', '', '', 't', 'new', 0,"
            " '2024-01-01 00:00:00', '2024-01-01 00:00:00', 1)"
        )  # the write lock is held until commit
        release = threading.Timer(0.5, holder.commit)
        release.start()
        started = time.perf_counter()
        with other.session() as session:
            session.execute(
                text(
                    "INSERT INTO tickets (external_id, customer, channel, order_id, product, text, status,"
                    " flagged, created_at, updated_at, version) VALUES ('B', '', '', '', '', 't', 'new', 0,"
                    " '2024-01-01 00:00:00', '2024-01-01 00:00:00', 1)"
                )
            )
        waited = time.perf_counter() - started
        release.join()
    finally:
        holder.close()
        other.close()
    assert waited >= 0.3
    with db.session() as session:
        assert sorted(session.execute(text("SELECT external_id FROM tickets")).scalars()) == ["A", "B"]
