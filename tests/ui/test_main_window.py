from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from desktop_app.services.container import Services
from desktop_app.services.tickets import TicketService
from desktop_app.store.schema import Ticket


def type_chinese(editor, text: str) -> None:
    """QTest cannot synthesise CJK key presses; commit the text as an input method does."""
    editor.setFocus()
    editor.insertPlainText(text)


def _current_title(window) -> str:
    return window.ticket_pane.title.text()


def test_keyboard_moves_and_opens_tickets(qtbot, main_window):
    table = main_window.queue_panel.table
    table.setFocus()
    first = main_window.ticket_pane.ticket_id
    qtbot.keyClick(table, Qt.Key.Key_Down)
    second_id = main_window.queue_model.ticket_id(1)
    qtbot.waitUntil(lambda: main_window.ticket_pane.ticket_id == second_id, timeout=3000)
    assert second_id != first
    qtbot.keyClick(table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: main_window.ticket_pane.editor.text_edit.hasFocus(), timeout=3000)
    external_id = main_window.queue_model.queue_row(1).external_id
    assert external_id in _current_title(main_window)


def test_slash_focuses_search_and_filters(qtbot, main_window):
    main_window.queue_panel.table.setFocus()
    qtbot.keyClick(main_window.queue_panel.table, Qt.Key.Key_Slash)
    assert main_window.queue_panel.search.hasFocus()
    main_window.queue_panel.search.insert("发票")  # as an input method commits it
    qtbot.waitUntil(lambda: main_window.queue_model.queue_filter.search == "发票", timeout=3000)
    qtbot.waitUntil(lambda: 0 < main_window.queue_model.rowCount() < 60, timeout=3000)
    for row in range(main_window.queue_model.rowCount()):
        queue_row = main_window.queue_model.queue_row(row)
        assert "发票" in queue_row.text + queue_row.customer


def test_next_unhandled_shortcut(qtbot, main_window, demo_db):
    expected = main_window.queue_service.next_unhandled("客服小美", main_window.ticket_pane.ticket_id)
    qtbot.keyClick(main_window.queue_panel.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: main_window.ticket_pane.ticket_id == expected, timeout=3000)
    assert main_window.ticket_pane.ticket.status in ("new", "open")


def test_send_reply_stores_message_and_updates_queue(qtbot, main_window, demo_db):
    pane = main_window.ticket_pane
    ticket_id = pane.ticket_id
    type_chinese(pane.editor.text_edit, "亲，已为您加急处理，请留意物流信息。")
    qtbot.mouseClick(pane.editor.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pane.ticket.status == "waiting_customer", timeout=3000)
    assert pane.editor.text == ""
    stored = TicketService(demo_db).open(ticket_id, "客服小美")
    assert stored.ticket.messages[-1].role == "agent"
    assert stored.ticket.messages[-1].text == "亲，已为您加急处理，请留意物流信息。"
    assert stored.ticket.assignee == "客服小美"
    assert stored.draft is None
    row = main_window.queue_model.row_of(ticket_id)
    qtbot.waitUntil(lambda: main_window.queue_model.queue_row(row).status == "waiting_customer", timeout=3000)


def test_draft_autosaves_and_survives_a_restart(qtbot, main_window, demo_db, demo_agent):
    from desktop_app.ui.workstation.main_window import MainWindow

    pane = main_window.ticket_pane
    ticket_id = pane.ticket_id
    type_chinese(pane.editor.text_edit, "您好，这边帮您查询一下")
    # The autosave heartbeat fires within a few seconds without any other action.
    qtbot.waitUntil(lambda: TicketService(demo_db).open(ticket_id, "客服小美").draft is not None, timeout=6000)
    assert TicketService(demo_db).open(ticket_id, "客服小美").draft.body == "您好，这边帮您查询一下"

    second = MainWindow(Services(demo_db), demo_agent)
    qtbot.addWidget(second)
    qtbot.waitUntil(lambda: second.ticket_pane.ticket_id == ticket_id, timeout=5000)
    qtbot.waitUntil(lambda: second.ticket_pane.editor.text == "您好，这边帮您查询一下", timeout=3000)
    assert "恢复" in second.ticket_pane.editor.state_label.text()
    second.close()


