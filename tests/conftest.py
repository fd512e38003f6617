"""Shared fixtures for the store, services and CLI tests (no Qt here: tests/ui has its own).

Every test gets its own SQLite file under ``tmp_path``; nothing touches the user's data folder.
The store and services tests (and any marked ``both_backends``) run a second time on a
PostgreSQL database of their own (``helpers.postgres``), unless marked ``sqlite_only``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from desktop_app.config import DATA_DIR_ENV_VAR, DB_ENV_VAR, DRAFTER_MODEL_ENV_VAR, TAGGER_MODEL_ENV_VAR
from desktop_app.store.database import Database
from desktop_app.domain.records import MessageRecord, NewTicket
from desktop_app.store.schema import Ticket
from desktop_app.store.tickets import TicketRepository
from helpers.postgres import PostgresTestServer, backend_params

BASE_TIME = datetime(2024, 5, 1, 8, 0, 0)


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may fall back on the real user data folder, a database named in the environment,
    or a tagger in models/ (tests that want one use ``toy_tagger_dir``)."""
    monkeypatch.setenv(DATA_DIR_ENV_VAR, str(tmp_path_factory.mktemp("user-data")))
    monkeypatch.delenv(DB_ENV_VAR, raising=False)
    monkeypatch.setenv(TAGGER_MODEL_ENV_VAR, str(tmp_path_factory.getbasetemp() / "no-tagger-installed"))
    monkeypatch.setenv(DRAFTER_MODEL_ENV_VAR, str(tmp_path_factory.getbasetemp() / "no-drafter-installed"))


@pytest.fixture(scope="session")
def _toy_tagger_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from helpers.toy_tagger import build_toy_tagger

    return build_toy_tagger(tmp_path_factory.mktemp("toy-tagger-master") / "tagger")


@pytest.fixture
def toy_tagger_dir(_toy_tagger_master: Path, tmp_path: Path) -> Path:
    """A fresh copy of the toy tagger folder (tests may damage it)."""
    import shutil

    return Path(shutil.copytree(_toy_tagger_master, tmp_path / "tagger"))


@pytest.fixture(scope="session")
def toy_tagger(_toy_tagger_master: Path):  # type: ignore[no-untyped-def]
    """The toy tagger, loaded once per session (read-only use)."""
    from desktop_app.nlp.tagging.tagger import TicketTagger

    return TicketTagger.load(_toy_tagger_master, threads=1)


BOTH_BACKEND_DIRS = ("store", "services")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: asserts SQLite specifics; not run on PostgreSQL")
    config.addinivalue_line("markers", "both_backends: run on PostgreSQL too (store and services tests always do)")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests that use a database run on SQLite and on PostgreSQL (see ``helpers.postgres``)."""
    if "db_backend" not in metafunc.fixturenames:
        return
    folder = metafunc.definition.path.relative_to(Path(__file__).parent).parts[0]
    wanted = folder in BOTH_BACKEND_DIRS or metafunc.definition.get_closest_marker("both_backends") is not None
    if wanted and metafunc.definition.get_closest_marker("sqlite_only") is None:
        metafunc.parametrize("db_backend", backend_params())


@pytest.fixture
def db_backend(request: pytest.FixtureRequest) -> str:
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def _postgres_server() -> Iterator[PostgresTestServer]:
    server = PostgresTestServer.from_environment()
    yield server
    server.close()


@pytest.fixture
def db_url(db_backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    if db_backend == "sqlite":
        yield f"sqlite:///{tmp_path}/t.db"
        return
    server: PostgresTestServer = request.getfixturevalue("_postgres_server")
    name = server.create_database()
    yield server.url_of(name)
    server.drop_database(name)


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database.open(db_url)
    try:
        yield database
    finally:
        database.close()


def _make_ticket(
    number: int,
    *,
    text: str | None = None,
    created_at: datetime | None = None,
    customer: str = "",
    channel: str = "淘宝",
    order_id: str = "",
    product: str = "",
    status: str = "new",
    assignee: str | None = None,
    messages: tuple[MessageRecord, ...] = (),
    external_id: str | None = None,
) -> NewTicket:
    return NewTicket(
        external_id=external_id or f"T-{number:05d}",
        text=text if text is not None else f"工单 {number} 的问题",
        created_at=created_at or BASE_TIME + timedelta(minutes=number),
        customer=customer or f"买家{number}",
        channel=channel,
        order_id=order_id,
        product=product,
        status=status,
        assignee=assignee,
        messages=messages,
    )


def _insert_tickets(db: Database, tickets: list[NewTicket]) -> dict[str, int]:
    """Insert ``tickets``; return external id -> database id."""
    with db.session() as session:
        TicketRepository(session).insert_many(tickets)
        rows = session.execute(
            select(Ticket.external_id, Ticket.id).where(Ticket.external_id.in_([t.external_id for t in tickets]))
        )
        return dict(rows.all())


def _set_columns(db: Database, ticket_id: int, **values: object) -> None:
    """Write columns directly (e.g. tags, which a tagging service would set)."""
    with db.session() as session:
        session.execute(update(Ticket).where(Ticket.id == ticket_id).values(**values))


def _count_rows(db: Database, table: type = Ticket) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


@pytest.fixture
def make_ticket() -> Callable[..., NewTicket]:
    """``make_ticket(number, **fields)``: a valid NewTicket with defaults derived from ``number``."""
    return _make_ticket


@pytest.fixture
def add_tickets(db: Database) -> Callable[[list[NewTicket]], dict[str, int]]:
    """``add_tickets([...])`` inserts into ``db`` and returns external id -> database id."""
    return lambda tickets: _insert_tickets(db, tickets)


@pytest.fixture
def set_columns(db: Database) -> Callable[..., None]:
    """``set_columns(ticket_id, intent=..., flagged=...)`` writes columns directly."""
    return lambda ticket_id, **values: _set_columns(db, ticket_id, **values)


@pytest.fixture
def count_rows() -> Callable[..., int]:
    """``count_rows(db, table=Ticket)``."""
    return _count_rows


@pytest.fixture(scope="session")
def toy_drafter_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A verified drafter folder (random 2-layer Qwen2, fp32) built by the real builder; needs torch."""
    pytest.importorskip("torch", reason="building a toy drafter needs the [train] extras (torch)")
    from helpers.toy_drafter import build_toy_drafter

    return build_toy_drafter(tmp_path_factory.mktemp("toy-drafter") / "drafter")


@pytest.fixture(scope="session")
def toy_drafter(toy_drafter_dir: Path):  # type: ignore[no-untyped-def]
    from desktop_app.nlp.drafting.drafter import ReplyDrafter

    return ReplyDrafter.load(toy_drafter_dir, threads=1)


@pytest.fixture(scope="session")
def foreign_drafter_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random Llama with its own vocabulary and a chat template: the drop-in model."""
    pytest.importorskip("torch", reason="building a toy drafter needs the [train] extras (torch)")
    from helpers.toy_drafter import build_foreign_drafter

    return build_foreign_drafter(tmp_path_factory.mktemp("foreign-drafter") / "drafter")
