"""Four agent processes claim and answer 200 tickets at once (SQLite and PostgreSQL).

Every ticket must be answered exactly once, by the one agent it was handed to; no ticket
may be handed to two agents; and nothing may be overwritten silently (each ticket ends at
version 3: imported, claimed, answered; a stale write would have been refused and counted).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from sqlalchemy import select

from desktop_app.services.access import Role
from desktop_app.services.accounts import AccountService
from desktop_app.store.schema import Message, Ticket

AGENTS = ("客服小美", "客服小李", "客服阿杰", "客服小周")
TICKETS = 200
PASSWORD = "correct horse"
AGENT_SCRIPT = Path(__file__).resolve().parents[1] / "helpers" / "claim_agent.py"
TIMEOUT_S = 240


def _start_agents(db_url: str) -> list[subprocess.Popen[str]]:
    agents = []
    for name in AGENTS:
        process = subprocess.Popen(
            [sys.executable, str(AGENT_SCRIPT), db_url, name],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        assert process.stdin is not None
        process.stdin.write(PASSWORD + "\n")
        process.stdin.flush()
        agents.append(process)
    for process in agents:  # every agent signed in and waiting: then they all start together
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready"
    return agents


def test_four_agents_answer_every_ticket_exactly_once(db, db_url, make_ticket, add_tickets) -> None:
    accounts = AccountService(db)
    boss = accounts.add_user("主管老王", PASSWORD, Role.SUPERVISOR, actor=None)
    for name in AGENTS:
        accounts.add_user(name, PASSWORD, Role.AGENT, actor=boss)
    ids = set(add_tickets([make_ticket(n) for n in range(1, TICKETS + 1)]).values())

    agents = _start_agents(db_url)
    results = []
    try:
        for process in agents:
            assert process.stdin is not None
            process.stdin.write("\n")
            process.stdin.flush()
        for process in agents:
            out, _ = process.communicate(timeout=TIMEOUT_S)
            assert process.returncode == 0, out
            results.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for process in agents:
            process.kill()
            process.wait()

    handed = Counter(ticket for result in results for ticket in result["claimed"])
    assert set(handed) == ids
    assert [ticket for ticket, times in handed.items() if times > 1] == []  # none handed to two agents
    assert [result["refused"] for result in results] == [[]] * len(AGENTS)
    answered_by = {ticket: result["agent"] for result in results for ticket in result["answered"]}
    assert set(answered_by) == ids
    assert sum(1 for result in results if result["answered"]) >= 2, "the agents did not overlap at all"

    with db.session() as session:
        replies = session.execute(select(Message.ticket_id, Message.author).where(Message.role == "agent")).all()
        rows = session.execute(
            select(Ticket.id, Ticket.status, Ticket.assignee, Ticket.claimed_by, Ticket.version)
        ).all()
    assert sorted(ticket for ticket, _ in replies) == sorted(ids)  # exactly one reply each
    assert {ticket: author for ticket, author in replies} == answered_by
    assert {row.id: (row.status, row.assignee, row.claimed_by, row.version) for row in rows} == {
        ticket: ("waiting_customer", answered_by[ticket], None, 3) for ticket in ids
    }
