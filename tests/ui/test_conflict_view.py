"""A send refused because the ticket moved on: the conflict view, never a silent overwrite."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication

from desktop_app.services.drafts import DraftService
from desktop_app.services.tickets import TicketService
from desktop_app.store.schema import Ticket
from desktop_app.ui.dialogs.conflict_dialog import ConflictChoice

MINE = "您好，我这边马上为您登记退款。"
THEIRS = "主管：已为您安排原路退款，1-3个工作日到账。"


def _take_and_let_the_supervisor_answer(qtbot, window, db, supervisor) -> int:  # type: ignore[no-untyped-def]
    """The agent holds the open ticket; the supervisor answers it meanwhile (it stays the agent's)."""
    pane = window.ticket_pane
    pane.take_button.click()
    qtbot.waitUntil(lambda: pane.ticket.assignee == window.user.name, timeout=5000)
    window.writer.wait(5000)
    ticket_id = pane.ticket_id
    current = TicketService(db).open(ticket_id, supervisor.name).ticket
    TicketService(db).send_reply(ticket_id, THEIRS, current.version, actor=supervisor)
    return ticket_id


def _send_mine(qtbot, pane) -> None:  # type: ignore[no-untyped-def]
    pane.editor.text_edit.setFocus()
    pane.editor.text_edit.insertPlainText(MINE)
    pane.editor.sendRequested.emit(pane.editor.text)
    qtbot.waitUntil(lambda: pane.conflict_dialog is not None and pane.conflict_dialog.isVisible(), timeout=5000)


def test_a_refused_send_shows_the_new_reply_beside_mine(qtbot, main_window, demo_db, demo_supervisor):
    pane = main_window.ticket_pane
    ticket_id = _take_and_let_the_supervisor_answer(qtbot, main_window, demo_db, demo_supervisor)
    _send_mine(qtbot, pane)
    dialog = pane.conflict_dialog
    assert THEIRS in dialog.arrived_view.toPlainText()
    assert demo_supervisor.name in dialog.arrived_view.toPlainText()
    assert dialog.mine_view.toPlainText() == MINE
    stored = TicketService(demo_db).open(ticket_id, demo_supervisor.name).ticket
    assert [m.text for m in stored.messages].count(MINE) == 0, "the refused reply was sent anyway"

    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == MINE
    assert dialog.isVisible(), "copying keeps the choice open"

    dialog.keep_button.click()
    qtbot.waitUntil(lambda: pane.conflict_dialog is None, timeout=3000)
    assert pane.editor.text == MINE
    # Kept: the agent sends again, now answering the conversation they have seen.
    pane.editor.sendRequested.emit(pane.editor.text)
    main_window.writer.wait(5000)
    qtbot.waitUntil(lambda: pane.ticket.messages[-1].text == MINE, timeout=5000)
    texts = [m.text for m in TicketService(demo_db).open(ticket_id, demo_supervisor.name).ticket.messages]
    assert texts[-2:] == [THEIRS, MINE]


def test_discarding_my_reply_empties_the_editor_and_drops_the_draft(qtbot, main_window, demo_db, demo_supervisor):
    pane = main_window.ticket_pane
    ticket_id = _take_and_let_the_supervisor_answer(qtbot, main_window, demo_db, demo_supervisor)
    _send_mine(qtbot, pane)
    main_window.writer.wait(5000)
    assert DraftService(demo_db).load(ticket_id, main_window.user.name) is not None, "the reply is kept as a draft until decided"
    pane.conflict_dialog.discard_button.click()
    qtbot.waitUntil(lambda: pane.conflict_dialog is None, timeout=3000)
    assert pane.editor.text == ""
    main_window.writer.wait(5000)
    qtbot.waitUntil(lambda: DraftService(demo_db).load(ticket_id, main_window.user.name) is None, timeout=3000)


def test_closing_the_conflict_view_keeps_my_reply(qtbot, main_window, demo_db, demo_supervisor):
    pane = main_window.ticket_pane
    _take_and_let_the_supervisor_answer(qtbot, main_window, demo_db, demo_supervisor)
    _send_mine(qtbot, pane)
    dialog = pane.conflict_dialog
    dialog.reject()  # Esc
    assert dialog.choice is ConflictChoice.KEEP_MINE
    qtbot.waitUntil(lambda: pane.conflict_dialog is None, timeout=3000)
    assert pane.editor.text == MINE


def test_a_stale_send_without_new_messages_only_reloads(qtbot, main_window, demo_db):
    pane = main_window.ticket_pane
    ticket_id = pane.ticket_id
    with demo_db.session() as session:
        session.get(Ticket, ticket_id).version += 1  # a colleague changed something other than the talk
    pane.editor.text_edit.insertPlainText(MINE)
    pane.editor.sendRequested.emit(pane.editor.text)
    qtbot.waitUntil(lambda: "没有新消息" in pane.banner.text(), timeout=5000)
    assert pane.conflict_dialog is None
    assert pane.editor.text == MINE
