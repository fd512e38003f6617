"""Signing in at start-up, and what the signed-in role changes in the workstation."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from desktop_app.domain.records import MessageRecord, NewTicket
from desktop_app.services.access import PermissionDenied, Role, User
from desktop_app.services.accounts import AccountService
from desktop_app.services.audit import AuditAction
from desktop_app.services.container import Services
from desktop_app.services.tickets import TicketService
from desktop_app.store.audit import AuditRepository
from desktop_app.store.tickets import TicketRepository
from desktop_app.ui.dialogs.login_dialog import LoginDialog

PASSWORD = "correct horse"
PHONE = "13812345678"


def _when_dialog_shows(qtbot, act) -> None:  # type: ignore[no-untyped-def]
    """Run ``act(dialog)`` once the (modal, exec'd) sign-in dialog is up."""

    def poll() -> None:
        dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, LoginDialog) and w.isVisible()]
        if dialogs:
            act(dialogs[0])
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)


def _open_window(qtbot, db, user: User):  # type: ignore[no-untyped-def]
    from desktop_app.ui.workstation.main_window import MainWindow

    window = MainWindow(Services(db), user)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.ticket_pane.ticket is not None, timeout=5000)
    return window


def _add_ticket_with_phone(db) -> int:  # type: ignore[no-untyped-def]
    from datetime import datetime

    ticket = NewTicket(
        external_id="PII-1",
        text=f"收件人：张三，电话 {PHONE}，快递还没到",
        created_at=datetime(2020, 1, 1, 8, 0),  # the oldest: first in the queue
        customer="张三",
        channel="淘宝",
        order_id="",
        product="",
        messages=(MessageRecord("customer", f"收件人：张三，电话 {PHONE}，快递还没到", datetime(2020, 1, 1, 8, 0)),),
    )
    with db.session() as session:
        TicketRepository(session).insert_many([ticket])
    return _ticket_id(db, "PII-1")


def _ticket_id(db, external_id: str) -> int:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from desktop_app.store.schema import Ticket

    with db.session() as session:
        return int(session.scalar(select(Ticket.id).where(Ticket.external_id == external_id)))


def _reveals(db) -> list:  # type: ignore[no-untyped-def]
    with db.session() as session:
        return [r for r in AuditRepository(session).page(100) if r.action == AuditAction.REVEAL]


def test_first_start_creates_the_supervisor_and_opens_the_workstation(qtbot, demo_db):
    from desktop_app.ui.app import start_workstation

    def create(dialog: LoginDialog) -> None:
        assert dialog.first_run
        dialog.name_edit.setText("主管老王")
        dialog.password_edit.setText(PASSWORD)
        dialog.confirm_edit.setText(PASSWORD)
        dialog.submit()

    _when_dialog_shows(qtbot, create)
    window = start_workstation(Services(demo_db))
    assert window is not None
    qtbot.addWidget(window)
    assert window.user is not None and window.user.role is Role.SUPERVISOR
    assert window.agent == window.ticket_pane.agent == "主管老王"
    assert "主管老王" in window.status_agent.text()
    assert AccountService(demo_db).authenticate("主管老王", PASSWORD).role is Role.SUPERVISOR
    qtbot.waitUntil(lambda: window.ticket_pane.ticket is not None, timeout=5000)
    assert window.ticket_pane.reveal_button.isVisible()
    window.close()


def test_sign_in_as_an_agent_and_cancel(qtbot, demo_db):
    from desktop_app.ui.app import start_workstation

    accounts = AccountService(demo_db)
    boss = accounts.add_user("主管老王", PASSWORD, Role.SUPERVISOR, actor=None)
    accounts.add_user("客服小美", PASSWORD, Role.AGENT, actor=boss)

    def sign_in(dialog: LoginDialog) -> None:
        assert not dialog.first_run
        dialog.name_edit.setText("客服小美")
        dialog.password_edit.setText(PASSWORD)
        dialog.submit()

    _when_dialog_shows(qtbot, sign_in)
    window = start_workstation(Services(demo_db))
    assert window is not None and window.user.name == "客服小美" and window.user.role is Role.AGENT
    qtbot.addWidget(window)
    window.close()

    _when_dialog_shows(qtbot, lambda dialog: dialog.reject())
    assert start_workstation(Services(demo_db)) is None  # cancelled: no window, the app exits


