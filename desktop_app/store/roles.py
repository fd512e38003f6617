"""PostgreSQL roles: the schema's owner runs migrations; the app connects as a role that may
only do the app's work.

The owner (who ran ``db upgrade``) owns every table, so it could ``ALTER TABLE audit_log
DISABLE TRIGGER …`` and rewrite history. The app role owns nothing and gets, table by
table, only what the app does: SELECT, INSERT, UPDATE, DELETE on its working tables (every
table not named below, ``ticket_presence`` of migration 0009 included);
SELECT and INSERT on ``audit_log`` (no UPDATE, DELETE or TRUNCATE); SELECT on
``alembic_version`` (the start-up check that the schema is current); the sequences its
inserts draw ids from. No CREATE on the schema, no TRUNCATE, REFERENCES or TRIGGER
anywhere. ``app_role_statements`` is the exact SQL (docs/postgresql.md shows it); running
it again after ``db upgrade`` grants the new tables. A password is sent as a SCRAM-SHA-256
verifier computed here, so the server (and its statement log) never sees it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import stringprep
import unicodedata
from dataclasses import dataclass

from sqlalchemy import Connection, text

APPEND_ONLY_TABLES = ("audit_log",)
READ_ONLY_TABLES = ("alembic_version",)
WORK_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"
APPEND_PRIVILEGES = "SELECT, INSERT"
SCRAM_ITERATIONS = 4096


class RoleSetupError(RuntimeError):
    """The roles cannot be set up as asked; the message says why."""


@dataclass(frozen=True, slots=True)
class RolePlan:
    role: str
    statements: list[str]  # the password, if any, shown as '…'


def quote_identifier(name: str) -> str:
    if not name or "\x00" in name:
        raise RoleSetupError("a role name must be non-empty text")
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _saslprep(password: str) -> str:
    """RFC 4013 as PostgreSQL applies it before hashing (non-ASCII spaces to spaces, the
    'commonly mapped to nothing' characters dropped, NFKC); plain ASCII is left alone."""
    if password.isascii():
        return password
    mapped = "".join(" " if stringprep.in_table_c12(c) else c for c in password if not stringprep.in_table_b1(c))
    return unicodedata.normalize("NFKC", mapped)


def scram_verifier(password: str, salt: bytes | None = None, iterations: int = SCRAM_ITERATIONS) -> str:
    """The ``SCRAM-SHA-256$…`` string PostgreSQL stores for ``password`` (RFC 5802/7677)."""
    salt = salt if salt is not None else os.urandom(16)
    salted = hashlib.pbkdf2_hmac("sha256", _saslprep(password).encode("utf-8"), salt, iterations)
    stored_key = hashlib.sha256(hmac.new(salted, b"Client Key", "sha256").digest()).digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode("ascii")

    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def app_role_statements(
    role: str, schema: str, database: str, tables: list[str], sequences: list[str], exists: bool, password: str | None
) -> tuple[list[str], list[str]]:
    """(the statements to run, the same with the password hidden) for the app role."""
    who = quote_identifier(role)
    options = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
    secret = f" PASSWORD {quote_literal(scram_verifier(password))}" if password is not None else ""
    shown = " PASSWORD '…'" if password is not None else ""
    head = f"{'ALTER' if exists else 'CREATE'} ROLE {who} {options}"
    in_schema = quote_identifier(schema)

    def qualified(name: str) -> str:
        return f"{in_schema}.{quote_identifier(name)}"

    body = [
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {in_schema} FROM {who}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {in_schema} FROM {who}",
        f"REVOKE CREATE ON SCHEMA {in_schema} FROM {who}",
        f"GRANT CONNECT ON DATABASE {quote_identifier(database)} TO {who}",
        f"GRANT USAGE ON SCHEMA {in_schema} TO {who}",
    ]
    for table in sorted(tables):
        if table in APPEND_ONLY_TABLES:
            body.append(f"GRANT {APPEND_PRIVILEGES} ON {qualified(table)} TO {who}")
        elif table in READ_ONLY_TABLES:
            body.append(f"GRANT SELECT ON {qualified(table)} TO {who}")
        else:
            body.append(f"GRANT {WORK_PRIVILEGES} ON {qualified(table)} TO {who}")
    body += [f"GRANT USAGE ON SEQUENCE {qualified(sequence)} TO {who}" for sequence in sorted(sequences)]
    return [head + secret, *body], [head + shown, *body]


def init_app_role(connection: Connection, role: str, password: str | None) -> RolePlan:
    """Create (or bring back to these rights) the app role, in ``connection``'s transaction,
    which must belong to the role owning the schema's tables (and may create roles)."""
    if connection.dialect.name != "postgresql":
        raise RoleSetupError("roles are a PostgreSQL matter: a SQLite file has no users")
    facts = text("SELECT current_user, current_schema(), current_database()")
    owner, schema, database = connection.execute(facts).one()
    if role == owner:
        raise RoleSetupError(f"the app role must not be the owner role {owner!r}: it would own audit_log")
    tables = list(
        connection.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = :schema ORDER BY tablename"), {"schema": schema}
        ).scalars()
    )
    if "audit_log" not in tables:
        raise RoleSetupError(f"no audit_log table in schema {schema!r}: run `aftersales db upgrade` as the owner first")
    row = connection.execute(
        text("SELECT rolsuper, pg_has_role(:role, :owner, 'MEMBER') FROM pg_roles WHERE rolname = :role"),
        {"role": role, "owner": owner},
    ).one_or_none()
    if row is not None and row[1]:
        raise RoleSetupError(f"role {role!r} is a member of the owner role {owner!r}, so it has the owner's rights")
    owned = connection.execute(
        text("SELECT count(*) FROM pg_tables WHERE tableowner = :role"), {"role": role}
    ).scalar()
    if owned:
        raise RoleSetupError(f"role {role!r} owns {owned} table(s): an app role must own none")
    sequences = list(
        connection.execute(
            text("SELECT sequencename FROM pg_sequences WHERE schemaname = :schema"), {"schema": schema}
        ).scalars()
    )
    run, shown = app_role_statements(role, schema, database, tables, sequences, row is not None, password)
    for statement in run:
        connection.exec_driver_sql(statement.replace("%", "%%"))
    return RolePlan(role, shown)