def test_closing_the_window_saves_the_last_keystrokes(qtbot, main_window, demo_db):
    pane = main_window.ticket_pane
    ticket_id = pane.ticket_id
    type_chinese(pane.editor.text_edit, "刚刚输入")
    main_window.close()
    assert TicketService(demo_db).open(ticket_id, "客服小美").draft.body == "刚刚输入"


def test_switching_tickets_keeps_each_draft(qtbot, main_window, demo_db):
    pane = main_window.ticket_pane
    first = pane.ticket_id
    type_chinese(pane.editor.text_edit, "第一张工单的草稿")
    qtbot.keyClick(main_window.queue_panel.table, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: pane.ticket_id != first, timeout=3000)
    assert pane.editor.text == ""
    main_window.writer.wait(3000)
    assert TicketService(demo_db).open(first, "客服小美").draft.body == "第一张工单的草稿"


def test_stale_ticket_keeps_the_reply(qtbot, main_window, demo_db):
    pane = main_window.ticket_pane
    ticket_id = pane.ticket_id
    with demo_db.session() as session:  # another agent changes the ticket meanwhile
        session.get(Ticket, ticket_id).version += 1
    type_chinese(pane.editor.text_edit, "我的回复")
    qtbot.mouseClick(pane.editor.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pane.banner.isVisible(), timeout=3000)
    assert pane.editor.text == "我的回复"
    assert TicketService(demo_db).open(ticket_id, "客服小美").ticket.messages[-1].text != "我的回复"
    qtbot.waitUntil(lambda: pane.ticket.version == 2, timeout=3000)
    qtbot.mouseClick(pane.editor.send_button, Qt.MouseButton.LeftButton)  # after the reload, it goes through
    qtbot.waitUntil(lambda: pane.ticket.status == "waiting_customer", timeout=3000)


def test_status_and_assignee_controls(qtbot, main_window, demo_db):
    pane = main_window.ticket_pane
    ticket_id = pane.ticket_id
    qtbot.mouseClick(pane.take_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pane.ticket.assignee == "客服小美", timeout=3000)
    assert pane.ticket.claimed_by == "客服小美" and pane.ticket.claim_until is not None  # a leased claim
    assert main_window.claimed_id == ticket_id  # the heartbeat renews it while it is open
    pane.status_box.setCurrentIndex(pane.status_box.findData("resolved"))
    pane.status_box.activated.emit(pane.status_box.currentIndex())
    qtbot.waitUntil(lambda: pane.ticket.status == "resolved", timeout=3000)
    ticket = TicketService(demo_db).open(ticket_id, "客服小美").ticket
    assert (ticket.status, ticket.assignee, ticket.waiting_since) == ("resolved", "客服小美", None)


def test_gui_import_reports_and_refreshes(qtbot, main_window, tmp_path: Path):
    path = tmp_path / "taobao.csv"
    path.write_text("订单号,买家昵称,问题描述,创建时间\n111,新买家,什么时候发货,2026-11-20 10:00\n222,坏行\n", "gbk")
    controller = main_window.start_import(path, [])
    with qtbot.waitSignal(controller.finished, timeout=10000) as blocker:
        pass
    report = blocker.args[0]
    assert (report.imported, report.skipped) == (1, 1)
    assert report.errors[0].line == 3
    qtbot.waitUntil(lambda: main_window.queue_model.total == 61, timeout=3000)


def test_taking_a_ticket_a_colleague_claimed_says_who(qtbot, main_window, demo_db, demo_supervisor):
    from desktop_app.services.access import Role
    from desktop_app.services.accounts import AccountService
    from desktop_app.services.claims import ClaimService

    pane = main_window.ticket_pane
    ticket_id = pane.ticket_id
    colleague = AccountService(demo_db).add_user("客服小李", "colleague pass", Role.AGENT, actor=demo_supervisor)
    version = TicketService(demo_db).open(ticket_id, "客服小李").ticket.version
    ClaimService(demo_db).claim(colleague, ticket_id, version)  # between this agent's look and click
    qtbot.mouseClick(pane.take_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "客服小李 正在处理" in pane.banner.text(), timeout=3000)
    assert TicketService(demo_db).open(ticket_id, "客服小美").ticket.claimed_by == "客服小李"
    assert main_window.claimed_id != ticket_id
