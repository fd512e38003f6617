"""Starting the GUI: Qt application, translations, the log and error dialog, database,
first-run demo data, the last run's crash report, sign-in."""

from __future__ import annotations

import logging
import os
import sys
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, QTimer, QTranslator, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from desktop_app.config import LANG_ENV_VAR, RESOURCES_DIR
from desktop_app.services.access import User
from desktop_app.services.container import DatabaseError, Services
from desktop_app.services.diagnostics import install_diagnostics

if TYPE_CHECKING:
    from desktop_app.ui.workstation.main_window import MainWindow

TRANSLATIONS_DIR = RESOURCES_DIR / "i18n"


def install_qt_translation(app: QApplication) -> QTranslator | None:
    """Qt's own strings in Chinese (OK/Cancel, Show Details…, the file dialogs): PySide6's
    ``qtbase_zh_CN.qm``. Qt's source language is English, so the English UI needs none."""
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load("qtbase_zh_CN", folder):
        print(f"aftersales: warning: qtbase_zh_CN.qm not found in {folder}; Qt's buttons stay English", file=sys.stderr)
        return None
    app.installTranslator(translator)
    return translator


def install_translation(app: QApplication, lang: str | None) -> QTranslator | None:
    """Chinese is the source language (plus Qt's own Chinese); ``en`` loads the English catalogue."""
    lang = lang or os.environ.get(LANG_ENV_VAR) or "zh"
    if lang != "en":
        QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        return install_qt_translation(app)
    translator = QTranslator(app)
    if not translator.load(str(TRANSLATIONS_DIR / "aftersales_en.qm")):
        print("aftersales: warning: English translation not found; showing Chinese", file=sys.stderr)
        return None
    app.installTranslator(translator)
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    return translator


def sign_in(services: Services) -> User | None:
    """The sign-in dialog (on first run: create the supervisor account); None if cancelled."""
    from desktop_app.ui.dialogs.login_dialog import LoginDialog  # after QApplication exists

    dialog = LoginDialog(services.accounts)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    user = dialog.user if accepted else None
    dialog.deleteLater()
    return user


def start_workstation(services: Services) -> MainWindow | None:
    """Sign in, then the main window for that user (shown); None when sign-in was cancelled."""
    from desktop_app.ui.workstation.main_window import MainWindow  # after QApplication exists

    user = sign_in(services)
    if user is None:
        return None
    window = MainWindow(services, user)
    window.show()
    return window


class WorkstationSession(QObject):
    """One signed-in window at a time. When its user signs out (or switches user) the window
    ends its session and the sign-in dialog comes back; any other close, or cancelling the
    sign-in, ends the app (``ended``)."""

    ended = Signal()

    def __init__(self, services: Services, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.window: MainWindow | None = None

    def start(self) -> bool:
        """Sign someone in and show their window; False (and ``ended``) when cancelled."""
        window = start_workstation(self.services)
        self.window = window
        if window is None:
            self.ended.emit()
            return False
        window.shutdownFinished.connect(lambda: QTimer.singleShot(0, lambda: self._window_closed(window)))
        return True

    def _window_closed(self, window: MainWindow) -> None:
        signing_out = window.signing_out
        window.deleteLater()
        if self.window is window:
            self.window = None
        if signing_out:
            self.start()
        else:
            self.ended.emit()


def run_gui(db_url: str, lang: str | None = None) -> int:
    # instance() is typed as the QCoreApplication it may be; this process only makes QApplications.
    app = cast(QApplication, QApplication.instance() or QApplication(sys.argv[:1]))
    app.setApplicationName("AfterSalesAssist")
    font = QFont(app.font())
    font.setFamilies(["Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "Source Han Sans SC", font.family()])
    app.setFont(font)
    install_translation(app, lang)
    app.setApplicationDisplayName(QCoreApplication.translate("App", "售后助手"))
    from desktop_app.ui.common.error_report import ErrorReporter, offer_crash_report  # after QApplication exists

    diagnostics = install_diagnostics(level=logging.INFO)
    reporter = ErrorReporter(diagnostics, app)  # an error nobody caught: a dialog naming the log
    offer_crash_report(diagnostics)
    try:
        services = Services.open(db_url, seed_demo=True)
    except DatabaseError as exc:
        QMessageBox.critical(None, "售后助手", str(exc))
        print(f"aftersales: error: {exc}", file=sys.stderr)
        return 2
    try:
        session = WorkstationSession(services)
        # The window closes before the sign-in dialog of a switch of user opens: the session,
        # not the last window, says when the app ends.
        app.setQuitOnLastWindowClosed(False)
        session.ended.connect(app.quit)
        if not session.start():  # cancelled at sign-in
            return 0
        return app.exec()
    finally:
        reporter.close()
        services.close()
