"""``aftersales audit verify``: OK (exit 0) on an intact log, the first broken or missing row
(exit 1) after raw-SQL tampering; no sign-in needed, nothing personal printed."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest

from desktop_app.cli.main import main

PHONE = "13812345678"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "cli.db"


@pytest.fixture
def run(db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """``audit verify`` takes ``--db`` after the action, as its help shows; the rest before."""

    def _run(args: list[str], stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        url = f"sqlite:///{db_path}"
        status = main([*args, "--db", url] if args[:2] == ["audit", "verify"] else ["--db", url, *args])
        out, err = capsys.readouterr()
        return status, out, err

    return _run


@pytest.fixture
def history(run) -> None:  # type: ignore[no-untyped-def]
    """user_add boss; boss's failed and good sign-in, user_add amy; amy's failed sign-in: five rows."""
    assert run(["user", "add", "boss", "--password-stdin"], "bosspass1\n")[0] == 0
    assert run(["user", "add", "amy", "--as", "boss", "--password-stdin"], "wrong-one\namypass12\n")[0] == 2
    assert run(["user", "add", "amy", "--as", "boss", "--password-stdin"], "bosspass1\namypass12\n")[0] == 0
    assert run(["user", "list", "--as", "amy", "--password-stdin"], f"amypass12 {PHONE}\n")[0] == 2


def _tamper(db_path: Path, *statements: str) -> None:
    connection = sqlite3.connect(db_path)
    try:
        for name in ("audit_log_no_update", "audit_log_no_delete"):
            connection.execute(f"DROP TRIGGER IF EXISTS {name}")
        for statement in statements:
            connection.execute(statement)
        connection.commit()
    finally:
        connection.close()


def test_an_intact_log_verifies(run, history) -> None:  # type: ignore[no-untyped-def]
    status, out, err = run(["audit", "verify"])
    assert (status, err) == (0, "")
    assert out == "OK: 5 audit rows, hash chain intact\n"


def test_sign_ins_and_failed_sign_ins_are_in_the_log(history, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    with sqlite3.connect(db_path) as connection:
        rows = connection.execute("SELECT actor, action, detail FROM audit_log ORDER BY id").fetchall()
    assert [(actor, action) for actor, action, _ in rows] == [
        ("boss", "user_add"),
        ("boss", "sign_in_failed"),
        ("boss", "sign_in"),
        ("boss", "user_add"),
        ("amy", "sign_in_failed"),
    ]
    assert rows[1][2] == '{"reason": "wrong password"}'
    assert all(PHONE not in detail for _, _, detail in rows)  # what was typed as a password is never stored


@pytest.mark.parametrize(
    ("statements", "bad_row", "words"),
    [
        (["UPDATE audit_log SET actor = 'amy' WHERE id = 3"], 3, "was changed after it was written"),
        (["UPDATE audit_log SET detail = '{}' WHERE id = 2"], 2, "was changed after it was written"),
        (["DELETE FROM audit_log WHERE id = 2"], 3, "does not follow row 1"),
        (["DELETE FROM audit_log WHERE id = 1"], 2, "start of the chain"),
        (
            ["INSERT INTO audit_log (at, actor, action, detail) VALUES ('2024-01-01 00:00:00', 'x', 'reveal', '{}')"],
            6,
            "no hash",
        ),
    ],
)
def test_tampering_with_raw_sql_is_caught(  # type: ignore[no-untyped-def]
    run, history, db_path: Path, statements: list[str], bad_row: int, words: str
) -> None:
    _tamper(db_path, *statements)
    status, out, err = run(["audit", "verify"])
    assert status == 1 and err == ""
    assert out.startswith(f"BROKEN at row {bad_row}: ") and words in out


def test_a_dropped_audit_table_is_caught(run, history, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    _tamper(db_path, "DROP TABLE audit_log")
    status, out, _err = run(["audit", "verify"])
    assert status == 1 and "audit_log table is missing" in out


def test_replace_is_refused_at_the_sql_level(run, history, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    connection = sqlite3.connect(db_path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            connection.execute(
                "INSERT OR REPLACE INTO audit_log (id, at, actor, action, detail)"
                " VALUES (1, '2024-01-01 00:00:00', 'x', 'reveal', '{}')"
            )
    finally:
        connection.close()
    assert run(["audit", "verify"])[0] == 0


def test_reading_the_log_still_needs_a_supervisor(run, history) -> None:  # type: ignore[no-untyped-def]
    status, _out, err = run(["audit"])
    assert status == 2 and "--as SUPERVISOR" in err
