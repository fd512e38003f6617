"""The app's PostgreSQL role (``store.roles``): it does the app's work and cannot touch the
audit log's history; SQLite has no roles and says so."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from desktop_app.domain.clock import utcnow
from desktop_app.store.audit import AuditRepository
from desktop_app.store.claims import ClaimRepository
from desktop_app.store.database import Database
from desktop_app.store.presence import PresenceRepository
from desktop_app.store.roles import RoleSetupError, init_app_role, scram_verifier
from desktop_app.store.schema import AuditEntry, Ticket
from desktop_app.store.tickets import TicketRepository


@pytest.fixture
def app_role(db: Database, db_backend: str) -> Iterator[str]:
    if db_backend != "postgresql":
        pytest.skip("roles are PostgreSQL's (the SQLite refusal has its own test)")
    name = f"aftersales_app_{uuid.uuid4().hex[:10]}"
    yield name
    with db.engine.begin() as connection:  # roles are the cluster's: remove it again
        connection.exec_driver_sql(f'DROP OWNED BY "{name}"')
        connection.exec_driver_sql(f'DROP ROLE IF EXISTS "{name}"')


@pytest.fixture
def app_db(db: Database, app_role: str, db_url: str) -> Iterator[Database]:
    with db.engine.begin() as connection:
        init_app_role(connection, app_role, None)
    database = Database.open(make_url(db_url).set(username=app_role).render_as_string(hide_password=False))
    yield database
    database.close()


def _denied(app_db: Database, sql: str) -> str:
    with pytest.raises(DBAPIError) as caught, app_db.engine.begin() as connection:
        connection.exec_driver_sql(sql)
    return str(caught.value.orig)


def test_sqlite_has_no_roles(db: Database, db_backend: str) -> None:
    if db_backend != "sqlite":
        pytest.skip("the SQLite refusal")
    with pytest.raises(RoleSetupError, match="PostgreSQL"), db.engine.begin() as connection:
        init_app_role(connection, "app", None)


def test_app_role_does_the_apps_work(app_db: Database, make_ticket) -> None:  # type: ignore[no-untyped-def]
    now = utcnow()
    with app_db.session() as session:
        TicketRepository(session).insert_many([make_ticket(1), make_ticket(2)])
        AuditRepository(session).append("客服小美", "reveal", None, {"why": "test"})
    with app_db.session() as session:
        claim = ClaimRepository(session).claim_next("客服小美", ["new", "open"], now, now + timedelta(minutes=5))
    assert claim is not None
    with app_db.session() as session:  # presence: insert, the heartbeat's upsert, delete
        presence = PresenceRepository(session)
        presence.mark(claim.ticket_id, "客服小李", now, now + timedelta(seconds=90))
        presence.mark(claim.ticket_id, "客服小李", now, now + timedelta(seconds=120))
        assert [p.user_name for p in presence.live(claim.ticket_id, now)] == ["客服小李"]
        assert presence.remove_all("客服小李") == [claim.ticket_id]
    with app_db.session() as session:
        assert session.scalar(select(func.count()).select_from(Ticket)) == 2
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 1
    app_db.refresh_statistics()  # ANALYZE through the owner's function


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_log SET actor = 'x'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ],
)
def test_app_role_may_not_rewrite_the_audit_log(app_db: Database, sql: str) -> None:
    # Refused for want of the privilege, before the append-only trigger is even asked.
    assert "permission denied" in _denied(app_db, sql)


def test_app_role_may_not_switch_off_the_audit_triggers(app_db: Database) -> None:
    assert "must be owner" in _denied(app_db, "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")


def test_app_role_owns_nothing_and_creates_nothing(app_db: Database, app_role: str) -> None:
    assert "permission denied" in _denied(app_db, "CREATE TABLE sneaky (id int)")
    assert "permission denied" in _denied(app_db, "UPDATE alembic_version SET version_num = '0001'")
    with app_db.engine.connect() as connection:
        owned = connection.execute(
            text("SELECT count(*) FROM pg_tables WHERE tableowner = :role"), {"role": app_role}
        ).scalar()
    assert owned == 0


def test_init_roles_is_repeatable_and_refuses_the_owner(db: Database, app_role: str) -> None:
    with db.engine.begin() as connection:
        init_app_role(connection, app_role, "first-pass")
    with db.engine.begin() as connection:
        plan = init_app_role(connection, app_role, "second-pass")  # ALTER, not a second CREATE
    assert plan.statements[0].startswith(f'ALTER ROLE "{app_role}"') and "second-pass" not in plan.statements[0]
    with db.engine.connect() as connection:
        owner = connection.execute(text("SELECT current_user")).scalar()
    with pytest.raises(RoleSetupError, match="owner"), db.engine.begin() as connection:
        init_app_role(connection, owner, None)


@pytest.mark.parametrize("password", ["correct horse", "退款密码\u3000ｘ"])
def test_password_verifier_is_the_one_postgresql_computes(db: Database, app_role: str, password: str) -> None:
    """The server's own SCRAM verifier for the password, recomputed with its salt, matches
    ours: the app role can log in with the password although the server never saw it."""
    with db.engine.begin() as connection:
        connection.exec_driver_sql("SET LOCAL password_encryption = 'scram-sha-256'")
        connection.exec_driver_sql(f"CREATE ROLE \"{app_role}\" PASSWORD '{password}'")
        stored = connection.execute(
            text("SELECT rolpassword FROM pg_authid WHERE rolname = :role"), {"role": app_role}
        ).scalar()
    iterations, salt = stored.split("$")[1].split(":")
    assert scram_verifier(password, base64.b64decode(salt), int(iterations)) == stored
    with db.engine.begin() as connection:
        init_app_role(connection, app_role, password)
        ours = connection.execute(
            text("SELECT rolpassword FROM pg_authid WHERE rolname = :role"), {"role": app_role}
        ).scalar()
    assert ours.startswith("SCRAM-SHA-256$4096:") and ours != stored  # a fresh salt


def test_the_documented_sql_is_what_init_roles_runs() -> None:
    """docs/postgresql.md shows the statements for the current schema; a new table must show up there."""
    from pathlib import Path

    from desktop_app.store.roles import app_role_statements
    from desktop_app.store.schema import Base

    doc = (Path(__file__).parents[2] / "docs" / "postgresql.md").read_text(encoding="utf-8")
    block = doc.split("```sql\n", 1)[1].split("```", 1)[0]
    skipped = ("--", "CREATE ROLE")
    documented = [line.rstrip(";") for line in block.splitlines() if line and not line.startswith(skipped)]
    tables = [*Base.metadata.tables, "alembic_version"]
    # Tables with an integer id draw it from a sequence; ticket_presence (a composite key) has none.
    sequences = [f"{name}_id_seq" for name, table in Base.metadata.tables.items() if "id" in table.c]
    _, shown = app_role_statements("aftersales_app", "public", "aftersales", tables, sequences, False, None)
    assert documented == shown[1:]
