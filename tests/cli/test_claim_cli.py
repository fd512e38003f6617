"""``aftersales next --claim`` and the ``--db URL`` of ``db upgrade``, ``db seed-demo`` and
``bench queue``, on SQLite and on PostgreSQL."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from desktop_app.cli.main import EXIT_BAD_INPUT, main
from desktop_app.domain.clock import utcnow
from desktop_app.store.schema import Ticket

pytestmark = pytest.mark.both_backends


@pytest.fixture
def run(db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """``run(args, stdin)`` -> (status, stdout, stderr), ``--db`` naming the test's database."""

    def _run(args: list[str], stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        status = main([*args, "--db", db_url])
        out, err = capsys.readouterr()
        return status, out, err

    return _run


@pytest.fixture
def agents(run) -> None:  # type: ignore[no-untyped-def]
    assert run(["user", "add", "boss", "--password-stdin"], "bosspass1\n")[0] == 0
    for name in ("amy", "bob"):
        assert run(["user", "add", name, "--as", "boss", "--password-stdin"], f"bosspass1\n{name}pass12\n")[0] == 0


@pytest.fixture
def data_dir_db():  # type: ignore[no-untyped-def]
    """The default database file, which a command given ``--db`` must not create."""
    from desktop_app.config import data_dir

    return data_dir() / "aftersales.db"


def _next(run, name: str, *extra: str) -> tuple[int, dict]:  # type: ignore[no-untyped-def]
    status, out, err = run(["next", *extra, "--as", name, "--password-stdin", "--json"], f"{name}pass12\n")
    assert status == 0, err
    return status, json.loads(out)


def test_next_claim_hands_each_ticket_to_one_agent(db, run, agents, make_ticket, add_tickets) -> None:
    ids = add_tickets([make_ticket(1), make_ticket(2)])
    started = utcnow()
    _, amy = _next(run, "amy", "--claim")
    assert set(amy) == {"id", "external_id", "lease_until"}
    assert (amy["id"], amy["external_id"]) == (ids["T-00001"], "T-00001")
    lease_until = datetime.fromisoformat(amy["lease_until"].removesuffix("Z"))
    assert started + timedelta(minutes=9) < lease_until <= utcnow() + timedelta(minutes=10)
    _, bob = _next(run, "bob", "--claim")
    assert bob["external_id"] == "T-00002"
    assert _next(run, "bob", "--claim")[1]["external_id"] == "T-00002"  # still his: not handed to amy
    with db.session() as session:
        holders = dict(session.execute(select(Ticket.external_id, Ticket.claimed_by)).all())
    assert holders == {"T-00001": "amy", "T-00002": "bob"}


def test_next_claim_when_nothing_is_left(run, agents, make_ticket, add_tickets) -> None:
    add_tickets([make_ticket(1, status="resolved")])
    assert _next(run, "amy", "--claim")[1] == {"id": None}


def test_next_without_claim_only_shows_the_ticket(db, run, agents, make_ticket, add_tickets) -> None:
    ids = add_tickets([make_ticket(1)])
    assert _next(run, "amy")[1] == {"id": ids["T-00001"], "external_id": "T-00001", "lease_until": None}
    with db.session() as session:
        assert session.scalar(select(Ticket.claimed_by)) is None


def test_next_text_output(run, agents, make_ticket, add_tickets) -> None:
    ids = add_tickets([make_ticket(1)])
    status, out, _ = run(["next", "--claim", "--as", "amy", "--password-stdin"], "amypass12\n")
    assert status == 0 and out.startswith(f"claimed #{ids['T-00001']} T-00001 until ")


def test_next_needs_the_right_password(run, agents) -> None:
    status, out, err = run(["next", "--claim", "--as", "amy", "--password-stdin"], "wrong-one\n")
    assert (status, out) == (EXIT_BAD_INPUT, "")
    assert "wrong user name or password" in err


def test_db_upgrade_takes_the_url(run, db_url: str, data_dir_db) -> None:  # type: ignore[no-untyped-def]
    status, out, err = run(["db", "upgrade"])
    assert status == 0, err
    assert out.strip().endswith("schema is up to date")
    assert db_url.split("?")[0].rsplit("/", 1)[-1] in out  # that database, not the default one
    assert not data_dir_db.exists()


def test_seed_demo_fills_sqlite_and_refuses_postgresql(db, run, db_backend: str) -> None:
    status, out, err = run(["db", "seed-demo"])
    with db.session() as session:
        count = session.scalar(select(func.count()).select_from(Ticket))
    if db_backend == "sqlite":
        assert (status, out.strip(), count) == (0, "added 60 demo tickets", 60)
    else:
        assert (status, out, count) == (EXIT_BAD_INPUT, "", 0)
        assert "seed-demo refuses postgresql databases" in err and "shared server" in err


def test_bench_queue_runs_on_the_given_database(db, run, make_ticket, add_tickets) -> None:
    status, out, err = run(["bench", "queue", "--rows", "300", "--repeat", "1", "--json"])
    assert status == 0, err
    assert "filling the empty database" in err
    payload = json.loads(out)
    assert payload["rows"] == 300
    assert any(t["operation"].startswith("next claim") for t in payload["timings"])
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Ticket)) == 300
        assert session.scalar(select(func.count()).select_from(Ticket).where(Ticket.claimed_by.is_not(None))) == 0
        versions = dict(session.execute(select(Ticket.id, Ticket.version)).all())
    add_tickets([make_ticket(1)])  # the ids the bench gave leave room for the next ticket (PostgreSQL's sequence)

    status, out, err = run(["bench", "queue", "--repeat", "1", "--json"])
    assert status == 0, err
    assert "measuring the 301 tickets already in" in err
    payload = json.loads(out)
    assert payload["rows"] == 301
    assert not any(t["operation"].startswith("next claim") for t in payload["timings"])  # read-only there
    with db.session() as session:
        assert dict(session.execute(select(Ticket.id, Ticket.version).where(Ticket.id.in_(versions))).all()) == versions
