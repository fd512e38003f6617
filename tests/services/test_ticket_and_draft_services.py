"""TicketService (open, status, assign, send) and DraftService (autosave), as signed-in users.

``agent`` is 客服小美, ``other_agent`` 客服小李, ``supervisor`` 主管老王 (tests/services/conftest.py).
"""

from __future__ import annotations

from datetime import datetime

import pytest

from desktop_app.domain.vocabulary import TicketStatus
from desktop_app.services.access import PermissionDenied
from desktop_app.services.drafts import DraftService
from desktop_app.services.tickets import EmptyReplyError, StaleTicketError, TicketNotFound, TicketService
from desktop_app.domain.clock import utcnow
from desktop_app.store.schema import Message

T0 = datetime(2024, 5, 1, 8, 0, 0)


@pytest.fixture
def ticket_id(make_ticket, add_tickets) -> int:
    return add_tickets([make_ticket(1, text="我的快递三天没动了", created_at=T0, customer="小鹿")])["T-00001"]


# -- open -----------------------------------------------------------------------------------


def test_open_returns_ticket_and_own_draft(db, ticket_id, agent, other_agent) -> None:
    drafts = DraftService(db)
    drafts.save(ticket_id, "您好，正在为您查询", actor=agent)
    drafts.save(ticket_id, "别人的草稿", actor=other_agent)
    opened = TicketService(db).open(ticket_id, agent.name)
    assert opened.ticket.id == ticket_id
    assert opened.ticket.text == "我的快递三天没动了"
    assert [m.text for m in opened.ticket.messages] == ["我的快递三天没动了"]
    assert opened.draft is not None
    assert opened.draft.body == "您好，正在为您查询"
    assert TicketService(db).open(ticket_id, "小周").draft is None


def test_open_missing_ticket(db) -> None:
    with pytest.raises(TicketNotFound):
        TicketService(db).open(404, "小美")


# -- send_reply -----------------------------------------------------------------------------


def test_send_reply(db, ticket_id, count_rows, agent) -> None:
    service = TicketService(db)
    DraftService(db).save(ticket_id, "草稿", actor=agent)
    before = service.open(ticket_id, agent.name).ticket
    assert before.waiting_since == T0
    started = utcnow()
    after = service.send_reply(ticket_id, "  您好，已为您催促快递。\n", before.version, actor=agent)
    assert after.status == TicketStatus.WAITING_CUSTOMER.value
    assert after.waiting_since is None
    assert after.version == before.version + 1
    assert after.assignee == agent.name  # an unassigned ticket goes to whoever answered it
    assert after.updated_at >= started
    last = after.messages[-1]
    assert (last.role, last.text, last.author) == ("agent", "您好，已为您催促快递。", agent.name)
    assert last.created_at >= started
    assert count_rows(db, Message) == 2
    assert DraftService(db).load(ticket_id, agent.name) is None


def test_an_agent_may_not_reply_on_a_colleagues_ticket(db, ticket_id, agent, other_agent, count_rows) -> None:
    service = TicketService(db)
    assigned = service.assign(ticket_id, other_agent.name, 1, actor=other_agent)
    DraftService(db).save(ticket_id, "帮同事回复一下", actor=agent)
    with pytest.raises(PermissionDenied, match="working on a ticket another agent holds"):
        service.send_reply(ticket_id, "帮同事回复一下", assigned.version, actor=agent)
    assert count_rows(db, Message) == 1
    assert DraftService(db).load(ticket_id, agent.name).body == "帮同事回复一下"  # type: ignore[union-attr]


def test_a_supervisor_reply_keeps_the_existing_assignee(db, ticket_id, supervisor, other_agent) -> None:
    service = TicketService(db)
    assigned = service.assign(ticket_id, other_agent.name, 1, actor=other_agent)
    after = service.send_reply(ticket_id, "主管帮忙回复一下", assigned.version, actor=supervisor)
    assert after.assignee == other_agent.name
    assert after.messages[-1].author == supervisor.name


def test_send_reply_with_stale_version_keeps_draft_and_writes_nothing(
    db, ticket_id, count_rows, agent, other_agent
) -> None:
    service = TicketService(db)
    drafts = DraftService(db)
    drafts.save(ticket_id, "辛辛苦苦写的回复", actor=agent)
    stale = service.open(ticket_id, agent.name).ticket.version
    service.set_status(ticket_id, TicketStatus.OPEN, stale, actor=other_agent)  # someone else changed it
    with pytest.raises(StaleTicketError):
        service.send_reply(ticket_id, "辛辛苦苦写的回复", stale, actor=agent)
    draft = drafts.load(ticket_id, agent.name)
    assert draft is not None and draft.body == "辛辛苦苦写的回复"
    ticket = service.open(ticket_id, agent.name).ticket
    assert ticket.status == "open"
    assert ticket.assignee is None
    assert count_rows(db, Message) == 1
    assert ticket.version == stale + 1


@pytest.mark.parametrize("body", ["", "   ", "\n\t "])
def test_empty_reply_refused(db, ticket_id, body, count_rows, agent) -> None:
    with pytest.raises(EmptyReplyError):
        TicketService(db).send_reply(ticket_id, body, 1, actor=agent)
    assert count_rows(db, Message) == 1
    assert TicketService(db).open(ticket_id, agent.name).ticket.version == 1


