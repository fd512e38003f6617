"""TicketService (open, status, assign, send) and DraftService (autosave)."""

from __future__ import annotations

from datetime import datetime

import pytest

from desktop_app.domain.vocabulary import TicketStatus
from desktop_app.services.drafts import DraftService
from desktop_app.services.tickets import EmptyReplyError, StaleTicketError, TicketNotFound, TicketService
from desktop_app.domain.clock import utcnow
from desktop_app.store.schema import Message

T0 = datetime(2024, 5, 1, 8, 0, 0)


@pytest.fixture
def ticket_id(make_ticket, add_tickets) -> int:
    return add_tickets([make_ticket(1, text="我的快递三天没动了", created_at=T0, customer="小鹿")])["T-00001"]


# -- open -----------------------------------------------------------------------------------


def test_open_returns_ticket_and_own_draft(db, ticket_id) -> None:
    drafts = DraftService(db)
    drafts.save(ticket_id, "小美", "您好，正在为您查询")
    drafts.save(ticket_id, "阿杰", "别人的草稿")
    opened = TicketService(db).open(ticket_id, "小美")
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


def test_send_reply(db, ticket_id, count_rows) -> None:
    service = TicketService(db)
    DraftService(db).save(ticket_id, "小美", "草稿")
    before = service.open(ticket_id, "小美").ticket
    assert before.waiting_since == T0
    started = utcnow()
    after = service.send_reply(ticket_id, "小美", "  您好，已为您催促快递。\n", before.version)
    assert after.status == TicketStatus.WAITING_CUSTOMER.value
    assert after.waiting_since is None
    assert after.version == before.version + 1
    assert after.assignee == "小美"  # an unassigned ticket goes to whoever answered it
    assert after.updated_at >= started
    last = after.messages[-1]
    assert (last.role, last.text, last.author) == ("agent", "您好，已为您催促快递。", "小美")
    assert last.created_at >= started
    assert count_rows(db, Message) == 2
    assert DraftService(db).load(ticket_id, "小美") is None


def test_send_reply_keeps_existing_assignee(db, ticket_id) -> None:
    service = TicketService(db)
    assigned = service.assign(ticket_id, "阿杰", 1)
    after = service.send_reply(ticket_id, "小美", "帮同事回复一下", assigned.version)
    assert after.assignee == "阿杰"
    assert after.messages[-1].author == "小美"


def test_send_reply_with_stale_version_keeps_draft_and_writes_nothing(db, ticket_id, count_rows) -> None:
    service = TicketService(db)
    drafts = DraftService(db)
    drafts.save(ticket_id, "小美", "辛辛苦苦写的回复")
    stale = service.open(ticket_id, "小美").ticket.version
    service.set_status(ticket_id, TicketStatus.OPEN, stale)  # someone else changed it
    with pytest.raises(StaleTicketError):
        service.send_reply(ticket_id, "小美", "辛辛苦苦写的回复", stale)
    draft = drafts.load(ticket_id, "小美")
    assert draft is not None and draft.body == "辛辛苦苦写的回复"
    ticket = service.open(ticket_id, "小美").ticket
    assert ticket.status == "open"
    assert ticket.assignee is None
    assert count_rows(db, Message) == 1
    assert ticket.version == stale + 1


@pytest.mark.parametrize("body", ["", "   ", "\n\t "])
def test_empty_reply_refused(db, ticket_id, body, count_rows) -> None:
    with pytest.raises(EmptyReplyError):
        TicketService(db).send_reply(ticket_id, "小美", body, 1)
    assert count_rows(db, Message) == 1
    assert TicketService(db).open(ticket_id, "小美").ticket.version == 1


def test_send_reply_missing_ticket(db) -> None:
    with pytest.raises(TicketNotFound):
        TicketService(db).send_reply(404, "小美", "hi", 1)


# -- set_status / assign --------------------------------------------------------------------


def test_set_status_resolved_clears_waiting(db, ticket_id) -> None:
    detail = TicketService(db).set_status(ticket_id, TicketStatus.RESOLVED, 1)
    assert detail.status == "resolved"
    assert detail.waiting_since is None
    assert detail.version == 2


def test_set_status_open_keeps_waiting_since(db, ticket_id) -> None:
    detail = TicketService(db).set_status(ticket_id, TicketStatus.OPEN, 1)
    assert detail.status == "open"
    assert detail.waiting_since == T0


def test_reopening_starts_waiting_again(db, ticket_id) -> None:
    service = TicketService(db)
    resolved = service.set_status(ticket_id, TicketStatus.RESOLVED, 1)
    started = utcnow()
    reopened = service.set_status(ticket_id, TicketStatus.NEW, resolved.version)
    assert reopened.status == "new"
    assert reopened.waiting_since is not None and reopened.waiting_since >= started
    assert reopened.version == 3


def test_set_status_stale(db, ticket_id) -> None:
    service = TicketService(db)
    service.assign(ticket_id, "阿杰", 1)
    with pytest.raises(StaleTicketError):
        service.set_status(ticket_id, TicketStatus.RESOLVED, 1)
    assert service.open(ticket_id, "x").ticket.status == "new"


def test_set_status_missing(db) -> None:
    with pytest.raises(TicketNotFound):
        TicketService(db).set_status(404, TicketStatus.RESOLVED, 1)


def test_assign_and_unassign(db, ticket_id) -> None:
    service = TicketService(db)
    assigned = service.assign(ticket_id, "客服小美", 1)
    assert (assigned.assignee, assigned.version) == ("客服小美", 2)
    unassigned = service.assign(ticket_id, "", assigned.version)  # "" means nobody
    assert (unassigned.assignee, unassigned.version) == (None, 3)
    with pytest.raises(StaleTicketError):
        service.assign(ticket_id, "阿杰", assigned.version)
    assert service.open(ticket_id, "x").ticket.assignee is None


# -- drafts ---------------------------------------------------------------------------------


def test_draft_save_load_overwrite(db, ticket_id) -> None:
    drafts = DraftService(db)
    assert drafts.load(ticket_id, "小美") is None
    first = drafts.save(ticket_id, "小美", "第一版")
    assert first is not None and first.body == "第一版"
    second = drafts.save(ticket_id, "小美", "第二版")
    assert second is not None and second.updated_at >= first.updated_at
    loaded = drafts.load(ticket_id, "小美")
    assert loaded is not None
    assert (loaded.ticket_id, loaded.author, loaded.body) == (ticket_id, "小美", "第二版")


def test_drafts_are_per_author(db, ticket_id) -> None:
    drafts = DraftService(db)
    drafts.save(ticket_id, "小美", "A")
    drafts.save(ticket_id, "阿杰", "B")
    assert drafts.load(ticket_id, "小美").body == "A"  # type: ignore[union-attr]
    assert drafts.load(ticket_id, "阿杰").body == "B"  # type: ignore[union-attr]


@pytest.mark.parametrize("empty", ["", "  \n "])
def test_empty_draft_deletes(db, ticket_id, empty) -> None:
    drafts = DraftService(db)
    drafts.save(ticket_id, "小美", "写了一半")
    assert drafts.save(ticket_id, "小美", empty) is None
    assert drafts.load(ticket_id, "小美") is None
    # Deleting what does not exist is fine too.
    assert drafts.save(ticket_id, "小美", empty) is None


def test_draft_keeps_whitespace_verbatim(db, ticket_id) -> None:
    drafts = DraftService(db)
    drafts.save(ticket_id, "小美", "  您好，\n\n  换行保留  ")
    assert drafts.load(ticket_id, "小美").body == "  您好，\n\n  换行保留  "  # type: ignore[union-attr]
