"""Creating and upgrading a SQLite database is all-or-nothing, and an upgrade keeps a copy.

The fault campaign of the hardening issue, kept: a failure is injected at every DDL
statement of a fresh creation and of an upgrade from 0003 (which holds tickets), and the
process is killed (SIGKILL) at a spread of them. Each time the database must still open,
migrate and hold its tickets. Before the fix 45 of 54 failure points left a file that
never opened again (pysqlite ran each CREATE in autocommit mode).
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, event, inspect, text

from desktop_app.store.database import (
    Database,
    alembic_config,
    create_db_engine,
    current_revision,
    head_revision,
    upgrade_to_head,
)

pytestmark = pytest.mark.sqlite_only

DDL_PREFIXES = ("CREATE", "ALTER", "DROP")
TICKETS = ("OLD-1", "OLD-2", "OLD-3")
INSERT = (
    "INSERT INTO tickets (external_id, customer, channel, order_id, product, text, status, flagged,"
    " created_at, updated_at, version) VALUES (:id, '', '', '', '', '我要退货', 'new', 0,"
    " '2024-01-01 00:00:00', '2024-01-01 00:00:00', 1)"
)
REPO_ROOT = Path(__file__).resolve().parents[2]


class InjectedFailure(RuntimeError):
    pass


def _is_ddl(statement: str) -> bool:
    return statement.lstrip().upper().startswith(DDL_PREFIXES)


@contextmanager
def _fail_at(engine: Engine, number: int | None) -> Iterator[list[str]]:
    """Raise before the ``number``-th DDL statement (1-based; None: never); yields the DDL seen."""
    seen: list[str] = []

    def before(_conn, _cursor, statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        if _is_ddl(statement):
            seen.append(statement)
            if len(seen) == number:
                raise InjectedFailure(f"injected failure at DDL statement {number}")

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


def _tickets(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        return [row[0] for row in connection.execute("SELECT external_id FROM tickets ORDER BY external_id")]


def _state(path: Path) -> tuple[str | None, list[str], list[str]]:
    """(revision, tables, tickets) as a fresh connection sees the file."""
    engine = create_db_engine(f"sqlite:///{path}")
    try:
        tables = sorted(inspect(engine).get_table_names())
        revision = current_revision(engine)
    finally:
        engine.dispose()
    return revision, tables, _tickets(path) if "tickets" in tables else []


@pytest.fixture(scope="module")
def at_0003(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database left at revision 0003 with three tickets (copied for each test)."""
    path = tmp_path_factory.mktemp("at-0003") / "old.db"
    engine = create_db_engine(f"sqlite:///{path}")
    command.upgrade(alembic_config(engine), "0003")
    with engine.begin() as connection:
        for external_id in TICKETS:
            connection.execute(text(INSERT), {"id": external_id})
    engine.dispose()  # the last connection closing folds the WAL back into the file
    return path


def _newest() -> str | None:
    """The head revision: every new migration moves it."""
    engine = create_db_engine("sqlite://")
    try:
        return head_revision(engine)
    finally:
        engine.dispose()


def _copy(source: Path, target: Path) -> Path:
    shutil.copyfile(source, target)
    return target


def _ddl_count(path: Path) -> int:
    engine = create_db_engine(f"sqlite:///{path}")
    try:
        with _fail_at(engine, None) as seen:
            upgrade_to_head(engine, backup=False)
    finally:
        engine.dispose()
    return len(seen)


@pytest.fixture(scope="module")
def create_points(tmp_path_factory: pytest.TempPathFactory) -> int:
    return _ddl_count(tmp_path_factory.mktemp("count") / "new.db")


@pytest.fixture(scope="module")
def upgrade_points(tmp_path_factory: pytest.TempPathFactory, at_0003: Path) -> int:
    return _ddl_count(_copy(at_0003, tmp_path_factory.mktemp("count") / "old.db"))


def test_there_are_dozens_of_failure_points(create_points: int, upgrade_points: int) -> None:
    assert create_points >= 40 and upgrade_points >= 8


