"""What an agent cannot do, proved at the service level: each attempt raises
PermissionDenied and leaves the database (tickets, messages, drafts, feedback, users, audit
log) and the disk as they were. Nobody signed in (``None``), a bare name and a hand-made
``User`` the store does not know are refused by every method that changes data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from desktop_app.domain.vocabulary import TicketStatus
from desktop_app.services.access import PermissionDenied, Role, User
from desktop_app.services.accounts import AccountService
from desktop_app.services.audit import AuditService
from desktop_app.services.drafts import DraftService
from desktop_app.services.export import export_rows
from desktop_app.services.supervision import SupervisionService
from desktop_app.services.tagging import TaggingService
from desktop_app.services.tickets import TicketService
from desktop_app.services.training_export import export_training
from desktop_app.store.database import Database
from desktop_app.store.schema import AuditEntry, Draft, Feedback, Message, Ticket
from desktop_app.store.schema import User as UserRow

PII_TEXT = "收件人：张三，电话13812345678，身份证11010519491231002X"


def _snapshot(db: Database) -> tuple[list, ...]:
    with db.session() as session:
        tickets = [
            tuple(r)
            for r in session.execute(
                select(Ticket.id, Ticket.assignee, Ticket.flagged, Ticket.version, Ticket.status, Ticket.intent)
            )
        ]
        users = [tuple(r) for r in session.execute(select(UserRow.name, UserRow.role, UserRow.password_hash))]
        others = [
            [tuple(r) for r in session.execute(select(table.id))] for table in (Message, Draft, Feedback)
        ]
        audit = [tuple(r) for r in session.execute(select(AuditEntry.id, AuditEntry.action))]
    return tickets, users, *others, audit


@pytest.fixture
def tickets(db: Database, add_tickets, make_ticket, other_agent: User, set_columns) -> dict[str, int]:
    ids = add_tickets(
        [
            make_ticket(1, text=PII_TEXT, assignee=other_agent.name),
            make_ticket(2, text="没有分配的工单"),
        ]
    )
    set_columns(ids["T-00001"], flagged=True)
    return ids


ATTEMPTS: dict[str, Callable[[Database, User, dict[str, int], Path], object]] = {
    "reveal": lambda db, me, ids, out: SupervisionService(db).reveal_ticket(me, ids["T-00001"], "想看"),
    "export csv": lambda db, me, ids, out: export_rows(db, me, ["text"], [[PII_TEXT]], out / "x.csv", "csv"),
    "export xlsx unmasked": lambda db, me, ids, out: export_rows(
        db, me, ["text"], [[PII_TEXT]], out / "x.xlsx", "xlsx", unmasked=True
    ),
    "export-training": lambda db, me, ids, out: export_training(db, me, out / "t.jsonl"),
    "read audit": lambda db, me, ids, out: AuditService(db).read(me),
    "count audit": lambda db, me, ids, out: AuditService(db).count(me),
    "set role": lambda db, me, ids, out: AccountService(db).set_role(me, me.name, Role.SUPERVISOR),
    "add user": lambda db, me, ids, out: AccountService(db).add_user("new", "password1", Role.AGENT, me),
    "list users": lambda db, me, ids, out: AccountService(db).list_users(me),
    "reassign another's ticket to me": lambda db, me, ids, out: SupervisionService(db).reassign(
        me, ids["T-00001"], me.name, "我来", expected_version=1
    ),
    "release another's ticket": lambda db, me, ids, out: SupervisionService(db).reassign(
        me, ids["T-00001"], None, expected_version=1
    ),
    "give an unassigned ticket to another": lambda db, me, ids, out: SupervisionService(db).reassign(
        me, ids["T-00002"], "客服小李", expected_version=1
    ),
    "assign via TicketService": lambda db, me, ids, out: TicketService(db).assign(ids["T-00001"], me.name, 1, actor=me),
    "take over": lambda db, me, ids, out: SupervisionService(db).take_over(me, ids["T-00001"], expected_version=1),
    "unflag": lambda db, me, ids, out: SupervisionService(db).unflag(me, ids["T-00001"], "误报", expected_version=1),
    # Item 4 of the hardening campaign: a colleague's ticket is theirs to work.
    "reply on a colleague's ticket": lambda db, me, ids, out: TicketService(db).send_reply(
        ids["T-00001"], "我帮你回了", 1, actor=me
    ),
    "change the status of a colleague's ticket": lambda db, me, ids, out: TicketService(db).set_status(
        ids["T-00001"], TicketStatus.RESOLVED, 1, actor=me
    ),
    "correct the tags of a colleague's ticket": lambda db, me, ids, out: TaggingService(db).correct(
        ids["T-00001"], "intent", "complaint", 1, actor=me
    ),
}

# Changes attempted by nobody (None), a bare name, or a User the store does not know;
# ``me`` is a supervisor, so only the identity is being refused.
NOBODY: dict[str, Callable[[User], object]] = {
    "None": lambda me: None,
    "a bare name": lambda me: me.name,
    "a forged supervisor": lambda me: User(me.id + 1000, me.name, Role.SUPERVISOR),
    "an unknown supervisor": lambda me: User(me.id, "不存在的主管", Role.SUPERVISOR),
}
AS_NOBODY: dict[str, Callable[[Database, Any, dict[str, int]], object]] = {
    "audit record": lambda db, who, ids: AuditService(db).record(who, "reveal", ids["T-00002"]),
    "reply": lambda db, who, ids: TicketService(db).send_reply(ids["T-00002"], "你好", 1, actor=who),
    "status": lambda db, who, ids: TicketService(db).set_status(ids["T-00002"], TicketStatus.RESOLVED, 1, actor=who),
    "assign": lambda db, who, ids: TicketService(db).assign(ids["T-00002"], None, 1, actor=who),
    "reassign": lambda db, who, ids: SupervisionService(db).reassign(who, ids["T-00002"], "客服小李", expected_version=1),
    "take over": lambda db, who, ids: SupervisionService(db).take_over(who, ids["T-00002"], expected_version=1),
    "correct a tag": lambda db, who, ids: TaggingService(db).correct(
        ids["T-00002"], "intent", "complaint", 1, actor=who
    ),
    "save a draft": lambda db, who, ids: DraftService(db).save(ids["T-00002"], "草稿", actor=who),
    "set a role": lambda db, who, ids: AccountService(db).set_role(who, "客服小李", Role.SUPERVISOR),
}


@pytest.mark.parametrize("attempt", list(AS_NOBODY), ids=list(AS_NOBODY))
@pytest.mark.parametrize("identity", list(NOBODY), ids=list(NOBODY))
def test_nobody_changes_anything(
    db: Database, supervisor: User, tickets: dict[str, int], attempt: str, identity: str
) -> None:
    before = _snapshot(db)
    with pytest.raises(PermissionDenied, match="Permission denied"):
        AS_NOBODY[attempt](db, NOBODY[identity](supervisor), tickets)
    assert _snapshot(db) == before


@pytest.mark.parametrize("attempt", list(ATTEMPTS), ids=list(ATTEMPTS))
def test_agent_is_refused_and_nothing_is_written(
    db: Database, agent: User, tickets: dict[str, int], tmp_path: Path, attempt: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    before = _snapshot(db)
    with pytest.raises(PermissionDenied, match="Permission denied"):
        ATTEMPTS[attempt](db, agent, tickets, out)
    assert _snapshot(db) == before
    assert list(out.iterdir()) == []


@pytest.mark.parametrize(
    "attempt", ["reveal", "export csv", "export-training", "read audit", "set role", "take over", "unflag"]
)
def test_supervisor_may_and_leaves_an_audit_row(
    db: Database, supervisor: User, agent: User, tickets: dict[str, int], tmp_path: Path, attempt: str
) -> None:
    if attempt == "set role":
        me = supervisor
        action = lambda: AccountService(db).set_role(me, agent.name, Role.SUPERVISOR)  # noqa: E731
    else:
        action = lambda: ATTEMPTS[attempt](db, supervisor, tickets, tmp_path)  # noqa: E731
    audit_before = len(_snapshot(db)[-1])
    action()
    audit_after = _snapshot(db)[-1]
    expected = {"read audit": 0}.get(attempt, 1)  # reading is not itself recorded
    assert len(audit_after) == audit_before + expected


def test_a_supervisor_may_step_in_on_a_colleagues_ticket(
    db: Database, supervisor: User, other_agent: User, tickets: dict[str, int], tmp_path: Path
) -> None:
    ATTEMPTS["correct the tags of a colleague's ticket"](db, supervisor, tickets, tmp_path)
    detail = TicketService(db).send_reply(tickets["T-00001"], "主管来回复", 2, actor=supervisor)
    assert detail.assignee == other_agent.name  # the ticket stays with its holder
    assert detail.messages[-1].author == supervisor.name
    resolved = TicketService(db).set_status(tickets["T-00001"], TicketStatus.RESOLVED, detail.version, actor=supervisor)
    assert resolved.status == TicketStatus.RESOLVED.value


def test_the_holder_works_their_own_ticket(
    db: Database, other_agent: User, tickets: dict[str, int]
) -> None:
    corrected = TaggingService(db).correct(tickets["T-00001"], "intent", "complaint", 1, actor=other_agent)
    sent = TicketService(db).send_reply(tickets["T-00001"], "您好", corrected.version, actor=other_agent)
    assert sent.messages[-1].author == other_agent.name and sent.assignee == other_agent.name


def test_a_demoted_supervisor_loses_the_rights_at_once_and_a_forged_user_proves_nothing(
    db: Database, supervisor: User
) -> None:
    accounts = AccountService(db)
    second = accounts.add_user("主管小张", "another pass 1", Role.SUPERVISOR, actor=supervisor)
    assert AuditService(db).read(second)  # a supervisor reads the log
    accounts.set_role(supervisor, "主管小张", Role.AGENT)
    with pytest.raises(PermissionDenied):
        AuditService(db).read(second)  # the stale User object still says supervisor
    with pytest.raises(PermissionDenied):
        AuditService(db).read(User(999, "冒充者", Role.SUPERVISOR))
