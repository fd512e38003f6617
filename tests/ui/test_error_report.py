"""When something goes wrong in the GUI: a dialog says what happened and where the log is,
the messages that say 「详情已写入日志」 are true, the next start offers the crash report, and
closing the window never freezes it."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app.services import diagnostics as diag
from desktop_app.services.importing import ImportReport
from desktop_app.services.tickets import TicketService
from desktop_app.ui.common.error_report import ErrorReporter, offer_crash_report

PHONE = "13812345678"
MASKED = "138****5678"
REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def diagnostics(tmp_path: Path) -> Iterator[diag.Diagnostics]:
    """The log in a folder of the test's own; the root logger and the module put back after."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {h: h.level for h in handlers}
    hooks = (sys.excepthook, threading.excepthook)
    state, listeners = dict(diag._state), list(diag._listeners)
    found = diag.install_diagnostics(tmp_path / "data", level=logging.INFO)
    sys.excepthook, threading.excepthook = hooks  # the test runner's own stay in charge here
    yield found
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)
    for handler, old in levels.items():
        handler.setLevel(old)
    diag._state.clear()
    diag._state.update(state)
    diag._listeners[:] = listeners


def _log_text(found: diag.Diagnostics) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return found.log_path.read_text("utf-8")


def test_an_error_in_a_worker_thread_shows_one_dialog_naming_the_log(qtbot, diagnostics) -> None:
    reporter = ErrorReporter(diagnostics)
    try:
        threads = [
            threading.Thread(target=lambda: diag.report_unexpected(RuntimeError(f"客户 {PHONE} 出错"), "thread t"))
            for _ in range(2)
        ]
        for thread in threads:
            thread.start()
            thread.join()
        qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible(), timeout=5000)
        box = reporter.dialog
        assert box.objectName() == "unexpectedErrorDialog"
        assert f"RuntimeError: 客户 {MASKED} 出错" in box.text() and PHONE not in box.text()
        qtbot.waitUntil(lambda: "共 2 个错误" in box.informativeText(), timeout=5000)
        assert str(diagnostics.log_path) in box.informativeText() and "详情已写入日志" in box.informativeText()
        assert box.detailedText().count("thread t") == 2
        assert not box.isModal()  # the app keeps working behind it
        assert "unexpected error in thread t" in _log_text(diagnostics)
    finally:
        reporter.close()


def test_the_next_start_offers_the_crash_report(qtbot, diagnostics) -> None:
    diag.report_unexpected(ValueError(f"电话 {PHONE}"), "main thread")
    shown: list[QMessageBox] = []

    def close_it() -> None:
        boxes = [w for w in QApplication.topLevelWidgets() if w.objectName() == "crashReportDialog" and w.isVisible()]
        if not boxes:
            QTimer.singleShot(20, close_it)
            return
        shown.append(boxes[0])
        boxes[0].done(0)

    QTimer.singleShot(0, close_it)
    report = offer_crash_report(diagnostics)
    assert report is not None and shown
    assert "上次运行时出现了意外错误" in shown[0].text()
    assert str(report.path) in shown[0].informativeText()
    assert "ValueError" in shown[0].detailedText() and PHONE not in shown[0].detailedText()
    assert offer_crash_report(diagnostics) is None  # offered once; the report stays on disk
    assert report.path.is_file()


def test_the_messages_that_say_details_are_in_the_log_are_true(qtbot, main_window, diagnostics, monkeypatch) -> None:
    def broken_open(self, ticket_id, agent, drop_stale_draft=False):  # type: ignore[no-untyped-def]
        raise RuntimeError(f"disk I/O error reading ticket of {PHONE}")

    monkeypatch.setattr(TicketService, "open", broken_open)
    pane = main_window.ticket_pane
    next_id = main_window.queue_model.ticket_id(1)
    pane.open_ticket(next_id)
    qtbot.waitUntil(lambda: pane.banner.isVisible(), timeout=5000)
    assert "详情已写入日志" in pane.banner.text()
    text = _log_text(diagnostics)
    assert "opening a ticket failed" in text and "disk I/O error reading ticket of " + MASKED in text
    assert PHONE not in text


