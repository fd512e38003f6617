"""``aftersales db init-roles``: the app's PostgreSQL role, with only the rights it needs.

``db init-roles --owner-url URL --app-role NAME [--password-stdin]`` connects as the role
that owns the schema (and may create roles), brings the schema to the newest revision,
then creates the app role, or resets an existing one to exactly these rights
(``store.roles``), and prints the SQL it ran, the password hidden. Run it again after
every ``db upgrade``: new tables get their grants. Without ``--password-stdin`` the role
gets no password (for peer or certificate authentication).
"""

from __future__ import annotations

import argparse
import sys


def _cli_error(message: str) -> Exception:
    from desktop_app.cli.common import CliError

    return CliError(message)


def add_parser(db_sub: argparse._SubParsersAction) -> None:
    parser = db_sub.add_parser(
        "init-roles", help="create the app's PostgreSQL role: no owner rights, audit_log INSERT and SELECT only"
    )
    parser.add_argument("--owner-url", required=True, metavar="URL", help="the schema owner's database URL")
    parser.add_argument("--app-role", required=True, metavar="NAME", help="the role the app will connect as")
    parser.add_argument(
        "--password-stdin", action="store_true", help="read the app role's password from the first line of stdin"
    )


def _password(args: argparse.Namespace) -> str | None:
    if not args.password_stdin:
        return None
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise _cli_error("--password-stdin: the first line of stdin is empty")
    return line


def run(args: argparse.Namespace) -> int:
    from sqlalchemy.engine import make_url

    from desktop_app.store.database import Database, DatabaseError
    from desktop_app.store.roles import RoleSetupError, init_app_role

    try:
        backend = make_url(args.owner_url).get_backend_name()
    except Exception as exc:  # noqa: BLE001 - the parser's reason is the message
        raise _cli_error(f"--owner-url: not a database URL ({exc})") from None
    if backend != "postgresql":
        raise _cli_error("db init-roles is for PostgreSQL: a SQLite file has no roles")
    password = _password(args)
    try:
        db = Database.open(args.owner_url)  # migrations run as the owner
    except DatabaseError as exc:
        raise _cli_error(str(exc)) from exc
    try:
        with db.engine.begin() as connection:
            plan = init_app_role(connection, args.app_role, password)
    except RoleSetupError as exc:
        raise _cli_error(str(exc)) from exc
    except Exception as exc:  # noqa: BLE001 - e.g. the owner may not create roles
        raise _cli_error(f"cannot set up role {args.app_role!r}: {str(exc).splitlines()[0]}") from exc
    finally:
        db.close()
    for statement in plan.statements:
        print(statement + ";")
    print(f"role {plan.role!r} may now use {db.url} with the app's rights only", file=sys.stderr)
    return 0
