"""The sign-in dialog: first-run supervisor creation, sign-in, inline errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.events import deliver_posted_events
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from desktop_app.services.access import Role
from desktop_app.services.accounts import AccountService
from desktop_app.store.database import Database
from desktop_app.ui.dialogs.login_dialog import LoginDialog

PASSWORD = "correct horse"


@pytest.fixture
def accounts(tmp_path: Path):  # type: ignore[no-untyped-def]
    db = Database.open(f"sqlite:///{tmp_path / 'login.db'}")
    yield AccountService(db)
    db.close()


def _dialog(qtbot, accounts: AccountService) -> LoginDialog:  # type: ignore[no-untyped-def]
    dialog = LoginDialog(accounts)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _fill(qtbot, dialog: LoginDialog, name: str, password: str, confirm: str | None = None) -> None:  # type: ignore[no-untyped-def]
    dialog.name_edit.setText(name)
    dialog.password_edit.setText(password)
    if confirm is not None:
        dialog.confirm_edit.setText(confirm)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)


def test_first_run_creates_the_supervisor(qtbot, accounts: AccountService) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, accounts)
    assert dialog.first_run and dialog.confirm_edit.isVisible()
    _fill(qtbot, dialog, "主管老王", "short", "short")
    assert dialog.error_label.isVisible() and "8" in dialog.error_label.text()
    _fill(qtbot, dialog, "主管老王", PASSWORD, PASSWORD + "x")
    assert dialog.error_label.text() == "两次输入的密码不一致。"
    assert not accounts.has_users()
    with qtbot.waitSignal(dialog.signed_in, timeout=5000) as signal:
        _fill(qtbot, dialog, "主管老王", PASSWORD, PASSWORD)
    assert signal.args[0].role is Role.SUPERVISOR
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.user == signal.args[0]
    assert accounts.authenticate("主管老王", PASSWORD) == dialog.user


def test_sign_in_and_wrong_password(qtbot, accounts: AccountService) -> None:  # type: ignore[no-untyped-def]
    boss = accounts.add_user("主管老王", PASSWORD, Role.SUPERVISOR, actor=None)
    accounts.add_user("客服小美", PASSWORD, Role.AGENT, actor=boss)
    dialog = _dialog(qtbot, accounts)
    assert not dialog.first_run and not dialog.confirm_edit.isVisible()
    _fill(qtbot, dialog, "", PASSWORD)
    assert dialog.error_label.text() == "请输入用户名。"
    _fill(qtbot, dialog, "客服小美", "wrong password")
    qtbot.waitUntil(lambda: dialog.error_label.text() == "用户名或密码错误。", timeout=5000)
    assert dialog.isVisible() and dialog.user is None
    assert dialog.password_edit.text() == "" and dialog.name_edit.isEnabled()
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        _fill(qtbot, dialog, "客服小美", PASSWORD)
    assert dialog.user is not None and dialog.user.role is Role.AGENT


def test_cancel_while_checking_ignores_the_result(qtbot, accounts: AccountService) -> None:  # type: ignore[no-untyped-def]
    accounts.add_user("主管老王", PASSWORD, Role.SUPERVISOR, actor=None)
    dialog = _dialog(qtbot, accounts)
    _fill(qtbot, dialog, "主管老王", PASSWORD)
    dialog.reject()
    dialog.runner.wait(5000)
    deliver_posted_events()
    assert dialog.result() == QDialog.DialogCode.Rejected and dialog.user is None
