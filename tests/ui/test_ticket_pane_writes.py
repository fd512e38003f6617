"""The ticket pane's writes: quick successive edits, failure banners, drafts that must not be lost."""

from __future__ import annotations

import logging

import pytest
from helpers.events import deliver_posted_events
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from desktop_app.services.tickets import StaleTicketError, TicketService
from desktop_app.store.schema import Feedback, Ticket

AGENT = "客服小美"
SQL_ERROR = OperationalError("UPDATE tickets SET assignee=? WHERE tickets.id = ?", {}, Exception("database is locked"))


def _stored(db, ticket_id: int):  # type: ignore[no-untyped-def]
    return TicketService(db).open(ticket_id, AGENT)


def _choose_status(pane, status: str) -> None:  # type: ignore[no-untyped-def]
    pane.status_box.setCurrentIndex(pane.status_box.findData(status))
    pane.status_box.activated.emit(pane.status_box.currentIndex())


def _other_ticket(window) -> int:  # type: ignore[no-untyped-def]
    return next(tid for tid in window.queue_model.ticket_ids() if tid != window.ticket_pane.ticket_id)


def _bump_version(db, ticket_id: int) -> None:  # type: ignore[no-untyped-def]
    """Another agent changes the ticket meanwhile."""
    with db.session() as session:
        session.get(Ticket, ticket_id).version += 1


# -- 1: the same agent's quick successive edits -------------------------------------------
def test_send_then_change_status_before_the_send_returns(qtbot, main_window, demo_db):
    pane = main_window.ticket_pane
    ticket_id, version = pane.ticket_id, pane.ticket.version
    pane.editor.text_edit.insertPlainText("马上为您处理")
    # Both clicks happen before the writer's answer to the first one reaches the GUI thread.
    pane.editor.sendRequested.emit(pane.editor.text)
    _choose_status(pane, "resolved")
    main_window.writer.wait(5000)
    qtbot.waitUntil(lambda: pane.ticket.status == "resolved", timeout=3000)
    assert not pane.banner.isVisible(), pane.banner.text()
    stored = _stored(demo_db, ticket_id).ticket
    assert (stored.status, stored.messages[-1].text) == ("resolved", "马上为您处理")
    assert pane.ticket.version == stored.version == version + 2


def test_two_quick_corrections_both_land(qtbot, main_window, demo_db):
    pane = main_window.ticket_pane
    ticket_id = pane.ticket_id
    intent = next(a for a in pane.intent_menu.actions() if a.data() == "invoice")
    sentiment = next(a for a in pane.sentiment_menu.actions() if a.data() == "negative")
    intent.trigger()
    sentiment.trigger()  # before the first correction's answer arrives
    main_window.writer.wait(5000)
    qtbot.waitUntil(lambda: pane.ticket.sentiment == "negative", timeout=3000)
    assert pane.ticket.intent == "invoice"
    assert not pane.banner.isVisible(), pane.banner.text()
    with demo_db.session() as session:
        tasks = session.scalars(select(Feedback.task).where(Feedback.ticket_id == ticket_id).order_by(Feedback.id))
        assert list(tasks) == ["intent", "sentiment"]


def test_someone_elses_change_still_makes_a_queued_edit_stale(qtbot, main_window, demo_db):
    pane = main_window.ticket_pane
    ticket_id = pane.ticket_id
    _bump_version(demo_db, ticket_id)
    _choose_status(pane, "resolved")
    qtbot.waitUntil(lambda: pane.banner.isVisible(), timeout=3000)
    assert _stored(demo_db, ticket_id).ticket.status != "resolved"


# -- 2: what a failed edit says and does ---------------------------------------------------
def test_stale_status_change_names_the_status_not_the_reply(qtbot, main_window, demo_db):
    pane = main_window.ticket_pane
    ticket_id, version = pane.ticket_id, pane.ticket.version
    _bump_version(demo_db, ticket_id)
    _choose_status(pane, "resolved")
    qtbot.waitUntil(lambda: pane.banner.isVisible(), timeout=3000)
    text = pane.banner.text()
    assert "状态没有改成功" in text and "已重新载入" in text
    assert "回复" not in text
    qtbot.waitUntil(lambda: pane.ticket.version == version + 1, timeout=3000)  # reloaded
    _choose_status(pane, "resolved")  # and now it goes through
    qtbot.waitUntil(lambda: pane.ticket.status == "resolved", timeout=3000)


def test_failed_assignment_shows_no_sql(qtbot, main_window, monkeypatch, caplog):
    pane = main_window.ticket_pane

    def locked(*_args: object, **_kwargs: object) -> None:
        raise SQL_ERROR

    monkeypatch.setattr(pane._tickets, "assign", locked)
    monkeypatch.setattr(main_window.claims, "claim", locked)  # 领取 on an unhandled ticket claims it
    with caplog.at_level(logging.ERROR, logger="desktop_app.ui.workstation.ticket_pane"):
        (pane.take_button if pane.take_button.isEnabled() else pane.release_button).click()
        qtbot.waitUntil(lambda: pane.banner.isVisible(), timeout=3000)
    text = pane.banner.text()
    assert "处理人没有改成功" in text
    for raw in ("UPDATE", "tickets", "database is locked", "sqlalchemy", "OperationalError"):
        assert raw not in text
    assert "database is locked" in caplog.text  # the details are in the log


