"""``aftersales smoke-gui``: the whole GUI, end to end, with nobody at the keyboard.

For a build that cannot be looked at (the standalone bundle, a CI runner, ``QT_QPA_PLATFORM=offscreen``):
on a throw-away SQLite database seeded with the demo tickets and a demo agent, it signs in
through the real sign-in dialog, waits for the queue, the tagger and the drafter, opens a
ticket and waits for its AI draft (the drafter runs in a child process, the part a frozen
app most easily gets wrong), then closes the window the normal way. Each step is printed
to stderr; the exit status is 0 only if every step passed within its time.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QObject, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from desktop_app.services.access import Role
from desktop_app.services.container import Services
from desktop_app.ui.app import WorkstationSession, install_translation

if TYPE_CHECKING:
    from desktop_app.ui.workstation.main_window import MainWindow

AGENT = "客服小美"
SUPERVISOR = "主管老王"
PASSWORD = "smoke-test-only"
POLL_MS = 50


class GuiSmoke(QObject):
    """Runs the steps in order on the event loop; ``failure`` says which one did not pass."""

    def __init__(self, services: Services, step_timeout_s: float) -> None:
        super().__init__()
        self.services = services
        self.step_timeout_s = step_timeout_s
        self.failure: str | None = None
        self.session = WorkstationSession(services)
        self.opened_id: int | None = None
        self.drafted: set[int] = set()
        self._steps: list[tuple[str, Callable[[], bool]]] = [
            ("the queue shows the demo tickets", self._queue_loaded),
            ("the tagger is loaded", lambda: self.window.tagging.tagger is not None),
            ("the drafter is loaded", lambda: self.window.drafting.ready),
            ("a ticket is open", self._ticket_opened),
            ("its AI draft came back", lambda: self.opened_id in self.drafted),
        ]
        self._timer = QTimer(self, interval=POLL_MS)
        self._timer.timeout.connect(self._poll)

    @property
    def window(self) -> MainWindow:
        window = self.session.window
        assert window is not None, "the steps run once the session has opened its window"
        return window

    def run(self) -> int:
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        previous_hook = self._previous_hook = sys.excepthook  # the diagnostics' hook logs it, then we fail
        sys.excepthook = self._uncaught
        try:
            self.session.ended.connect(app.quit)
            app.setQuitOnLastWindowClosed(False)
            self._started = time.monotonic()
            QTimer.singleShot(0, self._fill_sign_in)
            if not self.session.start():
                self._fail("sign-in: the dialog was closed without signing in")
                return 1
            if self.window.user.name != AGENT:
                self._fail(f"signed in as {self.window.user.name}, not {AGENT}")
            else:
                self._passed(f"signed in as {AGENT} through the sign-in dialog")
            self.window.drafterFailed.connect(lambda reason: self._fail(f"drafter not loaded: {reason}"))
            self.window.taggerFailed.connect(lambda reason: self._fail(f"tagger not loaded: {reason}"))
            self.window.queue_model.loadFailed.connect(lambda reason: self._fail(f"queue not loaded: {reason}"))
            self.window.drafting.finished.connect(self._draft_finished)
            self.window.drafting.prefetched.connect(self.drafted.add)  # a background draft, stored
            self.window.drafting.failed.connect(lambda _job, tid, error: self._fail(f"draft of {tid} failed: {error}"))
            self._step_started = time.monotonic()
            self._timer.start()
            app.exec()
        finally:
            sys.excepthook = previous_hook
        return 1 if self.failure else 0

    # -- steps -----------------------------------------------------------------------
    def _fill_sign_in(self) -> None:
        from desktop_app.ui.dialogs.login_dialog import LoginDialog

        dialog = next((w for w in QApplication.topLevelWidgets() if isinstance(w, LoginDialog) and w.isVisible()), None)
        if dialog is None:
            if time.monotonic() - self._started > self.step_timeout_s:
                self._fail("sign-in: the dialog never appeared")
                return
            QTimer.singleShot(POLL_MS, self._fill_sign_in)
            return
        dialog.name_edit.setText(AGENT)
        dialog.password_edit.setText(PASSWORD)
        dialog.buttons.accepted.emit()  # what the 登录 button does

    def _queue_loaded(self) -> bool:
        return self.window.queue_model.rowCount() > 0

    def _ticket_opened(self) -> bool:
        if self.opened_id is None:  # the second row: the window opens the first by itself
            model = self.window.queue_model
            self.opened_id = model.ticket_id(min(1, model.rowCount() - 1))
            if self.opened_id is not None:
                self.window.queue_panel.select_ticket(self.opened_id)
        return self.window.ticket_pane.ticket_id == self.opened_id

    def _draft_finished(self, _job_id: int, ticket_id: int, result: object) -> None:
        if result is not None:
            self.drafted.add(ticket_id)

    def _poll(self) -> None:
        if self.failure:
            self._finish()
            return
        name, check = self._steps[0]
        if check():
            self._passed(name)
            self._steps.pop(0)
            self._step_started = time.monotonic()
            if not self._steps:
                self._finish()
        elif time.monotonic() - self._step_started > self.step_timeout_s:
            self._fail(f"timed out after {self.step_timeout_s:.0f} s waiting until {name}")

    def _finish(self) -> None:
        self._timer.stop()
        self.window.close()  # the normal close: drafts saved, workers stopped, then the session ends

    # -- reporting -------------------------------------------------------------------
    def _passed(self, name: str) -> None:
        print(f"smoke-gui: ok   {time.monotonic() - self._started:6.2f} s  {name}", file=sys.stderr, flush=True)

    def _fail(self, reason: str) -> None:
        if self.failure is None:
            self.failure = reason
            print(f"smoke-gui: FAIL {time.monotonic() - self._started:6.2f} s  {reason}", file=sys.stderr, flush=True)

    def _uncaught(self, kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        self._previous_hook(kind, error, tb)
        self._fail(f"uncaught {kind.__name__}: {error}")


def run_smoke(lang: str | None = None, step_timeout_s: float = 90.0) -> int:
    """The smoke test on a database of its own; 0 if every step passed, 1 if not."""
    # instance() is typed as the QCoreApplication it may be; this process only makes QApplications.
    app = cast(QApplication, QApplication.instance() or QApplication(sys.argv[:1]))
    translator = install_translation(app, lang)
    with tempfile.TemporaryDirectory(prefix="aftersales-smoke-") as tmp:
        # The window's size and layout are saved on close: to the scratch folder, not the user's.
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(Path(tmp) / "settings"))
        services = Services.open(f"sqlite:///{Path(tmp) / 'smoke.db'}", seed_demo=True)
        try:
            accounts = services.accounts
            boss = accounts.add_user(SUPERVISOR, PASSWORD, Role.SUPERVISOR, actor=None)
            accounts.add_user(AGENT, PASSWORD, Role.AGENT, actor=boss)
            code = GuiSmoke(services, step_timeout_s).run()
        finally:
            services.close()
            if translator is not None:
                app.removeTranslator(translator)
    print("smoke-gui: passed" if code == 0 else "smoke-gui: failed", file=sys.stderr)
    return code
