"""The audit log's hash chain: every row linked to the one before it, and ``verify_chain``
finding the first row changed, removed, inserted or replaced behind the app's back.

The tampering is done the way the fault campaign did it: raw SQL on the file, with the
append-only triggers dropped (SQLite) or disabled (PostgreSQL, as the superuser the
tests connect as) first, since they refuse it otherwise.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from desktop_app.store.audit import AuditRepository, verify_chain
from desktop_app.store.audit_chain import GENESIS, chain_hash
from desktop_app.store.database import Database, alembic_config, create_db_engine


def _append(
    db: Database, actor: str = "主管老王", action: str = "reveal", ticket_id: int | None = 7, **detail: object
) -> int:
    with db.session() as session:
        return AuditRepository(session).append(actor, action, ticket_id, detail)


def _verify(db: Database):  # type: ignore[no-untyped-def]
    with db.session() as session:
        return verify_chain(session)


@contextmanager
def _behind_the_apps_back(db: Database) -> Iterator[Connection]:
    """A raw connection with the append-only triggers out of the way (restored after)."""
    with db.engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            for name in ("audit_log_no_update", "audit_log_no_delete", "audit_log_no_replace"):
                connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        else:
            connection.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
        yield connection
        if connection.dialect.name != "sqlite":
            connection.exec_driver_sql("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")


@pytest.fixture
def five(db: Database) -> list[int]:
    return [_append(db, n=i, reason=f"第{i}次") for i in range(5)]


def test_each_row_is_chained_to_the_one_before(db: Database, five: list[int]) -> None:
    with db.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT id, at, actor, action, ticket_id, detail, prev_hash, row_hash FROM audit_log ORDER BY id")
        ).all()
    assert [row.id for row in rows] == five
    previous = GENESIS
    for row in rows:
        at = row.at if isinstance(row.at, datetime) else datetime.fromisoformat(row.at)
        assert row.prev_hash == previous
        assert row.row_hash == chain_hash(previous, at, row.actor, row.action, row.ticket_id, row.detail)
        previous = row.row_hash
    report = _verify(db)
    assert report.ok and report.rows == 5 and report.bad_id is None


def test_an_empty_log_verifies(db: Database) -> None:
    report = _verify(db)
    assert report.ok and report.rows == 0


def test_a_changed_row_is_found(db: Database, five: list[int]) -> None:
    with _behind_the_apps_back(db) as connection:
        connection.execute(text("UPDATE audit_log SET actor = '客服小美' WHERE id = :id"), {"id": five[2]})
    report = _verify(db)
    assert (report.ok, report.bad_id, report.rows) == (False, five[2], 2)
    assert "changed" in report.problem


def test_a_changed_row_with_its_hash_recomputed_breaks_the_next_link(db: Database, five: list[int]) -> None:
    with _behind_the_apps_back(db) as connection:
        row = connection.execute(text("SELECT at, prev_hash FROM audit_log WHERE id = :id"), {"id": five[1]}).one()
        at = row.at if isinstance(row.at, datetime) else datetime.fromisoformat(row.at)
        forged = chain_hash(row.prev_hash, at, "冒充者", "reveal", 7, "{}")
        connection.execute(
            text("UPDATE audit_log SET actor = '冒充者', detail = '{}', row_hash = :h WHERE id = :id"),
            {"h": forged, "id": five[1]},
        )
    report = _verify(db)
    assert (report.ok, report.bad_id) == (False, five[2])
    assert f"does not follow row {five[1]}" in report.problem


def test_a_deleted_row_is_found(db: Database, five: list[int]) -> None:
    with _behind_the_apps_back(db) as connection:
        connection.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": five[3]})
    report = _verify(db)
    assert (report.ok, report.bad_id) == (False, five[4])
    assert "missing" in report.problem


def test_deleting_the_first_rows_is_found(db: Database, five: list[int]) -> None:
    with _behind_the_apps_back(db) as connection:
        connection.execute(text("DELETE FROM audit_log WHERE id <= :id"), {"id": five[1]})
    report = _verify(db)
    assert (report.ok, report.bad_id, report.rows) == (False, five[2], 0)
    assert "start of the chain" in report.problem


def test_a_row_inserted_with_raw_sql_is_found(db: Database, five: list[int]) -> None:
    with db.engine.begin() as connection:  # inserting needs no trigger lifted
        connection.execute(
            text("INSERT INTO audit_log (at, actor, action, detail) VALUES (:at, 'x', 'reveal', '{}')"),
            {"at": datetime(2024, 1, 1)},
        )
    report = _verify(db)
    assert not report.ok and "no hash" in report.problem


def test_a_dropped_table_is_reported(db: Database, five: list[int]) -> None:
    with db.engine.begin() as connection:  # DROP TABLE passes every trigger on both backends
        connection.exec_driver_sql("DROP TABLE audit_log")
    report = _verify(db)
    assert not report.ok and "missing" in report.problem


ROW = "VALUES ({id}, '2024-01-01', 'x', 'y', '{{}}')"


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    "statement",
    [
        "INSERT OR REPLACE INTO audit_log (id, at, actor, action, detail) " + ROW,
        "REPLACE INTO audit_log (id, at, actor, action, detail) " + ROW,
        "INSERT INTO audit_log (id, at, actor, action, detail) " + ROW + " ON CONFLICT (id) DO UPDATE SET actor = 'x'",
    ],
)
def test_sqlite_refuses_a_replace_over_an_existing_row(db: Database, five: list[int], statement: str) -> None:
    with pytest.raises(DBAPIError, match="append-only"):
        with db.engine.begin() as connection:
            connection.exec_driver_sql(statement.format(id=five[1]))
    assert _verify(db).ok


def test_appends_from_many_threads_form_one_chain(db: Database) -> None:
    """Each append reads the newest hash and adds a row under a lock: no two rows share a predecessor."""
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def worker(n: int) -> None:
        try:
            start.wait()
            for i in range(15):
                with db.session() as session:
                    AuditRepository(session).append(f"agent{n}", "reveal", i, {"n": n})
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    report = _verify(db)
    assert report.ok and report.rows == 90, report.problem


@pytest.mark.sqlite_only
def test_migration_0006_chains_the_rows_written_before_it(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'm.db'}")
    config = alembic_config(engine)
    command.upgrade(config, "0005")
    with engine.begin() as connection:
        for n in range(3):
            connection.execute(
                text(
                    "INSERT INTO audit_log (at, actor, action, ticket_id, detail)"
                    " VALUES (:at, :a, 'reveal', :t, '{}')"
                ),
                {"at": datetime(2024, 5, 1, 8, n, 0, 1234), "a": f"主管{n}", "t": n},
            )
    command.upgrade(config, "head")
    engine.dispose()
    db = Database.open(f"sqlite:///{tmp_path / 'm.db'}")
    try:
        report = _verify(db)
        assert report.ok and report.rows == 3
        _append(db, "主管老王", "export", None)
        assert _verify(db).rows == 4
        with pytest.raises(DBAPIError, match="append-only"):  # the triggers are back after the backfill
            with db.engine.begin() as connection:
                connection.exec_driver_sql("UPDATE audit_log SET actor = 'x'")
        with db.engine.connect() as connection:
            names = set(
                connection.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"
                ).scalars()
            )
        assert names == {"audit_log_no_update", "audit_log_no_delete", "audit_log_no_replace"}
    finally:
        db.close()
