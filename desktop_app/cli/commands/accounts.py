"""``aftersales user …``, ``aftersales audit`` and ``aftersales export-training``: the
commands that need a signed-in user.

They run on the GUI's database (``--db``) and go through the same services, so the same
role checks apply. ``--as NAME`` signs in; the password is asked on the terminal, or read
from stdin with ``--password-stdin`` (one per line: the ``--as`` user's first, then, for
``user add``, the new user's). ``user add`` on an empty user table needs no ``--as``: it
creates the first supervisor. ``audit verify`` needs no sign-in either: it reads only
ids and hashes, and says whether the log's hash chain is intact (exit 0) or where it
breaks (exit 1).
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.config import resolve_db_url

if TYPE_CHECKING:
    from desktop_app.services.access import User
    from desktop_app.store.database import Database

ROLE_CHOICES = ("agent", "supervisor")


def add_parsers(sub: argparse._SubParsersAction, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Register the commands on ``aftersales``'s subparsers."""

    def signed_in(parser: argparse.ArgumentParser, required: bool = True) -> None:
        common(parser)
        parser.add_argument("--as", dest="as_user", metavar="NAME", required=required, help="sign in as this user")
        parser.add_argument(
            "--password-stdin", action="store_true", help="read passwords from stdin, one per line, not the terminal"
        )

    user = sub.add_parser("user", help="user accounts and roles")
    common(user)
    user_sub = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    add = user_sub.add_parser("add", help="add a user (the first one, a supervisor, needs no --as)")
    add.add_argument("name")
    add.add_argument(
        "--role", choices=ROLE_CHOICES, default=None, help="default: supervisor for the first user, else agent"
    )
    signed_in(add, required=False)
    listing = user_sub.add_parser("list", help="list users and roles (supervisors)")
    listing.add_argument("--json", action="store_true")
    signed_in(listing)
    set_role = user_sub.add_parser("set-role", help="change a user's role (supervisors)")
    set_role.add_argument("name")
    set_role.add_argument("role", choices=ROLE_CHOICES)
    signed_in(set_role)

    audit = sub.add_parser("audit", help="print the audit log, newest first (supervisors); or verify it")
    audit.add_argument("--limit", type=int, default=100)
    audit.add_argument("--offset", type=int, default=0)
    audit.add_argument("--json", action="store_true", help="one JSON object per line")
    signed_in(audit, required=False)
    audit_sub = audit.add_subparsers(dest="audit_command", metavar="ACTION")
    verify = audit_sub.add_parser(
        "verify", help="check the audit log's hash chain: OK (exit 0) or the first broken or missing row (exit 1)"
    )
    common(verify)

    training = sub.add_parser(
        "export-training", help="write de-identified tickets and reply pairs as JSONL (supervisors)"
    )
    training.add_argument("out", type=Path, metavar="OUT.jsonl")
    signed_in(training)


class _Passwords:
    """Passwords from stdin lines (``--password-stdin``) or the terminal."""

    def __init__(self, from_stdin: bool) -> None:
        self._lines: Iterator[str] | None = iter(sys.stdin) if from_stdin else None

    def ask(self, prompt: str, confirm: bool = False) -> str:
        if self._lines is not None:
            try:
                line = next(self._lines, None)
            except UnicodeDecodeError as exc:
                raise _cli_error(f"--password-stdin: stdin is not UTF-8 text ({exc.reason})") from None
            if line is None:
                raise _cli_error("--password-stdin: not enough lines on stdin")
            return line.rstrip("\r\n")
        password = _ask_terminal(prompt)
        if confirm and _ask_terminal("Repeat the password: ") != password:
            raise _cli_error("the passwords do not match")
        return password


def _has_terminal() -> bool:
    """Whether getpass can ask without echoing: stdin is a terminal, or /dev/tty opens
    (Windows: getpass reads the console)."""
    if os.name == "nt" or (sys.stdin is not None and sys.stdin.isatty()):
        return True
    try:
        os.close(os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY))
    except OSError:
        return False
    return True


def _ask_terminal(prompt: str) -> str:
    """A password from the terminal; without one, a line of stdin, as getpass would read it
    (but without its "may be echoed" warning: nobody is there to see it). The end of input
    (Ctrl+D, ``</dev/null``) is a one-line error, not an EOFError traceback."""
    if _has_terminal():
        try:
            return getpass.getpass(prompt)
        except EOFError:
            raise _cli_error("no password given: input ended") from None
    try:
        line = sys.stdin.readline() if sys.stdin is not None else ""
    except UnicodeDecodeError as exc:
        raise _cli_error(f"stdin is not UTF-8 text ({exc.reason})") from None
    if not line:
        raise _cli_error("no password given: stdin is empty and there is no terminal to ask on (see --password-stdin)")
    return line.rstrip("\r\n")


def _cli_error(message: str) -> Exception:
    from desktop_app.cli.common import CliError

    return CliError(message)


