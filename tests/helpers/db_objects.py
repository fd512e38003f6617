"""What the database holds beyond tables: the triggers a migration created (both backends)."""

from __future__ import annotations

from sqlalchemy import text

from desktop_app.store.database import Database


def trigger_names(db: Database) -> set[str]:
    with db.engine.connect() as connection:
        if db.engine.dialect.name == "sqlite":
            rows = connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
        else:
            rows = connection.execute(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"))
        return set(rows.scalars())
