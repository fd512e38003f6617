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
    rows = [json.loads(line) for line in out.splitlines()]
    assert [row["action"] for row in rows if row["action"] != "sign_in"] == ["export_training", "user_add", "user_add"]
    # Every sign-in is audited, the refused export's included: newest first, this command's own first.
    assert [row["actor"] for row in rows if row["action"] == "sign_in"] == ["boss", "boss", "amy", "boss"]
    status, out, _ = run(["audit", "--limit", "2", "--as", "boss", "--password-stdin"], "bosspass1\n")
    assert status == 0 and out.count("\n") == 2 and "\tboss\tsign_in\t" in out
    status, _out, err = run(["audit", "--as", "amy", "--password-stdin"], "amypass12\n")
    assert status == EXIT_BAD_INPUT and "reading the audit log" in err


def test_passwords_from_the_terminal(run, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    answers = iter(["bosspass1", "bosspass1"])
    monkeypatch.setattr("desktop_app.cli.commands.accounts._has_terminal", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert run(["user", "add", "boss"])[0] == 0
    answers = iter(["bosspass1", "newpass12", "typo-pass"])
    status, _out, err = run(["user", "add", "amy", "--as", "boss"])
    assert status == EXIT_BAD_INPUT and "do not match" in err


def test_not_enough_stdin_lines(run, boss: str) -> None:  # type: ignore[no-untyped-def]
    status, _out, err = run(["user", "add", "bob", "--as", "boss", "--password-stdin"], "bosspass1\n")
    assert status == EXIT_BAD_INPUT and "not enough lines" in err


def test_password_prompt_without_input_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    """``aftersales user add NAME </dev/null`` with no terminal to ask on: getpass reads stdin,
    meets its end (EOFError), and that is a user error: exit 2, one line (issue 13, item 12)."""
    import subprocess
    import sys

    command = [sys.executable, "-c", "import sys; from desktop_app.cli.main import main; sys.exit(main())"]
    done = subprocess.run(
        [*command, "--db", f"sqlite:///{tmp_path / 'cli.db'}", "user", "add", "boss"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        start_new_session=True,  # no controlling terminal: getpass cannot open /dev/tty
        timeout=120,
    )
    lines = done.stderr.strip().splitlines()
    assert done.returncode == EXIT_BAD_INPUT, done.stderr
    assert "Traceback" not in done.stderr
    assert lines == [
        "aftersales: error: no password given: stdin is empty and there is no terminal to ask on (see --password-stdin)"
    ]


def test_end_of_input_at_the_terminal_is_a_user_error(run, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    def ctrl_d(prompt: str = "") -> str:
        raise EOFError

    monkeypatch.setattr("desktop_app.cli.commands.accounts._has_terminal", lambda: True)
    monkeypatch.setattr("getpass.getpass", ctrl_d)
    status, _out, err = run(["user", "add", "boss"])
    assert (status, err) == (EXIT_BAD_INPUT, "aftersales: error: no password given: input ended\n")


def test_a_password_piped_without_the_flag_is_read_as_getpass_would(run, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("desktop_app.cli.commands.accounts._has_terminal", lambda: False)
    status, out, err = run(["user", "add", "boss"], "bosspass1\nbosspass1\n")
    assert (status, out, err) == (0, "added boss (supervisor)\n", "")


def test_password_stdin_that_is_not_utf8(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"\xff\xfepass\n"), encoding="utf-8"))
    status = main(["--db", f"sqlite:///{tmp_path / 'cli.db'}", "user", "add", "boss", "--password-stdin"])
    err = capsys.readouterr().err
    assert status == EXIT_BAD_INPUT and err.startswith("aftersales: error: --password-stdin: stdin is not UTF-8")


def test_audit_log_names_tickets_by_their_number(run, boss: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.services.seed import seed_demo_if_empty
    from desktop_app.store.audit import AuditRepository
    from desktop_app.store.database import Database
    from desktop_app.store.schema import Ticket

    db = Database.open(f"sqlite:///{tmp_path / 'cli.db'}")
    try:
        seed_demo_if_empty(db)
        with db.session() as session:
            hashed, plain = session.get(Ticket, 1), session.get(Ticket, 2)
            hashed.external_id = "sha1:3fa9c1d2e4b5a6978812aa01"
            AuditRepository(session).append("boss", "reveal", hashed.id)
            AuditRepository(session).append("boss", "reveal", plain.id)
            plain_number = plain.external_id
    finally:
        db.close()
    status, out, _ = run(["audit", "--limit", "3", "--as", "boss", "--password-stdin"], "bosspass1\n")
    assert status == 0
    reveals = [line.split("\t")[3] for line in out.splitlines() if "\treveal\t" in line]
    assert reveals == [plain_number, "3fa9c1d2"]
    status, out, _ = run(["audit", "--json", "--limit", "4", "--as", "boss", "--password-stdin"], "bosspass1\n")
    rows = [json.loads(line) for line in out.splitlines() if '"reveal"' in line]
    assert [row["ticket"] for row in rows] == [plain_number, "sha1:3fa9c1d2e4b5a6978812aa01"]
