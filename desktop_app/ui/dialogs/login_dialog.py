"""Signing in before the workstation opens, or, on first run, creating the supervisor account.

Checking a password costs one scrypt run (about 50 ms) plus a database read; both run in
a ``TaskRunner`` so that the window keeps painting, and errors appear inline under the
fields instead of in a message box, with the password cleared and focused for a retry.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from desktop_app.services.access import Role, User
from desktop_app.services.accounts import (
    MIN_PASSWORD_LENGTH,
    AccountError,
    AccountService,
    AuthenticationFailed,
    UserExistsError,
    WeakPasswordError,
)
from desktop_app.ui.common import palette
from desktop_app.ui.common.workers import TaskRunner


class LoginDialog(QDialog):
    """``exec()`` returns Accepted with ``user`` set once the person is signed in.

    ``first_run`` (no accounts yet) turns it into "create the first supervisor": a
    password confirmation field appears and the new account is signed in at once. When
    not given it is asked of ``accounts`` (one quick query).
    """

    signed_in = Signal(object)  # the User

    def __init__(
        self,
        accounts: AccountService,
        runner: TaskRunner | None = None,
        parent: QWidget | None = None,
        first_run: bool | None = None,
    ) -> None:
        super().__init__(parent)
        self.accounts = accounts
        self.runner = runner or TaskRunner(max_threads=1, parent=self)
        self.first_run = (not accounts.has_users()) if first_run is None else first_run
        self.user: User | None = None
        self.busy = False
        self._cancelled = False

        self.setWindowTitle(self.tr("创建主管账号") if self.first_run else self.tr("登录售后助手"))
        self.intro = QLabel(
            self.tr("首次使用：请创建主管账号。主管登录后可以添加坐席账号。")
            if self.first_run
            else self.tr("请输入用户名和密码。")
        )
        self.intro.setWordWrap(True)
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(100)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm_edit = QLineEdit()
        self.confirm_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("创建并登录") if self.first_run else self.tr("登录"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout(self)
        form.addRow(self.intro)
        form.addRow(self.tr("用户名"), self.name_edit)
        form.addRow(self.tr("密码"), self.password_edit)
        if self.first_run:
            self.password_edit.setPlaceholderText(self.tr("至少 %1 个字符").replace("%1", str(MIN_PASSWORD_LENGTH)))
            form.addRow(self.tr("确认密码"), self.confirm_edit)
        else:
            self.confirm_edit.hide()
        form.addRow(self.error_label)
        form.addRow(self.buttons)
        self.resize(380, 0)

    # -- submitting ----------------------------------------------------------------
    def submit(self) -> None:
        """Check the fields, then sign in (or create the account) in the background."""
        if self.busy:
            return
        name, password = self.name_edit.text().strip(), self.password_edit.text()
        if not name:
            self._show_error(self.tr("请输入用户名。"), self.name_edit)
            return
        if self.first_run:
            if len(password) < MIN_PASSWORD_LENGTH:
                self._show_error(self._too_short(), self.password_edit)
                return
            if password != self.confirm_edit.text():
                self._show_error(self.tr("两次输入的密码不一致。"), self.confirm_edit)
                return
        elif not password:
            self._show_error(self.tr("请输入密码。"), self.password_edit)
            return
        self._set_busy(True)
        accounts = self.accounts
        if self.first_run:
            task = lambda: accounts.add_user(name, password, Role.SUPERVISOR, actor=None)  # noqa: E731
        else:
            task = lambda: accounts.authenticate(name, password)  # noqa: E731
        self.runner.submit(task, self._succeeded, self._failed)

    def reject(self) -> None:
        self.busy = False  # a sign-in still running is ignored when it finishes
        self._cancelled = True
        super().reject()

    def _succeeded(self, user: User) -> None:
        if self._cancelled:
            return
        self._set_busy(False)
        self.user = user
        self.signed_in.emit(user)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        if self._cancelled:
            return
        self._set_busy(False)
        self.password_edit.clear()
        self.confirm_edit.clear()
        self._show_error(self._explain(error), self.password_edit)

    # -- helpers -------------------------------------------------------------------
    def _explain(self, error: BaseException) -> str:
        if isinstance(error, AuthenticationFailed):
            if "disabled" in str(error):
                return self.tr("该账号已停用，请联系主管。")
            return self.tr("用户名或密码错误。")
        if isinstance(error, WeakPasswordError):
            return self._too_short()
        if isinstance(error, UserExistsError):
            return self.tr("该用户名已存在。")
        if isinstance(error, AccountError):
            return str(error)  # already bilingual: 中文 / English
        return self.tr("无法登录：%1").replace("%1", str(error) or type(error).__name__)

    def _too_short(self) -> str:
        return self.tr("密码至少 %1 个字符。").replace("%1", str(MIN_PASSWORD_LENGTH))

    def _show_error(self, message: str, focus: QLineEdit) -> None:
        self.error_label.setStyleSheet(f"color: {palette.ALARM};")
        self.error_label.setText(message)
        self.error_label.show()
        focus.setFocus()

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for widget in (self.name_edit, self.password_edit, self.confirm_edit, self.buttons):
            widget.setEnabled(not busy)
        if busy:
            self.error_label.setStyleSheet("color: palette(mid);")
            self.error_label.setText(self.tr("正在验证…"))
            self.error_label.show()
        else:
            self.error_label.hide()