@contextmanager
def _session(args: argparse.Namespace) -> Iterator[tuple[Database, _Passwords]]:
    """The database, with service errors turned into one-line CLI errors."""
    from desktop_app.cli.common import open_database as _open_database
    from desktop_app.services.access import PermissionDenied
    from desktop_app.services.accounts import AccountError

    db = _open_database(resolve_db_url(getattr(args, "db", None)))
    try:
        yield db, _Passwords(args.password_stdin)
    except (PermissionDenied, AccountError) as exc:
        raise _cli_error(str(exc)) from exc
    except OSError as exc:
        raise _cli_error(f"{exc.filename or ''}: {exc.strerror or exc}") from exc
    finally:
        db.close()


def _sign_in(db: Database, args: argparse.Namespace, passwords: _Passwords) -> User:
    from desktop_app.services.accounts import AccountService

    return AccountService(db).authenticate(args.as_user, passwords.ask(f"Password for {args.as_user}: "))


def run_user(args: argparse.Namespace) -> int:
    from desktop_app.services.accounts import AccountService

    with _session(args) as (db, passwords):
        accounts = AccountService(db)
        first_run = not accounts.has_users()
        if args.user_command == "list" and first_run:
            print("no users yet; add the first supervisor with: aftersales user add NAME", file=sys.stderr)
            return 0
        if args.user_command == "add" and first_run:
            actor = None
        elif args.as_user is None:
            raise _cli_error("--as SUPERVISOR is needed: only a supervisor adds users once the first one exists")
        else:
            actor = _sign_in(db, args, passwords)
        if args.user_command == "add":
            role = args.role or ("supervisor" if first_run else "agent")
            password = passwords.ask(f"Password for the new user {args.name}: ", confirm=True)
            user = accounts.add_user(args.name, password, role, actor)
            print(f"added {user.name} ({user.role.value})")
        elif args.user_command == "set-role":
            user = accounts.set_role(actor, args.name, args.role)  # type: ignore[arg-type]
            print(f"{user.name} is now {user.role.value}")
        else:
            users = accounts.list_users(actor)  # type: ignore[arg-type]
            for info in users:
                if args.json:
                    payload = {"name": info.name, "role": info.role.value, "disabled": info.disabled}
                    print(json.dumps(payload | {"created_at": info.created_at.isoformat()}, ensure_ascii=False))
                else:
                    print("\t".join([info.name, info.role.value, *(["disabled"] if info.disabled else [])]))
    return 0


EXIT_BROKEN_CHAIN = 1


def run_audit_verify(args: argparse.Namespace) -> int:
    from desktop_app.services.audit import AuditService

    with _session(args) as (db, _passwords):
        report = AuditService(db).verify()
    if report.ok:
        print(f"OK: {report.rows} audit {'row' if report.rows == 1 else 'rows'}, hash chain intact")
        return 0
    intact = f"{report.rows} {'row' if report.rows == 1 else 'rows'} before it intact"
    print(f"BROKEN at row {report.bad_id}: {report.problem} ({intact})")
    return EXIT_BROKEN_CHAIN


def _audit_ticket(ticket_id: int | None, external_id: str | None) -> str:
    """The ticket as people name it (its number, a hash shortened); ``#id`` once it is gone."""
    from desktop_app.domain.ticket_numbers import ticket_number

    if ticket_id is None:
        return ""
    return ticket_number(external_id) if external_id else f"#{ticket_id}"


def run_audit(args: argparse.Namespace) -> int:
    from desktop_app.services.audit import AuditService

    if getattr(args, "audit_command", None) == "verify":
        return run_audit_verify(args)
    if args.as_user is None:
        raise _cli_error("--as SUPERVISOR is needed to read the audit log")
    if args.limit < 1 or args.offset < 0:
        raise _cli_error("--limit must be positive and --offset not negative")
    with _session(args) as (db, passwords):
        actor = _sign_in(db, args, passwords)
        for row in AuditService(db).read(actor, args.limit, args.offset):
            if args.json:
                payload = {"id": row.id, "at": row.at.isoformat(), "actor": row.actor, "action": row.action}
                print(json.dumps(payload | {"ticket_id": row.ticket_id, "ticket": row.ticket_external_id, "detail": row.detail}, ensure_ascii=False))
            else:
                ticket = _audit_ticket(row.ticket_id, row.ticket_external_id)
                detail = json.dumps(row.detail, ensure_ascii=False)
                print(f"{row.at:%Y-%m-%d %H:%M:%S}Z\t{row.actor}\t{row.action}\t{ticket}\t{detail}")
    return 0


def run_export_training(args: argparse.Namespace) -> int:
    from desktop_app.services.training_export import export_training

    with _session(args) as (db, passwords):
        actor = _sign_in(db, args, passwords)
        result = export_training(db, actor, args.out)
    print(f"wrote {result.tickets} tickets and {result.replies} reply pairs to {result.path}", file=sys.stderr)
    return 0


HANDLERS = {"user": run_user, "audit": run_audit, "export-training": run_export_training}