def test_an_agent_sees_no_reveal_and_the_services_refuse(qtbot, demo_db):
    accounts = AccountService(demo_db)
    boss = accounts.add_user("主管老王", PASSWORD, Role.SUPERVISOR, actor=None)
    agent = accounts.add_user("客服小美", PASSWORD, Role.AGENT, actor=boss)
    window = _open_window(qtbot, demo_db, agent)
    pane = window.ticket_pane
    assert pane.reveal_button.isHidden()
    assert not window.is_supervisor
    pane.reveal()  # even when asked directly, the service refuses and nothing is logged
    qtbot.waitUntil(lambda: pane.banner.isVisible(), timeout=3000)
    assert "权限不足" in pane.banner.text() and pane.reveal_dialog is None
    assert _reveals(demo_db) == []
    with pytest.raises(PermissionDenied):
        window.add_supervisor_tab(QWidget(), "主管")
    assert window.tabs is None and window.desk is None  # no supervisor desk for agents
    window.close()


def test_an_agent_cannot_take_a_colleagues_ticket(qtbot, demo_db):
    accounts = AccountService(demo_db)
    boss = accounts.add_user("主管老王", PASSWORD, Role.SUPERVISOR, actor=None)
    agent = accounts.add_user("客服小美", PASSWORD, Role.AGENT, actor=boss)
    window = _open_window(qtbot, demo_db, agent)
    pane = window.ticket_pane
    ticket_id = pane.ticket_id
    tickets = TicketService(demo_db)
    version = tickets.open(ticket_id, "x").ticket.version
    tickets.assign(ticket_id, "客服小王", version, actor=boss)  # a colleague has it now
    pane._assign("客服小美")  # the pane still shows it unassigned
    qtbot.waitUntil(lambda: pane.banner.isVisible(), timeout=3000)
    assert "处理人没有改成功" in pane.banner.text() and "权限不足" in pane.banner.text()
    assert tickets.open(ticket_id, "x").ticket.assignee == "客服小王"
    window.close()


def test_a_supervisor_reveals_the_original_text_and_it_is_audited(qtbot, demo_db):
    ticket_id = _add_ticket_with_phone(demo_db)
    boss = AccountService(demo_db).add_user("主管老王", PASSWORD, Role.SUPERVISOR, actor=None)
    window = _open_window(qtbot, demo_db, boss)
    pane = window.ticket_pane
    pane.open_ticket(ticket_id)
    qtbot.waitUntil(lambda: pane.ticket_id == ticket_id, timeout=5000)
    assert PHONE not in pane.conversation.toPlainText()  # masked on screen
    assert pane.reveal_button.isVisible()
    qtbot.mouseClick(pane.reveal_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pane.reveal_dialog is not None and pane.reveal_dialog.isVisible(), timeout=5000)
    assert PHONE in pane.reveal_dialog.text.toPlainText()
    assert "审计日志" in pane.reveal_dialog.notice.text()
    reveals = _reveals(demo_db)
    assert [(r.actor, r.ticket_id) for r in reveals] == [("主管老王", ticket_id)]

    # A supervisor's window opens with the desk beside the workstation.
    assert window.tabs is not None and window.tabs.count() == 2
    assert window.tabs.widget(0) is window.workstation and window.tabs.widget(1) is window.desk
    index = window.add_supervisor_tab(QLabel("图表"), "图表")
    assert index == 2 and window.tabs.count() == 3
    window.close()
