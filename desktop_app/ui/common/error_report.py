"""What the person at the screen sees when something nobody planned for goes wrong.

``ErrorReporter`` listens to ``services.diagnostics``: an error that escaped everything
else (in a slot, a worker or any thread) shows one non-blocking dialog saying what
happened and where the log is; the listener may run in any thread, so it only emits a
signal, and the dialog is made in the GUI thread. ``offer_crash_report`` shows, at the
next start, the report the last run left behind.
"""

from __future__ import annotations

import logging

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_app.services.diagnostics import (
    CrashReport,
    Diagnostics,
    add_error_listener,
    remove_error_listener,
    take_crash_report,
)

log = logging.getLogger(__name__)


def _open_folder(path: str) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(path))


def _add_folder_button(box: QMessageBox, label: str, folder: str) -> None:
    """A button that opens ``folder`` in the file manager and leaves the dialog open."""
    button = box.addButton(label, QMessageBox.ButtonRole.ActionRole)
    button.clicked.disconnect()  # QMessageBox would close on any button
    button.clicked.connect(lambda: _open_folder(folder))


class ErrorReporter(QObject):
    """One dialog at a time; later errors while it is open are added to its details."""

    errorRaised = Signal(str, str)  # summary, where

    def __init__(self, diagnostics: Diagnostics, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.diagnostics = diagnostics
        self.dialog: QMessageBox | None = None
        self._count = 0
        # Emitted from any thread; delivered (queued) in the thread this object lives in.
        self.errorRaised.connect(self._show, Qt.ConnectionType.QueuedConnection)
        add_error_listener(self._listener)

    def _listener(self, summary: str, where: str) -> None:
        self.errorRaised.emit(summary, where)

    def close(self) -> None:
        remove_error_listener(self._listener)
        if self.dialog is not None and shiboken6.isValid(self.dialog):
            self.dialog.close()
            self.dialog.deleteLater()
        self.dialog = None

    def _show(self, summary: str, where: str) -> None:
        try:
            self._show_dialog(summary, where)
        except Exception:  # noqa: BLE001 - never let the error dialog raise the next error
            log.exception("showing the error dialog failed")

    def _show_dialog(self, summary: str, where: str) -> None:
        self._count += 1
        line = f"{summary}（{where}）"
        old = self.dialog if self.dialog is not None and shiboken6.isValid(self.dialog) else None
        if old is not None and old.isVisible():
            old.setDetailedText(f"{old.detailedText()}\n{line}".strip())
            old.setInformativeText(self._informative())
            return
        if old is not None:
            old.deleteLater()  # closed earlier: a fresh dialog for a fresh error
        self._count = 1
        box = QMessageBox(QMessageBox.Icon.Critical, self.tr("售后助手出错了"), self.tr("发生了一个意外错误：%1").replace("%1", summary))
        box.setObjectName("unexpectedErrorDialog")
        box.setInformativeText(self._informative())
        box.setDetailedText(line)
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.setEscapeButton(QMessageBox.StandardButton.Ok)  # else the box refuses to close, and the app to quit
        _add_folder_button(box, self.tr("打开日志文件夹"), str(self.diagnostics.folder))
        box.setModal(False)
        self.dialog = box
        box.show()

    def _informative(self) -> str:
        text = self.tr("已保存的工作不受影响，可以继续使用；如果再次出现，请重启售后助手。详情已写入日志：%1").replace(
            "%1", str(self.diagnostics.log_path)
        )
        if self._count > 1:
            text += "\n" + self.tr("（共 %1 个错误）").replace("%1", str(self._count))
        return text


def crash_report_box(report: CrashReport, parent: QWidget | None = None) -> QMessageBox:
    """The dialog offering the last run's crash report (made, not shown: the caller decides how)."""
    box = QMessageBox(parent)
    box.setObjectName("crashReportDialog")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(QCoreApplication.translate("ErrorReporter", "错误报告"))
    box.setText(QCoreApplication.translate("ErrorReporter", "售后助手上次运行时出现了意外错误。"))
    box.setInformativeText(
        QCoreApplication.translate(
            "ErrorReporter", "错误报告（个人信息已脱敏）保存在：%1\n可以把它发给技术支持，帮助我们修复问题。"
        ).replace("%1", str(report.path))
    )
    box.setDetailedText(report.text)
    box.setStandardButtons(QMessageBox.StandardButton.Close)
    box.setEscapeButton(QMessageBox.StandardButton.Close)
    _add_folder_button(box, QCoreApplication.translate("ErrorReporter", "打开所在文件夹"), str(report.path.parent))
    return box


def offer_crash_report(diagnostics: Diagnostics, parent: QWidget | None = None) -> CrashReport | None:
    """At start-up: show the last run's crash report, if there is one (modal: before sign-in)."""
    report = take_crash_report(diagnostics)
    if report is None:
        return None
    box = crash_report_box(report, parent)
    box.exec()
    box.deleteLater()
    return report
