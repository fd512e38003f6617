"""One agent process of the claim concurrency test (``tests/services/test_claim_concurrency.py``).

Usage: ``python claim_agent.py DB_URL NAME``; stdin: the password, then (after this process
printed ``ready``) an empty line that starts all agents at once. It claims the next ticket
and answers it until nothing is left, and prints one JSON object: the tickets it claimed,
answered, and was refused (stale or not its own).
"""

from __future__ import annotations

import json
import sys

from desktop_app.services.access import PermissionDenied
from desktop_app.services.accounts import AccountService
from desktop_app.services.claims import ClaimService
from desktop_app.services.tickets import StaleTicketError, TicketService
from desktop_app.store.database import Database

MAX_ROUNDS = 1000  # far more than the test's tickets: a loop that never ends is a failure, not a hang


def main(url: str, name: str) -> int:
    password = sys.stdin.readline().rstrip("\n")
    db = Database.open(url, migrate=False)
    try:
        user = AccountService(db).authenticate(name, password)
        claims, tickets = ClaimService(db), TicketService(db)
        print("ready", flush=True)
        sys.stdin.readline()
        claimed: list[int] = []
        answered: list[int] = []
        refused: list[int] = []
        for _ in range(MAX_ROUNDS):
            claim = claims.claim_next(user)
            if claim is None:
                break
            claimed.append(claim.ticket_id)
            try:
                tickets.send_reply(claim.ticket_id, f"{name} 已为您处理（{claim.external_id}）", claim.version, actor=user)
            except (StaleTicketError, PermissionDenied):
                refused.append(claim.ticket_id)
                claims.release(user, claim.ticket_id)
            else:
                answered.append(claim.ticket_id)
        print(json.dumps({"agent": name, "claimed": claimed, "answered": answered, "refused": refused}))
    finally:
        db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
