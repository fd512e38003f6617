"""Migration 0007: PostgreSQL's change triggers (NOTIFY); nothing on SQLite."""

from __future__ import annotations

from alembic import command
from helpers.db_objects import trigger_names
from sqlalchemy import text

from desktop_app.store.database import Database, alembic_config

NOTIFY_TRIGGERS = {
    f"{table}_notify_{event}"
    for table in ("tickets", "messages", "ticket_tags", "drafts")
    for event in ("insert", "update", "delete")
}


def _triggers(db: Database) -> set[str]:
    return trigger_names(db)


def test_notify_triggers_only_on_postgresql(db: Database) -> None:
    present = _triggers(db) & NOTIFY_TRIGGERS
    assert present == (NOTIFY_TRIGGERS if db.engine.dialect.name == "postgresql" else set())


def test_downgrade_removes_them_and_upgrade_restores_them(db: Database) -> None:
    config = alembic_config(db.engine)
    command.downgrade(config, "0006")
    assert not _triggers(db) & NOTIFY_TRIGGERS
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as connection:
            left = connection.execute(text("SELECT count(*) FROM pg_proc WHERE proname = 'aftersales_notify_change'"))
            assert left.scalar_one() == 0
    command.upgrade(config, "0007")
    assert (_triggers(db) & NOTIFY_TRIGGERS) == (NOTIFY_TRIGGERS if db.engine.dialect.name == "postgresql" else set())
