"""The ``aftersales`` command, run in-process: stdout for results, stderr for everything else."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from desktop_app.cli.main import EXIT_BAD_INPUT, main
from desktop_app.config import DATA_DIR_ENV_VAR, DB_ENV_VAR
from desktop_app.store.database import Database
from desktop_app.store.schema import Ticket


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv(DATA_DIR_ENV_VAR, str(folder))
    monkeypatch.delenv(DB_ENV_VAR, raising=False)
    return folder


@pytest.fixture
def export(tmp_path: Path) -> Path:
    path = tmp_path / "export.csv"
    path.write_text(
        "工单号,买家昵称,内容,创建时间\n"
        "C-1,小鹿,快递没到,2024-05-01 10:00:00\n"
        "C-2,王先生,,2024-05-01 10:00:00\n"
        "C-3,李四,要退货,2024-05-01 11:00:00\n",
        encoding="utf-8",
    )
    return path


def _ticket_count(url: str) -> int:
    db = Database.open(url)
    try:
        with db.session() as session:
            return int(session.scalar(select(func.count()).select_from(Ticket)) or 0)
    finally:
        db.close()


def _assert_one_line_error(capsys: pytest.CaptureFixture[str], *fragments: str) -> str:
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("aftersales: error: ")
    for fragment in fragments:
        assert fragment in lines[0]
    return lines[0]


def test_import_json(data_dir: Path, export: Path, capsys) -> None:
    assert main(["import", str(export), "--json"]) == 0
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 1
    assert out.endswith("\n")
    payload = json.loads(out)
    assert payload == {
        "imported": 2,
        "skipped": 1,
        "already_present": 0,
        "errors": [{"line": 3, "reason": "missing text"}],
    }
    assert "{" not in err  # the report is not duplicated on stderr
    # The default database lives in the data folder named by the environment.
    assert (data_dir / "aftersales.db").is_file()
    assert _ticket_count(f"sqlite:///{data_dir / 'aftersales.db'}") == 2


def test_import_twice_json(data_dir: Path, export: Path, capsys) -> None:
    main(["import", str(export), "--json"])
    capsys.readouterr()
    assert main(["import", str(export), "--json", "--no-progress"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert (payload["imported"], payload["already_present"], payload["skipped"]) == (0, 2, 1)


def test_import_progress_and_logs_go_to_stderr(data_dir: Path, export: Path, capsys, monkeypatch) -> None:
    import sys

    # Pretend stderr is a terminal so that the progress bar is drawn.
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert main(["-v", "import", str(export), "--json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["imported"] == 2
    assert "export.csv" in err and "100%" in err  # the bar, on stderr
    assert "%" not in out


def test_import_text_report(data_dir: Path, export: Path, capsys) -> None:
    assert main(["import", str(export)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == ["imported 2, already present 0, skipped 1", "  line 3: missing text"]


def test_import_with_db_option(tmp_path: Path, data_dir: Path, export: Path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'other.db'}"
    assert main(["import", str(export), "--db", url, "--json"]) == 0
    capsys.readouterr()
    assert _ticket_count(url) == 2
    assert not (data_dir / "aftersales.db").exists()


def test_import_db_from_environment(tmp_path: Path, data_dir: Path, export: Path, capsys, monkeypatch) -> None:
    url = f"sqlite:///{tmp_path / 'env.db'}"
    monkeypatch.setenv(DB_ENV_VAR, url)
    assert main(["import", str(export), "--json"]) == 0
    capsys.readouterr()
    assert _ticket_count(url) == 2


def test_import_map_option(tmp_path: Path, data_dir: Path, capsys) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("单据,客户说\nM-1,东西坏了\n", encoding="utf-8")
    assert main(["import", str(path), "--map", "单据=external_id", "--map", "客户说=text", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["imported"] == 1


def test_import_missing_file(tmp_path: Path, data_dir: Path, capsys) -> None:
    missing = tmp_path / "nope.csv"
    assert main(["import", str(missing), "--json"]) == EXIT_BAD_INPUT == 2
    _assert_one_line_error(capsys, "no such file", "nope.csv")


def test_import_unmappable_file(tmp_path: Path, data_dir: Path, capsys) -> None:
    path = tmp_path / "weird.csv"
    path.write_text("foo,bar\n1,2\n")
    assert main(["import", str(path), "--json"]) == 2
    _assert_one_line_error(capsys, "no column holds the ticket text", "--map COLUMN=text")


@pytest.mark.parametrize(
    ("mapping", "fragment"),
    [("foo=nonsense", "unknown field 'nonsense'"), ("missing=text", "does not have: missing"), ("foo", "COLUMN=FIELD")],
)
def test_import_bad_map(tmp_path: Path, data_dir: Path, capsys, mapping: str, fragment: str) -> None:
    path = tmp_path / "weird.csv"
    path.write_text("foo,bar\n1,2\n")
    assert main(["import", str(path), "--map", mapping]) == 2
    _assert_one_line_error(capsys, fragment)


def test_bad_database_url(tmp_path: Path, data_dir: Path, export: Path, capsys) -> None:
    assert main(["import", str(export), "--db", "not a url"]) == 2
    _assert_one_line_error(capsys, "not a database URL")


def test_help(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out, err = capsys.readouterr()
    assert out.startswith("usage: aftersales")
    for command in ("import", "db", "bench", "gui"):
        assert command in out
    assert err == ""


def test_import_help_lists_options(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["import", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "--map COLUMN=FIELD" in out and "--json" in out


def test_version(capsys) -> None:
    from desktop_app import __version__

    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"aftersales {__version__}"


def test_unknown_subcommand_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["frobnicate"])
    assert exit_info.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "invalid choice" in err


def test_db_upgrade(data_dir: Path, capsys) -> None:
    assert main(["db", "upgrade"]) == 0
    out, _ = capsys.readouterr()
    assert out.strip().endswith("schema is up to date")
    db_file = data_dir / "aftersales.db"
    assert db_file.is_file()
    assert str(db_file) in out
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from desktop_app.store.database import alembic_config

    db = Database.open(f"sqlite:///{db_file}", migrate=False)
    try:
        head = ScriptDirectory.from_config(alembic_config(db.engine)).get_current_head()
        with db.engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() == head
    finally:
        db.close()
    assert main(["db", "upgrade"]) == 0  # idempotent


def test_db_seed_demo(data_dir: Path, capsys) -> None:
    assert main(["db", "seed-demo"]) == 0
    assert capsys.readouterr().out.strip() == "added 60 demo tickets"
    assert main(["db", "seed-demo"]) == 0
    assert capsys.readouterr().out.strip() == "added 0 demo tickets"
    assert _ticket_count(f"sqlite:///{data_dir / 'aftersales.db'}") == 60


def test_db_needs_an_action(data_dir: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["db"])
    assert exit_info.value.code == 2


def test_bench_queue_json(tmp_path: Path, data_dir: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the throw-away database goes here
    assert main(["bench", "queue", "--rows", "2000", "--repeat", "1", "--json"]) == 0
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 1
    payload = json.loads(out)
    assert payload["rows"] == 2000
    timings = payload["timings"]
    assert len(timings) >= 10
    operations = [t["operation"] for t in timings]
    assert len(set(operations)) == len(operations)
    assert any("text search" in op for op in operations)
    for timing in timings:
        assert set(timing) == {"operation", "median_ms", "max_ms", "runs"}
        assert timing["runs"] == 1
        assert 0 <= timing["median_ms"] <= timing["max_ms"]
    assert "2000" in err  # "building a 2000-ticket database" is progress, on stderr
    assert list(tmp_path.glob("tmp*")) == []  # the bench database is removed afterwards
    assert not (data_dir / "aftersales.db").exists()


def test_bench_text_output(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert main(["bench", "queue", "--rows", "300", "--repeat", "2"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "queue of 300 tickets, 2 runs each (median / worst, ms)"
    assert "sort by customer" in out


@pytest.mark.parametrize("args", [["--rows", "0"], ["--repeat", "0"]])
def test_bench_rejects_non_positive(capsys, args: list[str]) -> None:
    assert main(["bench", "queue", *args]) == 2
    _assert_one_line_error(capsys, "must be positive")


def test_db_option_before_the_subcommand(tmp_path: Path, data_dir: Path, export: Path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'global.db'}"
    assert main(["--db", url, "import", str(export), "--json"]) == 0
    capsys.readouterr()
    assert _ticket_count(url) == 2
    assert not (data_dir / "aftersales.db").exists()
