"""``aftersales db init-roles``: the app role's SQL is printed (password hidden) and works."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from desktop_app.cli.main import EXIT_BAD_INPUT, main
from desktop_app.store.database import Database

pytestmark = pytest.mark.both_backends


@pytest.fixture
def role(db: Database, db_backend: str) -> Iterator[str]:
    name = f"aftersales_cli_{uuid.uuid4().hex[:10]}"
    yield name
    if db_backend == "postgresql":
        with db.engine.begin() as connection:
            if connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first():
                connection.exec_driver_sql(f'DROP OWNED BY "{name}"')
                connection.exec_driver_sql(f'DROP ROLE "{name}"')


def _run(  # type: ignore[no-untyped-def]
    args: list[str], stdin: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    status = main(args)
    out, err = capsys.readouterr()
    return status, out, err


def test_init_roles_creates_a_role_that_cannot_rewrite_the_audit_log(
    db: Database, db_url: str, db_backend: str, role: str, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    args = ["db", "init-roles", "--owner-url", db_url, "--app-role", role, "--password-stdin"]
    status, out, err = _run(args, "s3cret-pass\n", monkeypatch, capsys)
    if db_backend == "sqlite":
        assert status == EXIT_BAD_INPUT and "PostgreSQL" in err
        return
    assert status == 0, err
    assert f'CREATE ROLE "{role}" LOGIN NOSUPERUSER' in out and "PASSWORD '…'" in out
    assert "s3cret-pass" not in out + err and "SCRAM" not in out
    assert f'GRANT SELECT, INSERT ON "public"."audit_log" TO "{role}";' in out
    app_url = make_url(db_url).set(username=role, password="s3cret-pass")
    engine = create_engine(app_url)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM tickets")).scalar() == 0
            with pytest.raises(Exception, match="permission denied"):
                connection.exec_driver_sql("DELETE FROM audit_log")
    finally:
        engine.dispose()


def test_init_roles_needs_a_password_line_when_asked(
    db: Database, db_url: str, role: str, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    args = ["db", "init-roles", "--owner-url", db_url, "--app-role", role, "--password-stdin"]
    status, _out, err = _run(args, "", monkeypatch, capsys)
    assert status == EXIT_BAD_INPUT and ("stdin" in err or "PostgreSQL" in err)
