"""Migration 0002: tag scores, flag reasons, tagged_at and the partial "untagged" index."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text

from desktop_app.store.database import Database, alembic_config, create_db_engine

NEW_COLUMNS = {"tag_scores", "flag_reasons", "tagged_at"}
SORT_INDEXES = {f"ix_tickets_sort_{name}" for name in ("waiting_since", "intent", "sentiment", "assignee")}
INSERT = (
    "INSERT INTO tickets (external_id, customer, channel, order_id, product, text, status, flagged,"
    " created_at, updated_at, version, intent) VALUES ('{id}', '', '', '', '', '我要投诉', 'new', 0,"
    " '2024-01-01 00:00:00', '2024-01-01 00:00:00', 3, 'complaint')"
)


def _columns(engine) -> set[str]:  # type: ignore[no-untyped-def]
    return {c["name"] for c in inspect(engine).get_columns("tickets")}


def _indexes(engine) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT name, sql FROM sqlite_master WHERE type='index' AND tbl_name='tickets'"))
        return {name: sql or "" for name, sql in rows}


def test_upgrade_from_0001_keeps_data_and_adds_columns(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'm.db'}")
    config = alembic_config(engine)
    command.upgrade(config, "0001")
    assert not NEW_COLUMNS & _columns(engine)
    with engine.begin() as connection:
        connection.execute(text(INSERT.format(id="OLD-1")))

    command.upgrade(config, "0002")
    assert NEW_COLUMNS <= _columns(engine)
    indexes = _indexes(engine)
    assert "tagged_at IS NULL" in indexes["ix_tickets_untagged"]
    assert SORT_INDEXES <= set(indexes)
    with engine.connect() as connection:
        row = connection.execute(text("SELECT external_id, version, intent, tagged_at FROM tickets")).one()
    assert tuple(row) == ("OLD-1", 3, "complaint", None)  # an old row counts as untagged
    engine.dispose()


def test_downgrade_to_0001_and_up_again(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    Database.open(url).close()  # head
    engine = create_db_engine(url)
    config = alembic_config(engine)
    with engine.begin() as connection:
        connection.execute(text(INSERT.format(id="KEEP-1")))
        connection.execute(text("UPDATE tickets SET tag_scores = '{}', tagged_at = '2024-01-02 00:00:00'"))

    command.downgrade(config, "0001")  # warnings are errors: nothing is silently lost on the way
    assert not NEW_COLUMNS & _columns(engine)
    indexes = _indexes(engine)
    assert "ix_tickets_untagged" not in indexes
    assert SORT_INDEXES <= set(indexes)  # the expression indexes survive the table copy
    for name in SORT_INDEXES:
        assert "IS NULL" in indexes[name]
    with engine.connect() as connection:
        assert connection.execute(text("SELECT external_id, intent FROM tickets")).one() == ("KEEP-1", "complaint")

    command.upgrade(config, "head")
    assert NEW_COLUMNS <= _columns(engine)
    engine.dispose()


@pytest.mark.sqlite_only  # reads SQLite's EXPLAIN QUERY PLAN
def test_untagged_query_uses_the_partial_index(db: Database) -> None:
    from sqlalchemy import select

    from desktop_app.store.schema import Ticket

    statement = select(Ticket.id).where(Ticket.tagged_at.is_(None)).order_by(Ticket.created_at, Ticket.id).limit(32)
    with db.engine.connect() as connection:
        compiled = statement.compile(connection, compile_kwargs={"literal_binds": True})
        plan = " ".join(str(row[-1]) for row in connection.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
    assert "ix_tickets_untagged" in plan
    assert "TEMP B-TREE" not in plan  # the index order is the wanted order: no sort step
