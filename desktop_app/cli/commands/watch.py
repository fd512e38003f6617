"""``aftersales watch --db URL [--json]``: one line per change to the queue, as it happens.

The same feed the workstation's change bus reads (``services.changes``): PostgreSQL's
NOTIFY, or SQLite's ``data_version`` poll. With ``--json`` each line is
``{"ticket", "change", "at"}``. It runs until interrupted (Ctrl+C: exit status 0) or its
reader goes away (a closed pipe ends it quietly too).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable

from desktop_app.domain.changes import Change

Common = Callable[[argparse.ArgumentParser], None]


def add_parser(sub: argparse._SubParsersAction, common: Common) -> None:
    parser = sub.add_parser(
        "watch", help="print every change to the tickets (ticket, message, tags, draft, claim, presence)"
    )
    common(parser)
    parser.add_argument("--json", action="store_true", help='one JSON object a line: {"ticket", "change", "at"}')


def _line(change: Change, as_json: bool) -> str:
    if as_json:
        return json.dumps(change.to_json(), ensure_ascii=False)
    return f"{change.at.isoformat(timespec='milliseconds')}Z  #{change.ticket_id}  {change.change.value}"


def run(args: argparse.Namespace) -> int:
    from desktop_app.cli.common import CliError
    from desktop_app.config import resolve_db_url
    from desktop_app.services.changes import iter_changes, open_change_source
    from desktop_app.store.database import Database, DatabaseError

    try:
        db = Database.open(resolve_db_url(getattr(args, "db", None)))  # migrated: 0007's triggers exist
        try:
            source = open_change_source(db.engine)
        finally:
            db.close()
    except DatabaseError as exc:
        raise CliError(str(exc)) from exc
    print(f"watching {db.url} (Ctrl+C to stop)", file=sys.stderr, flush=True)
    try:
        for change in iter_changes(source):
            print(_line(change, args.json), flush=True)
    except KeyboardInterrupt:
        return 0
    except BrokenPipeError:
        # Nothing more can be written; point stdout at devnull so the flush at exit is quiet too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    finally:
        source.close()
    return 0


def add_bench_parser(bench_sub: argparse._SubParsersAction, common: Common) -> None:
    parser = bench_sub.add_parser(
        "changes", help="how fast a change written in another process reaches this one (change feed + row read)"
    )
    common(parser)  # --db URL: required in practice (the bench adds its own tickets there)
    parser.add_argument("--changes", type=int, default=100)
    parser.add_argument("--interval", type=float, default=0.02, help="seconds between two writes")
    parser.add_argument("--json", action="store_true")


def run_bench(args: argparse.Namespace) -> int:
    from desktop_app.cli.common import CliError
    from desktop_app.services.change_bench import run_change_bench
    from desktop_app.store.database import DatabaseError

    url = getattr(args, "db", None)
    if url is None:
        raise CliError("bench changes adds tickets to the database it measures: name a throw-away one with --db URL")
    if args.changes < 1 or args.interval < 0:
        raise CliError("--changes must be positive and --interval not negative")
    try:
        report = run_change_bench(url, args.changes, args.interval)
    except DatabaseError as exc:
        raise CliError(str(exc)) from exc
    summary = report.summary()
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print(f"{summary['backend']}: {report.received} of {report.changes} changes heard (ms)")
        for name in ("feed", "visible"):
            part = summary[name]
            print(f"  {name:<8} p50 {part['p50_ms']:8.1f}  p95 {part['p95_ms']:8.1f}  max {part['max_ms']:8.1f}")  # type: ignore[index]
    return 0 if report.received == report.changes else 1
