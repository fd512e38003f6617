"""``aftersales next``: the next ticket for an agent; with ``--claim``, taken atomically.

``next --claim --as NAME [--password-stdin] --db URL --json`` claims the ticket the agent
should answer next, exactly as Ctrl+N does (``ClaimService``: one ticket, one agent, a
lease), and prints ``{"id", "external_id", "lease_until"}``, or ``{"id": null}`` when
nothing is left. Without ``--claim`` it only says which ticket that would be.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable

from desktop_app.cli.commands.accounts import _session, _sign_in

Common = Callable[[argparse.ArgumentParser], None]


def add_parser(sub: argparse._SubParsersAction, common: Common) -> None:
    parser = sub.add_parser("next", help="the next ticket for an agent; --claim takes it (atomically, with a lease)")
    common(parser)
    parser.add_argument("--claim", action="store_true", help="claim it, as Ctrl+N does (else only show it)")
    parser.add_argument("--as", dest="as_user", metavar="NAME", required=True, help="sign in as this user")
    parser.add_argument("--password-stdin", action="store_true", help="read the password from stdin, not the terminal")
    parser.add_argument("--json", action="store_true", help='print {"id", "external_id", "lease_until"}')


def run(args: argparse.Namespace) -> int:
    from desktop_app.services.claims import ClaimService
    from desktop_app.services.tickets import TicketService

    with _session(args) as (db, passwords):
        user = _sign_in(db, args, passwords)
        claims = ClaimService(db)
        found: tuple[int, str, str | None] | None
        if args.claim:
            claim = claims.claim_next(user)
            found = None if claim is None else (claim.ticket_id, claim.external_id, claim.until.isoformat() + "Z")
        else:
            ticket_id = claims.peek_next(user)
            found = None
            if ticket_id is not None:
                ticket = TicketService(db).open(ticket_id, user.name).ticket
                found = (ticket.id, ticket.external_id, None)
    if args.json:
        keys = ("id", "external_id", "lease_until")
        print(json.dumps(dict(zip(keys, found, strict=True)) if found else {"id": None}, ensure_ascii=False))
    elif found is None:
        print("no unhandled ticket left")
    elif args.claim:
        print(f"claimed #{found[0]} {found[1]} until {found[2]}")
    else:
        print(f"next: #{found[0]} {found[1]} (not claimed)")
    return 0
