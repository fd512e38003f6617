"""Starting the GUI: Qt application, translations, the log and error dialog, database,
first-run demo data, the last run's crash report, sign-in."""

from __future__ import annotations

import logging
import os
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from desktop_app.config import LANG_ENV_VAR, RESOURCES_DIR
from desktop_app.services.access import User
from desktop_app.services.accounts import AccountService
from desktop_app.services.diagnostics import install_diagnostics
from desktop_app.services.seed import seed_demo_if_empty
from desktop_app.store.database import Database, DatabaseError

if TYPE_CHECKING:
    from desktop_app.ui.workstation.main_window import MainWindow

TRANSLATIONS_DIR = RESOURCES_DIR / "i18n"


def install_translation(app: QApplication, lang: str | None) -> QTranslator | None:
    """Chinese is the source language; ``en`` loads the English catalogue."""
    lang = lang or os.environ.get(LANG_ENV_VAR) or "zh"
    if lang != "en":
        QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        return None
    translator = QTranslator(app)
    if not translator.load(str(TRANSLATIONS_DIR / "aftersales_en.qm")):
        print("aftersales: warning: English translation not found; showing Chinese", file=sys.stderr)
        return None
    app.installTranslator(translator)
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    return translator


def sign_in(db: Database) -> User | None:
    """The sign-in dialog (on first run: create the supervisor account); None if cancelled."""
    from desktop_app.ui.dialogs.login_dialog import LoginDialog  # after QApplication exists

    dialog = LoginDialog(AccountService(db))
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    user = dialog.user if accepted else None
    dialog.deleteLater()
    return user


def start_workstation(db: Database) -> MainWindow | None:
    """Sign in, then the main window for that user (shown); None when sign-in was cancelled."""
    from desktop_app.ui.workstation.main_window import MainWindow  # after QApplication exists

    user = sign_in(db)
    if user is None:
        return None
    window = MainWindow(db, user)
    window.show()
    return window


def run_gui(db_url: str, lang: str | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
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
        db = Database.open(db_url)
        seed_demo_if_empty(db)
    except DatabaseError as exc:
        QMessageBox.critical(None, "售后助手", str(exc))
        print(f"aftersales: error: {exc}", file=sys.stderr)
        return 2
    try:
        window = start_workstation(db)
        if window is None:  # cancelled at sign-in
            return 0
        return app.exec()
    finally:
        reporter.close()
        db.close()
