"""Migration 0004: users and the append-only audit log (triggers refuse UPDATE and DELETE)."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from desktop_app.store import audit as audit_module
from desktop_app.store.audit import AuditRepository
from desktop_app.store.database import Database, alembic_config, create_db_engine
from desktop_app.store.schema import Base
from desktop_app.store.users import UserRepository


def _append(db: Database, **detail: object) -> int:
    with db.session() as session:
        return AuditRepository(session).append("主管老王", "reveal", 7, detail)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET actor = 'someone else'",
        "UPDATE audit_log SET detail = '{}' WHERE id = 1",
        "DELETE FROM audit_log",
        "DELETE FROM audit_log WHERE id = 1",
    ],
)
def test_audit_rows_cannot_be_changed_or_deleted_with_sql(db: Database, statement: str) -> None:
    _append(db, reason="核实地址")
    with pytest.raises(DBAPIError, match="audit log is append-only"):  # SQLite: IntegrityError; PostgreSQL: raised
        with db.engine.begin() as connection:
            connection.execute(text(statement))
    with db.session() as session:
        rows = AuditRepository(session).page(10)
    assert [(r.actor, r.action, r.ticket_id, r.detail) for r in rows] == [
        ("主管老王", "reveal", 7, {"reason": "核实地址"})
    ]


def test_metadata_created_schema_is_append_only_too(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'plain.db'}")
    Base.metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO audit_log (at, actor, action, detail) VALUES ('2024-01-01 00:00:00', 'a', 'x', '{}')")
        )
    with pytest.raises(IntegrityError, match="append-only"):
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM audit_log"))
    engine.dispose()


def test_repository_offers_no_update_or_delete() -> None:
    public = {name for name in dir(AuditRepository) if not name.startswith("_")}
    assert public == {"append", "count", "page"}
    assert not any(word in dir(audit_module) for word in ("delete", "update"))


def test_audit_page_is_newest_first_and_detail_is_json(db: Database) -> None:
    ids = [_append(db, n=i, 电话="x") for i in range(5)]
    with db.session() as session:
        repo = AuditRepository(session)
        assert repo.count() == 5
        page = repo.page(2, offset=1)
    assert [r.id for r in page] == [ids[3], ids[2]]
    assert page[0].detail == {"n": 3, "电话": "x"}


def test_users_names_are_unique_and_roles_checked(db: Database) -> None:
    with db.session() as session:
        UserRepository(session).add("amy", "agent", "scrypt$…")
    with pytest.raises(IntegrityError):
        with db.session() as session:
            UserRepository(session).add("amy", "supervisor", "scrypt$…")
    with pytest.raises(IntegrityError):
        with db.session() as session:
            UserRepository(session).add("bob", "admin", "scrypt$…")
    with db.session() as session:
        users = UserRepository(session)
        assert [u.name for u in users.all()] == ["amy"]
        assert users.count("agent") == 1 and users.count("supervisor") == 0
        users.set_role("amy", "supervisor")
        record = users.get("amy")
    assert record is not None and record.role == "supervisor" and record.disabled is False


def test_downgrade_to_0003_and_up_again_keeps_tickets(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'm.db'}")
    config = alembic_config(engine)
    command.upgrade(config, "head")
    assert {"users", "audit_log"} <= set(inspect(engine).get_table_names())
    command.downgrade(config, "0003")
    assert not {"users", "audit_log"} & set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        triggers = connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).all()
    assert triggers == []
    command.upgrade(config, "0004")
    with engine.connect() as connection:
        names = set(connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars())
    assert names == {"audit_log_no_update", "audit_log_no_delete"}
    engine.dispose()
