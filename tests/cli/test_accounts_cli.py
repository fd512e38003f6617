"""``aftersales user …``, ``audit`` and ``export-training``: sign-in with ``--as``, roles enforced."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from desktop_app.cli.main import EXIT_BAD_INPUT, main


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """``run(args, stdin)`` -> (status, stdout, stderr) on one database."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"

    def _run(args: list[str], stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        status = main(["--db", url, *args])
        out, err = capsys.readouterr()
        return status, out, err

    return _run


@pytest.fixture
def boss(run) -> str:  # type: ignore[no-untyped-def]
    assert run(["user", "add", "boss", "--password-stdin"], "bosspass1\n")[0] == 0
    assert run(["user", "add", "amy", "--as", "boss", "--password-stdin"], "bosspass1\namypass12\n")[0] == 0
    return "boss"


def test_first_user_is_a_supervisor_without_sign_in(run) -> None:  # type: ignore[no-untyped-def]
    assert run(["user", "add", "boss", "--password-stdin"], "bosspass1\n") == (0, "added boss (supervisor)\n", "")


def test_first_user_cannot_be_an_agent(run) -> None:  # type: ignore[no-untyped-def]
    status, _out, err = run(["user", "add", "amy", "--role", "agent", "--password-stdin"], "amypass12\n")
    assert status == EXIT_BAD_INPUT and "first account must be a supervisor" in err


def test_later_users_need_a_supervisor(run, boss: str) -> None:  # type: ignore[no-untyped-def]
    status, _out, err = run(["user", "add", "bob", "--password-stdin"], "bobpass12\n")
    assert status == EXIT_BAD_INPUT and "--as SUPERVISOR" in err
    status, _out, err = run(["user", "add", "bob", "--as", "amy", "--password-stdin"], "amypass12\nbobpass12\n")
    assert status == EXIT_BAD_INPUT and "Permission denied" in err
    status, _out, err = run(["user", "add", "bob", "--as", "boss", "--password-stdin"], "wrong-one\nbobpass12\n")
    assert status == EXIT_BAD_INPUT and "wrong user name or password" in err


def test_list_and_set_role(run, boss: str) -> None:  # type: ignore[no-untyped-def]
    assert run(["user", "list", "--as", "boss", "--password-stdin"], "bosspass1\n") == (
        0,
        "amy\tagent\nboss\tsupervisor\n",
        "",
    )
    status, out, _ = run(["user", "set-role", "amy", "supervisor", "--as", "boss", "--password-stdin"], "bosspass1\n")
    assert (status, out) == (0, "amy is now supervisor\n")
    status, out, _ = run(["user", "list", "--json", "--as", "amy", "--password-stdin"], "amypass12\n")
    assert [json.loads(line)["role"] for line in out.splitlines()] == ["supervisor", "supervisor"]


def test_audit_and_export_training(run, boss: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out_file = tmp_path / "train.jsonl"
    status, _out, err = run(["export-training", str(out_file), "--as", "amy", "--password-stdin"], "amypass12\n")
    assert status == EXIT_BAD_INPUT and "Permission denied" in err and not out_file.exists()
    status, _out, err = run(["export-training", str(out_file), "--as", "boss", "--password-stdin"], "bosspass1\n")
    assert status == 0 and "wrote 0 tickets and 0 reply pairs" in err and out_file.is_file()
    status, out, _ = run(["audit", "--json", "--as", "boss", "--password-stdin"], "bosspass1\n")
    assert status == 0
    assert [json.loads(line)["action"] for line in out.splitlines()] == ["export_training", "user_add", "user_add"]
    status, out, _ = run(["audit", "--limit", "1", "--as", "boss", "--password-stdin"], "bosspass1\n")
    assert status == 0 and out.count("\n") == 1 and "\tboss\texport_training\t" in out
    status, _out, err = run(["audit", "--as", "amy", "--password-stdin"], "amypass12\n")
    assert status == EXIT_BAD_INPUT and "reading the audit log" in err


def test_passwords_from_the_terminal(run, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    answers = iter(["bosspass1", "bosspass1"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert run(["user", "add", "boss"])[0] == 0
    answers = iter(["bosspass1", "newpass12", "typo-pass"])
    status, _out, err = run(["user", "add", "amy", "--as", "boss"])
    assert status == EXIT_BAD_INPUT and "do not match" in err


def test_not_enough_stdin_lines(run, boss: str) -> None:  # type: ignore[no-untyped-def]
    status, _out, err = run(["user", "add", "bob", "--as", "boss", "--password-stdin"], "bosspass1\n")
    assert status == EXIT_BAD_INPUT and "not enough lines" in err