def test_failed_status_change_puts_the_status_box_back(qtbot, main_window, monkeypatch):
    pane = main_window.ticket_pane
    before = pane.ticket.status

    def locked(*_args: object, **_kwargs: object) -> None:
        raise SQL_ERROR

    monkeypatch.setattr(pane._tickets, "set_status", locked)
    _choose_status(pane, "resolved")
    qtbot.waitUntil(lambda: pane.banner.isVisible(), timeout=3000)
    assert "状态没有改成功" in pane.banner.text()
    assert pane.status_box.currentData() == before != "resolved"


def test_stale_write_for_a_ticket_no_longer_open_does_not_reload_this_one(qtbot, main_window, monkeypatch):
    pane = main_window.ticket_pane
    first = pane.ticket
    other = _other_ticket(main_window)
    pane.open_ticket(other)
    qtbot.waitUntil(lambda: pane.ticket_id == other, timeout=3000)
    opened: list[int] = []
    real_open = pane._tickets.open
    monkeypatch.setattr(pane._tickets, "open", lambda tid, agent: opened.append(tid) or real_open(tid, agent))
    pane._write_failed(first.id, first.external_id, pane.STATUS, StaleTicketError("stale"))
    main_window.reader.wait(3000)
    deliver_posted_events()
    assert opened == []
    assert pane.ticket_id == other
    assert first.external_id in pane.banner.text() and "状态没有改成功" in pane.banner.text()


def test_reload_does_not_cancel_a_newer_open(qtbot, main_window):
    pane = main_window.ticket_pane
    other = _other_ticket(main_window)
    pane.open_ticket(other)  # in flight
    pane.reload()  # e.g. a conflict on the ticket being left
    qtbot.waitUntil(lambda: pane.ticket_id == other, timeout=3000)
    main_window.reader.wait(3000)
    deliver_posted_events()
    assert pane.ticket_id == other


# -- 3: keystrokes typed while the next ticket loads ----------------------------------------
def test_text_typed_while_switching_is_saved_to_the_ticket_it_was_typed_on(qtbot, main_window, demo_db):
    pane = main_window.ticket_pane
    first = pane.ticket_id
    other = _other_ticket(main_window)
    pane.editor.text_edit.insertPlainText("第一段")
    pane.open_ticket(other)  # flushes "第一段"
    pane.editor.text_edit.insertPlainText("，第二段")  # before the other ticket arrives
    qtbot.waitUntil(lambda: pane.ticket_id == other, timeout=3000)
    main_window.writer.wait(3000)
    deliver_posted_events()
    assert _stored(demo_db, first).draft.body == "第一段，第二段"
    assert _stored(demo_db, other).draft is None
    assert pane.editor.text == ""


# -- 4: a failed autosave is retried ------------------------------------------------------
@pytest.fixture
def flaky_drafts(main_window, monkeypatch):  # type: ignore[no-untyped-def]
    """The first draft save fails as a locked database would; later ones work."""
    drafts = main_window.ticket_pane._drafts
    real_save = drafts.save
    calls: list[str] = []

    def save(ticket_id: int, body: str, *, actor):  # type: ignore[no-untyped-def]
        calls.append(body)
        if len(calls) == 1:
            raise OperationalError("INSERT INTO drafts (body) VALUES (?)", {}, Exception("database is locked"))
        return real_save(ticket_id, body, actor=actor)

    monkeypatch.setattr(drafts, "save", save)
    return calls


def test_failed_autosave_is_retried_on_close(qtbot, main_window, demo_db, flaky_drafts):
    pane = main_window.ticket_pane
    ticket_id = pane.ticket_id
    pane.editor.text_edit.insertPlainText("重要的草稿")
    pane.editor.flush()
    qtbot.waitUntil(lambda: pane.banner.isVisible(), timeout=3000)
    assert "草稿没有保存成功" in pane.banner.text() and "INSERT" not in pane.banner.text()
    assert pane.editor.dirty
    main_window.close()
    assert flaky_drafts == ["重要的草稿", "重要的草稿"]
    assert _stored(demo_db, ticket_id).draft.body == "重要的草稿"


def test_failed_autosave_is_retried_by_the_heartbeat(qtbot, main_window, demo_db, flaky_drafts):
    pane = main_window.ticket_pane
    ticket_id = pane.ticket_id
    pane.editor.text_edit.insertPlainText("重要的草稿")
    pane.editor.flush()
    qtbot.waitUntil(lambda: pane.banner.isVisible(), timeout=3000)
    # No keystroke after the failure: the heartbeat alone saves it.
    qtbot.waitUntil(lambda: _stored(demo_db, ticket_id).draft is not None, timeout=8000)
    assert _stored(demo_db, ticket_id).draft.body == "重要的草稿"


# -- 9: layout -----------------------------------------------------------------------------
def test_order_and_tag_boxes_share_the_width(main_window):
    pane = main_window.ticket_pane
    layout = pane.order_box.parentWidget().layout()
    side = next(
        layout.itemAt(i).layout()
        for i in range(layout.count())
        if layout.itemAt(i).layout() is not None and layout.itemAt(i).layout().indexOf(pane.order_box) >= 0
    )
    assert side.stretch(side.indexOf(pane.order_box)) == side.stretch(side.indexOf(pane.tag_box)) > 0