def test_closing_during_a_long_import_keeps_the_window_responsive(qtbot, main_window, monkeypatch, tmp_path) -> None:
    """The import needs 2.5 s to stop after being cancelled; the GUI thread never waits more than ~0.5 s."""
    started = threading.Event()
    outcome: list[str] = []

    class SlowToStop:
        def __init__(self, _db: object) -> None:
            pass

        def import_file(self, path, column_map, progress=None, is_cancelled=lambda: False):  # type: ignore[no-untyped-def]
            started.set()
            while not is_cancelled():
                time.sleep(0.01)
            time.sleep(2.5)  # the batch being committed
            outcome.append("cancelled")
            return ImportReport(cancelled=True)

    monkeypatch.setattr(main_window.services, "importer", lambda: SlowToStop(None))
    main_window.start_import(tmp_path / "big.csv", [])
    assert started.wait(5)
    ticks: list[float] = []
    timer = QTimer(interval=20)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    qtbot.waitUntil(lambda: len(ticks) >= 3, timeout=2000)
    main_window.close()
    assert not main_window.shut_down and main_window.isVisible()  # put off, and it says so
    assert "正在保存并关闭" in main_window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: main_window.shut_down, timeout=15000)
    timer.stop()
    assert outcome == ["cancelled"] and not main_window.isVisible()
    gaps = [b - a for a, b in zip(ticks, ticks[1:])]
    assert max(gaps) < 1.0, f"the GUI thread was blocked for {max(gaps):.2f} s"


_SLOT_ERROR = textwrap.dedent(
    """
    import os, sys, logging
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from pathlib import Path
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from desktop_app.services.diagnostics import install_diagnostics
    from desktop_app.ui.common.error_report import ErrorReporter

    app = QApplication([])
    diagnostics = install_diagnostics(Path(sys.argv[1]), level=logging.INFO)
    reporter = ErrorReporter(diagnostics)

    def broken_slot():
        raise RuntimeError("无法刷新 13812345678 的工单")

    def check():
        box = reporter.dialog
        print("DIALOG", box is not None and box.isVisible(), box.text() if box else "", flush=True)
        app.quit()

    QTimer.singleShot(0, broken_slot)
    QTimer.singleShot(500, check)
    app.exec()
    """
)


def test_an_exception_in_a_slot_shows_the_dialog_and_the_app_goes_on(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", _SLOT_ERROR, str(tmp_path)], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert f"DIALOG True 发生了一个意外错误：RuntimeError: 无法刷新 {MASKED} 的工单" in result.stdout
    assert PHONE not in result.stderr
    assert "unexpected error in main thread" in (tmp_path / "aftersales.log").read_text("utf-8")
    assert (tmp_path / "crash-report.txt").is_file()


def test_the_gui_start_logs_to_the_data_folder_and_offers_the_last_report(qtbot, diagnostics, monkeypatch, tmp_path):
    from desktop_app import config
    from desktop_app.ui import app as app_module
    from desktop_app.ui.common import error_report

    diag.report_unexpected(RuntimeError("上次的错误"), "main thread")  # left by "the last run"
    monkeypatch.setattr(config, "data_dir", lambda: diagnostics.folder)
    monkeypatch.setattr(diag, "data_dir", lambda: diagnostics.folder)
    offered: list[object] = []
    monkeypatch.setattr(error_report, "offer_crash_report", lambda found, parent=None: offered.append(found))
    monkeypatch.setattr(app_module, "start_workstation", lambda db: None)  # cancelled at sign-in
    assert app_module.run_gui(f"sqlite:///{tmp_path / 'gui.db'}") == 0
    assert [getattr(found, "folder", None) for found in offered] == [diagnostics.folder]
    assert diag._listeners == []  # the dialog's listener went with the app
    ours = [h for h in logging.getLogger().handlers if isinstance(h, diag._LogFileHandler)]
    assert [Path(h.baseFilename) for h in ours] == [diagnostics.log_path]
