"""The PostgreSQL half of the store and services tests.

``AFTERSALES_TEST_PG_URL`` names a server where the tests may create databases (a
superuser's URL; ``scripts/with_postgres.sh`` starts a throwaway one and exports it). Once
per session a template database is migrated to the newest schema; every test then gets a
database of its own cloned from it (``CREATE DATABASE … TEMPLATE``: some 25 ms on the CI
server, against 300 ms for running the migrations) and dropped afterwards. Without the
URL the PostgreSQL half is skipped, except under ``CI=true``, where it must run.
"""

from __future__ import annotations

import importlib.util
import itertools
import os

import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url

PG_URL_ENV_VAR = "AFTERSALES_TEST_PG_URL"


def must_run() -> bool:
    """Under CI the PostgreSQL half is part of the suite: a missing server is an error."""
    return os.environ.get("CI", "").lower() == "true"


def unavailable(reason: str) -> None:
    """Skip (locally) or fail (CI) a test that needs the server."""
    if must_run():
        pytest.fail(f"CI=true needs the PostgreSQL half of the tests: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL half skipped: {reason}")


def backend_params() -> list:  # type: ignore[type-arg]
    """The ``db_backend`` parameters. Without a server (and not under CI) the PostgreSQL
    ones carry a skip mark, so the summary folds them into one line per file."""
    reason = None
    if not must_run():
        if not os.environ.get(PG_URL_ENV_VAR):
            reason = f"set {PG_URL_ENV_VAR} to a PostgreSQL superuser URL (scripts/with_postgres.sh starts one)"
        elif importlib.util.find_spec("psycopg") is None:
            reason = "the psycopg driver is not installed (pip install -e '.[postgres]')"
    marks = [pytest.mark.skip(reason=f"PostgreSQL half skipped: {reason}")] if reason else []
    return ["sqlite", pytest.param("postgresql", marks=marks)]


class PostgresTestServer:
    """Creates and drops the per-test databases on one server."""

    def __init__(self, url: str) -> None:
        self._base = make_url(url)
        self._admin: Engine = create_engine(self._base, isolation_level="AUTOCOMMIT")
        prefix = f"aftersales_test_{os.getpid()}"
        self.template = f"{prefix}_template"
        self._names = (f"{prefix}_{n}" for n in itertools.count(1))

    @classmethod
    def from_environment(cls) -> PostgresTestServer:
        url = os.environ.get(PG_URL_ENV_VAR)
        if not url:
            unavailable(f"set {PG_URL_ENV_VAR} to a PostgreSQL superuser URL (scripts/with_postgres.sh starts one)")
        try:
            import psycopg  # noqa: F401
        except ImportError:
            unavailable("the psycopg driver is not installed (pip install -e '.[postgres]')")
        server = cls(url)  # type: ignore[arg-type]
        try:
            server._prepare_template()
        except Exception as exc:  # noqa: BLE001 - the reason is the message
            server.close()
            unavailable(f"cannot prepare a database on {server._base.render_as_string()}: {exc}")
        return server

    def url_of(self, database: str) -> str:
        return self._base.set(database=database).render_as_string(hide_password=False)

    def _execute(self, sql: str) -> None:
        with self._admin.connect() as connection:
            connection.exec_driver_sql(sql)

    def _prepare_template(self) -> None:
        from desktop_app.store.database import create_db_engine, upgrade_to_head

        self._execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
        self._execute(f'CREATE DATABASE "{self.template}"')
        engine = create_db_engine(self.url_of(self.template))
        try:
            upgrade_to_head(engine)
        finally:
            engine.dispose()

    def create_database(self) -> str:
        """A new database at the newest schema; returns its name."""
        name = next(self._names)
        # FILE_COPY: a plain copy of the (tiny) template, much quicker than WAL_LOG's page by page.
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}" STRATEGY FILE_COPY')
        return name

    def drop_database(self, name: str) -> None:
        """FORCE ends connections a test left open (another Database, a child process)."""
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        try:
            self._execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
        finally:
            self._admin.dispose()