def test_a_failure_at_any_ddl_statement_of_the_creation_leaves_an_empty_file_that_opens(
    tmp_path: Path, create_points: int
) -> None:
    for number in range(1, create_points + 1):
        path = tmp_path / f"new-{number}.db"
        engine = create_db_engine(f"sqlite:///{path}")
        with _fail_at(engine, number), pytest.raises(InjectedFailure):
            upgrade_to_head(engine)
        engine.dispose()
        assert _state(path) == (None, [], []), f"DDL statement {number} left half a schema"
        Database.open(f"sqlite:///{path}").close()  # and it opens, migrated, afterwards
        assert _state(path)[0] == _newest()


def test_a_failure_at_any_ddl_statement_of_an_upgrade_leaves_the_old_schema_and_its_tickets(
    tmp_path: Path, at_0003: Path, upgrade_points: int
) -> None:
    expected = _state(at_0003)
    assert expected[0] == "0003" and expected[2] == list(TICKETS)
    for number in range(1, upgrade_points + 1):
        path = _copy(at_0003, tmp_path / f"old-{number}.db")
        engine = create_db_engine(f"sqlite:///{path}")
        with _fail_at(engine, number), pytest.raises(InjectedFailure):
            upgrade_to_head(engine, backup=False)
        engine.dispose()
        assert _state(path) == expected, f"DDL statement {number} of the upgrade changed the database"
        db = Database.open(f"sqlite:///{path}")
        db.close()
        assert _state(path)[0] == _newest() and _state(path)[2] == list(TICKETS)


_KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from sqlalchemy import event
    from desktop_app.store.database import create_db_engine, upgrade_to_head

    path, number = sys.argv[1], int(sys.argv[2])
    engine = create_db_engine(f"sqlite:///{path}")
    seen = []

    @event.listens_for(engine, "before_cursor_execute")
    def before(_c, _cur, statement, *_):
        if statement.lstrip().upper().startswith(("CREATE", "ALTER", "DROP")):
            seen.append(statement)
            if len(seen) == number:
                os.kill(os.getpid(), signal.SIGKILL)

    upgrade_to_head(engine, backup=False)
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
@pytest.mark.parametrize("fraction", [0.0, 0.5, 1.0])
@pytest.mark.parametrize("start", ["create", "upgrade from 0003"])
def test_a_process_killed_in_the_middle_of_a_migration_leaves_a_database_that_opens(
    tmp_path: Path, at_0003: Path, create_points: int, upgrade_points: int, start: str, fraction: float
) -> None:
    if start == "create":
        path, points, tickets = tmp_path / "new.db", create_points, []
    else:
        path, points, tickets = _copy(at_0003, tmp_path / "old.db"), upgrade_points, list(TICKETS)
    before = _state(path) if path.exists() else (None, [], [])
    number = max(1, round(points * fraction))
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    result = subprocess.run(
        [sys.executable, "-c", _KILLER, str(path), str(number)], env=env, capture_output=True, timeout=120
    )
    assert result.returncode == -signal.SIGKILL, result.stderr.decode(errors="replace")
    assert _state(path) == before, f"killed at DDL statement {number}: the database changed"
    Database.open(f"sqlite:///{path}").close()
    assert _state(path)[0] == _newest() and _state(path)[2] == tickets


def test_an_upgrade_keeps_an_owner_only_copy_of_the_old_file(tmp_path: Path, at_0003: Path) -> None:
    path = _copy(at_0003, tmp_path / "aftersales.db")
    engine = create_db_engine(f"sqlite:///{path}")
    copy = upgrade_to_head(engine)
    engine.dispose()
    assert copy is not None and copy.parent == tmp_path
    assert copy.name.startswith("aftersales.db.before-upgrade-from-0003")
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert _state(copy) == _state(at_0003)  # the copy is the old database, tickets and all
    assert _state(path)[0] == _newest()


def test_no_copy_when_creating_or_when_already_up_to_date(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    assert upgrade_to_head(engine) is None
    assert upgrade_to_head(engine) is None
    assert current_revision(engine) == head_revision(engine)
    engine.dispose()
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".bak") == []
