"""Start-up and shutdown of the main window, and how the GUI import explains itself."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from helpers.events import deliver_posted_events
from PySide6.QtCore import Qt

import desktop_app.ui.workstation.main_window as main_window_module
from desktop_app.services.container import Services
from desktop_app.services.importing import ImportReport
from desktop_app.services.queue import QueueService
from desktop_app.ui.dialogs.import_dialog import MAX_ERRORS_SHOWN, explain_import_error

AGENT = "客服小美"


# -- 8: one queue query at start-up --------------------------------------------------------
def test_start_up_queries_the_queue_once(qtbot, demo_db, demo_agent, monkeypatch):
    calls: list[tuple] = []
    real_page = QueueService.page

    def counting_page(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args)
        return real_page(self, *args, **kwargs)

    monkeypatch.setattr(QueueService, "page", counting_page)
    window = main_window_module.MainWindow(Services(demo_db), demo_agent)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.queue_model.rowCount() == 60, timeout=5000)
    qtbot.waitUntil(lambda: window.ticket_pane.ticket is not None, timeout=5000)
    window.reader.wait(3000)
    deliver_posted_events()
    assert len(calls) == 1, calls
    header = window.queue_panel.table.horizontalHeader()
    waiting = [c.key for c in window.queue_model.columns].index("waiting")
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (waiting, Qt.SortOrder.AscendingOrder)

    # A click on a header still sorts, with one query.
    customer = [c.key for c in window.queue_model.columns].index("customer")
    with qtbot.waitSignal(window.queue_model.pageLoaded, timeout=5000):
        header.setSortIndicator(customer, Qt.SortOrder.DescendingOrder)
    assert len(calls) == 2
    assert (window.queue_model.queue_sort.column, window.queue_model.queue_sort.descending) == ("customer", True)
    window.close()


# -- 5: closing during an import ------------------------------------------------------------
def test_closing_the_window_cancels_and_waits_for_a_running_import(qtbot, main_window, monkeypatch, tmp_path: Path):
    started = threading.Event()
    outcome: list[str] = []

    class SlowImport:
        def __init__(self, _db: object) -> None:
            pass

        def import_file(self, path, column_map, progress=None, is_cancelled=lambda: False):  # type: ignore[no-untyped-def]
            started.set()
            deadline = time.monotonic() + 5
            while not is_cancelled():
                if time.monotonic() > deadline:
                    outcome.append("never cancelled")
                    return ImportReport()
                time.sleep(0.01)
            time.sleep(0.2)  # the current batch is still being committed
            outcome.append("cancelled")
            return ImportReport(cancelled=True)

    monkeypatch.setattr(main_window.services, "importer", lambda: SlowImport(None))
    controller = main_window.start_import(tmp_path / "big.csv", [])
    assert started.wait(5)
    main_window.close()
    assert outcome == ["cancelled"]  # stopped, and closing waited for it
    assert main_window.importer.wait(0)
    qtbot.wait(100)  # the late answer is delivered: no summary pops up over a closed window
    assert controller.message_box is None


# -- 6: import errors in the GUI's words ------------------------------------------------------
def test_file_without_a_text_column_points_to_the_column_mapping(qtbot, main_window, tmp_path: Path):
    path = tmp_path / "odd.csv"
    path.write_text("编号,备注\n1,你好\n", "utf-8")
    controller = main_window.start_import(path, [])
    with qtbot.waitSignal(controller.finished, timeout=10000) as blocker:
        pass
    assert blocker.args == [None]
    box = controller.message_box
    assert box is not None
    assert "列映射" in box.text() and "编号, 备注" in box.text()
    assert "--map" not in box.text()
    assert "no column holds the ticket text" in box.detailedText()
    box.close()


def test_import_error_explanations():
    assert "列映射" in explain_import_error("--map names columns the file does not have: 问题")
    assert "问题" in explain_import_error("--map names columns the file does not have: 问题")
    text = explain_import_error("--map '问题=txt': unknown field 'txt' (fields: text, customer)")
    assert "txt" in text and "text, customer" in text
    assert "列名=字段" in explain_import_error("--map expects COLUMN=FIELD, got '问题'")
    assert "编码" in explain_import_error("the file is neither UTF-8, UTF-16 nor GBK/GB18030 text")
    assert "CSV" in explain_import_error("cannot import a.pdf: expected .csv, .xlsx or .jsonl")
    assert explain_import_error("something new") == "文件无法导入：格式不对或已损坏。详细信息见下方。"


def test_report_says_how_many_errors_are_not_listed(qtbot, main_window, tmp_path: Path):
    bad_rows = 1100  # more than the report lists (1000), far more than the dialog shows
    path = tmp_path / "bad.csv"
    lines = ["订单号,买家昵称,问题描述,创建时间", "1,买家,什么时候发货,2026-11-20 10:00"]
    lines += [f"{n},坏行" for n in range(2, bad_rows + 2)]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    controller = main_window.start_import(path, [])
    with qtbot.waitSignal(controller.finished, timeout=20000) as blocker:
        pass
    report = blocker.args[0]
    assert (report.imported, report.skipped, len(report.errors)) == (1, bad_rows, 1000)
    box = controller.message_box
    details = box.detailedText().splitlines()
    omitted = bad_rows - MAX_ERRORS_SHOWN
    assert len(details) == MAX_ERRORS_SHOWN + 1
    assert details[-1] == f"另有 {omitted:,} 行错误未列出。"
    assert f"{omitted:,}" in box.informativeText()
    box.close()