def test_send_reply_missing_ticket(db, agent) -> None:
    with pytest.raises(TicketNotFound):
        TicketService(db).send_reply(404, "hi", 1, actor=agent)


# -- set_status / assign --------------------------------------------------------------------


def test_set_status_resolved_clears_waiting(db, ticket_id, agent) -> None:
    detail = TicketService(db).set_status(ticket_id, TicketStatus.RESOLVED, 1, actor=agent)
    assert detail.status == "resolved"
    assert detail.waiting_since is None
    assert detail.version == 2


def test_set_status_open_keeps_waiting_since(db, ticket_id, agent) -> None:
    detail = TicketService(db).set_status(ticket_id, TicketStatus.OPEN, 1, actor=agent)
    assert detail.status == "open"
    assert detail.waiting_since == T0


def test_reopening_starts_waiting_again(db, ticket_id, agent) -> None:
    service = TicketService(db)
    resolved = service.set_status(ticket_id, TicketStatus.RESOLVED, 1, actor=agent)
    started = utcnow()
    reopened = service.set_status(ticket_id, TicketStatus.NEW, resolved.version, actor=agent)
    assert reopened.status == "new"
    assert reopened.waiting_since is not None and reopened.waiting_since >= started
    assert reopened.version == 3


def test_set_status_stale(db, ticket_id, agent) -> None:
    service = TicketService(db)
    service.assign(ticket_id, agent.name, 1, actor=agent)
    with pytest.raises(StaleTicketError):
        service.set_status(ticket_id, TicketStatus.RESOLVED, 1, actor=agent)
    assert service.open(ticket_id, "x").ticket.status == "new"


def test_an_agent_may_not_change_the_status_of_a_colleagues_ticket(db, ticket_id, agent, other_agent) -> None:
    service = TicketService(db)
    assigned = service.assign(ticket_id, other_agent.name, 1, actor=other_agent)
    with pytest.raises(PermissionDenied):
        service.set_status(ticket_id, TicketStatus.RESOLVED, assigned.version, actor=agent)
    assert service.open(ticket_id, "x").ticket.status == "new"
    resolved = service.set_status(ticket_id, TicketStatus.RESOLVED, assigned.version, actor=other_agent)
    assert resolved.status == "resolved"


def test_set_status_missing(db, agent) -> None:
    with pytest.raises(TicketNotFound):
        TicketService(db).set_status(404, TicketStatus.RESOLVED, 1, actor=agent)


def test_assign_and_unassign(db, ticket_id, agent, supervisor) -> None:
    service = TicketService(db)
    assigned = service.assign(ticket_id, agent.name, 1, actor=agent)
    assert (assigned.assignee, assigned.version) == (agent.name, 2)
    unassigned = service.assign(ticket_id, "", assigned.version, actor=agent)  # "" means nobody
    assert (unassigned.assignee, unassigned.version) == (None, 3)
    with pytest.raises(StaleTicketError):
        service.assign(ticket_id, "客服小李", assigned.version, actor=supervisor)
    assert service.open(ticket_id, "x").ticket.assignee is None


# -- drafts ---------------------------------------------------------------------------------


def test_draft_save_load_overwrite(db, ticket_id, agent) -> None:
    drafts = DraftService(db)
    assert drafts.load(ticket_id, agent.name) is None
    first = drafts.save(ticket_id, "第一版", actor=agent)
    assert first is not None and first.body == "第一版"
    second = drafts.save(ticket_id, "第二版", actor=agent)
    assert second is not None and second.updated_at >= first.updated_at
    loaded = drafts.load(ticket_id, agent.name)
    assert loaded is not None
    assert (loaded.ticket_id, loaded.author, loaded.body) == (ticket_id, agent.name, "第二版")


def test_drafts_are_per_author(db, ticket_id, agent, other_agent) -> None:
    drafts = DraftService(db)
    drafts.save(ticket_id, "A", actor=agent)
    drafts.save(ticket_id, "B", actor=other_agent)
    assert drafts.load(ticket_id, agent.name).body == "A"  # type: ignore[union-attr]
    assert drafts.load(ticket_id, other_agent.name).body == "B"  # type: ignore[union-attr]


@pytest.mark.parametrize("empty", ["", "  \n "])
def test_empty_draft_deletes(db, ticket_id, empty, agent) -> None:
    drafts = DraftService(db)
    drafts.save(ticket_id, "写了一半", actor=agent)
    assert drafts.save(ticket_id, empty, actor=agent) is None
    assert drafts.load(ticket_id, agent.name) is None
    # Deleting what does not exist is fine too.
    assert drafts.save(ticket_id, empty, actor=agent) is None


def test_draft_keeps_whitespace_verbatim(db, ticket_id, agent) -> None:
    drafts = DraftService(db)
    drafts.save(ticket_id, "  您好，\n\n  换行保留  ", actor=agent)
    assert drafts.load(ticket_id, agent.name).body == "  您好，\n\n  换行保留  "  # type: ignore[union-attr]
