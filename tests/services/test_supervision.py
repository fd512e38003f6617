"""Supervisors' ticket actions: reassign, take over, unflag, reveal; all audited."""

from __future__ import annotations


import pytest

from desktop_app.domain.vocabulary import TicketStatus
from desktop_app.services.access import PermissionDenied, User
from desktop_app.services.audit import AuditService
from desktop_app.services.supervision import MissingReasonError, SupervisionService
from desktop_app.services.tagging import TaggingService
from desktop_app.services.tickets import StaleTicketError, TicketService
from desktop_app.store.database import Database

PII_TEXT = "收件人：张三，电话13812345678，寄到北京市朝阳区建国路88号"


@pytest.fixture
def ids(add_tickets, make_ticket, other_agent: User) -> dict[str, int]:
    return add_tickets(
        [
            make_ticket(1, text=PII_TEXT, assignee=other_agent.name, customer="13912345678"),
            make_ticket(2, text="没人处理"),
        ]
    )


def _last_audit(db: Database, supervisor: User):  # type: ignore[no-untyped-def]
    return AuditService(db).read(supervisor, limit=1)[0]


def test_reveal_returns_the_original_and_is_audited(db: Database, supervisor: User, ids) -> None:
    opened = TicketService(db).open(ids["T-00001"], supervisor.name).ticket
    assert "13812345678" not in opened.text and "138****5678" in opened.text
    revealed = SupervisionService(db).reveal_ticket(supervisor, ids["T-00001"], "客户要求核实地址")
    assert revealed.text == PII_TEXT
    assert revealed.messages[0].text == PII_TEXT
    assert revealed.ticket.customer == "13912345678"
    assert revealed.revealed_by == supervisor.name
    row = _last_audit(db, supervisor)
    assert (row.actor, row.action, row.ticket_id, row.detail) == (
        supervisor.name,
        "reveal",
        ids["T-00001"],
        {"reason": "客户要求核实地址"},
    )


def test_agent_takes_an_unassigned_ticket_and_releases_it(db: Database, supervisor: User, agent: User, ids) -> None:
    service = SupervisionService(db)
    taken = service.reassign(agent, ids["T-00002"], agent.name, expected_version=1)
    assert taken.assignee == agent.name and taken.version == 2
    released = service.reassign(agent, ids["T-00002"], None, "下班了", expected_version=taken.version)
    assert released.assignee is None
    row = _last_audit(db, supervisor)
    assert (row.action, row.detail) == ("reassign", {"from": agent.name, "reason": "下班了", "to": None})


def test_supervisor_reassigns_another_agents_ticket(db: Database, supervisor: User, agent: User, ids) -> None:
    moved = SupervisionService(db).reassign(supervisor, ids["T-00001"], agent.name, "小李请假", expected_version=1)
    assert moved.assignee == agent.name
    assert "13812345678" not in moved.text  # what comes back is for a screen
    row = _last_audit(db, supervisor)
    assert row.detail == {"from": "客服小李", "reason": "小李请假", "to": agent.name}


def test_stale_version_writes_nothing(db: Database, supervisor: User, agent: User, ids) -> None:
    before = AuditService(db).count(supervisor)
    with pytest.raises(StaleTicketError):
        SupervisionService(db).reassign(supervisor, ids["T-00001"], agent.name, expected_version=7)
    assert AuditService(db).count(supervisor) == before


def test_take_over(db: Database, supervisor: User, ids) -> None:
    ticket = SupervisionService(db).take_over(supervisor, ids["T-00001"], "客户情绪激动", expected_version=1)
    assert ticket.assignee == supervisor.name
    row = _last_audit(db, supervisor)
    assert (row.action, row.detail) == ("take_over", {"from": "客服小李", "reason": "客户情绪激动"})


def test_unflag_needs_a_reason_and_keeps_the_old_reasons_in_the_audit(
    db: Database, supervisor: User, ids, set_columns
) -> None:
    set_columns(ids["T-00001"], flagged=True, flag_reasons=["负面情绪 0.93"])
    service = SupervisionService(db)
    with pytest.raises(MissingReasonError):
        service.unflag(supervisor, ids["T-00001"], "  ", expected_version=1)
    ticket = service.unflag(supervisor, ids["T-00001"], "客户已满意", expected_version=1)
    assert ticket.flagged is False and ticket.flag_reasons == []
    row = _last_audit(db, supervisor)
    assert (row.action, row.detail) == (
        "unflag",
        {"flag_reasons": ["负面情绪 0.93"], "reason": "客户已满意", "was_flagged": True},
    )


def test_ticket_service_assign_follows_the_same_rules(db: Database, supervisor: User, agent: User, ids) -> None:
    tickets = TicketService(db)
    assert tickets.assign(ids["T-00002"], agent.name, 1, actor=agent).assignee == agent.name
    with pytest.raises(PermissionDenied):
        tickets.assign(ids["T-00001"], None, 1, actor=agent)
    audited = AuditService(db).count(supervisor)
    tickets.assign(ids["T-00001"], agent.name, 1, actor=supervisor)  # someone else's ticket: audited
    assert AuditService(db).count(supervisor) == audited + 1
    with pytest.raises(PermissionDenied, match="not signed in"):
        tickets.assign(ids["T-00002"], None, 2, actor=None)  # None is not a user
    assert tickets.open(ids["T-00002"], "x").ticket.assignee == agent.name


def test_tag_correction_is_audited(db: Database, supervisor: User, agent: User, ids) -> None:
    tagging = TaggingService(db)
    ticket = tagging.correct(ids["T-00002"], "intent", "complaint", 1, actor=agent)
    assert ticket.intent == "complaint"
    row = _last_audit(db, supervisor)
    assert (row.actor, row.action, row.ticket_id, row.detail) == (
        agent.name,
        "tag_correction",
        ids["T-00002"],
        {"from": None, "task": "intent", "to": "complaint"},
    )
    with pytest.raises(PermissionDenied):  # nobody corrects as someone else: the name comes from the store
        tagging.correct(ids["T-00002"], "sentiment", "negative", 2, actor=User(agent.id, "老客服", agent.role))
    assert _last_audit(db, supervisor).actor == agent.name


def test_desk_actions_on_a_ticket_changed_meanwhile_are_refused(
    db: Database, supervisor: User, ids, set_columns
) -> None:
    """The version the supervisor saw goes with every desk action: an agent's reply since makes it stale."""
    set_columns(ids["T-00001"], flagged=True)
    seen = TicketService(db).open(ids["T-00001"], supervisor.name).ticket.version
    TicketService(db).set_status(ids["T-00001"], TicketStatus.OPEN, seen, actor=supervisor)  # someone else's change
    service = SupervisionService(db)
    before = AuditService(db).count(supervisor)
    for action in (
        lambda: service.reassign(supervisor, ids["T-00001"], None, "转给别人", expected_version=seen),
        lambda: service.take_over(supervisor, ids["T-00001"], expected_version=seen),
        lambda: service.unflag(supervisor, ids["T-00001"], "误报", expected_version=seen),
    ):
        with pytest.raises(StaleTicketError):
            action()
    ticket = TicketService(db).open(ids["T-00001"], supervisor.name).ticket
    assert (ticket.assignee, ticket.flagged, ticket.version) == ("客服小李", True, seen + 1)
    assert AuditService(db).count(supervisor) == before
