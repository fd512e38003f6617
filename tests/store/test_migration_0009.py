"""Migration 0009: the ``ticket_presence`` table, and on PostgreSQL its NOTIFY triggers."""

from __future__ import annotations

from alembic import command
from helpers.db_objects import trigger_names
from sqlalchemy import inspect

from desktop_app.store.database import Database, alembic_config

PRESENCE_TRIGGERS = {f"ticket_presence_notify_{event}" for event in ("insert", "update", "delete")}


def _triggers(db: Database) -> set[str]:
    return trigger_names(db)


def _expected_triggers(db: Database) -> set[str]:
    return PRESENCE_TRIGGERS if db.engine.dialect.name == "postgresql" else set()


def test_presence_table_and_its_triggers(db: Database) -> None:
    inspector = inspect(db.engine)
    assert "ticket_presence" in inspector.get_table_names()
    assert inspector.get_pk_constraint("ticket_presence")["constrained_columns"] == ["ticket_id", "user_name"]
    (foreign_key,) = inspector.get_foreign_keys("ticket_presence")
    assert foreign_key["referred_table"] == "tickets" and foreign_key["options"].get("ondelete") == "CASCADE"
    assert _triggers(db) & PRESENCE_TRIGGERS == _expected_triggers(db)


def test_downgrade_drops_it_and_upgrade_brings_it_back(db: Database) -> None:
    config = alembic_config(db.engine)
    command.downgrade(config, "0008")
    assert "ticket_presence" not in inspect(db.engine).get_table_names()
    assert not _triggers(db) & PRESENCE_TRIGGERS
    command.upgrade(config, "0009")
    assert "ticket_presence" in inspect(db.engine).get_table_names()
    assert _triggers(db) & PRESENCE_TRIGGERS == _expected_triggers(db)
