"""The log file in the data folder, the last-resort error hooks, faulthandler and the crash
report of the last run (``services.diagnostics``). Personal data is masked everywhere.

The hooks and faulthandler are tried for real in child processes (an uncaught exception
in the main thread and in another thread, a segfault), so the test runner's own hooks
stay out of the way.
"""

from __future__ import annotations

import faulthandler
import logging
import logging.handlers
import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.services import diagnostics as diag

PHONE = "13812345678"
MASKED = "138****5678"
REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def isolated() -> Iterator[None]:
    """Install for real, then put the logging, the hooks and the module's state back."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    handler_levels = {h: h.level for h in handlers}
    hooks = (sys.excepthook, threading.excepthook)
    state, listeners = dict(diag._state), list(diag._listeners)
    fault_enabled = faulthandler.is_enabled()
    sys.excepthook, threading.excepthook = sys.__excepthook__, threading.__excepthook__
    try:
        yield
    finally:
        for handler in root.handlers[:]:
            if handler not in handlers:
                root.removeHandler(handler)
                handler.close()
        root.setLevel(level)
        for handler, old in handler_levels.items():
            handler.setLevel(old)
        sys.excepthook, threading.excepthook = hooks
        if not fault_enabled and faulthandler.is_enabled():
            faulthandler.disable()
        if diag._state.get("fault_file") not in (None, state.get("fault_file")):
            diag._state["fault_file"].close()  # type: ignore[union-attr]
        diag._state.clear()
        diag._state.update(state)
        diag._listeners[:] = listeners


def _flush() -> None:
    for handler in logging.getLogger().handlers:
        handler.flush()


def test_the_log_file_is_in_the_data_folder_rotates_and_is_masked(tmp_path: Path, isolated: None) -> None:
    found = diag.install_diagnostics(tmp_path, level=logging.INFO)
    assert found.log_path == tmp_path / "aftersales.log"
    log = logging.getLogger("desktop_app.ui.workstation.ticket_pane")
    log.info("opened ticket %s for %s", 7, PHONE)
    try:
        raise RuntimeError(f"database is locked while saving {PHONE}")
    except RuntimeError as exc:
        log.error("saving the draft of ticket %s failed", 7, exc_info=exc)
    _flush()
    text = found.log_path.read_text("utf-8")
    assert "opened ticket 7 for " + MASKED in text
    assert "saving the draft of ticket 7 failed" in text and "Traceback" in text
    assert f"database is locked while saving {MASKED}" in text
    assert PHONE not in text
    handlers = [h for h in logging.getLogger().handlers if isinstance(h, logging.handlers.RotatingFileHandler)]
    assert len(handlers) == 1 and handlers[0].maxBytes == diag.LOG_MAX_BYTES and handlers[0].backupCount == 5


def test_installing_again_moves_the_log_rather_than_doubling_it(tmp_path: Path, isolated: None) -> None:
    diag.install_diagnostics(tmp_path / "a")
    diag.install_diagnostics(tmp_path / "b")
    ours = [h for h in logging.getLogger().handlers if isinstance(h, diag._LogFileHandler)]
    assert [Path(h.baseFilename).parent.name for h in ours] == ["b"]
    assert getattr(sys.excepthook, "_aftersales", False) and getattr(threading.excepthook, "_aftersales", False)
    wrapped = sys.excepthook
    diag.install_diagnostics(tmp_path / "b")
    assert sys.excepthook is wrapped  # not wrapped twice


def test_an_unexpected_error_is_logged_reported_and_told_to_the_listeners(tmp_path: Path, isolated: None) -> None:
    found = diag.install_diagnostics(tmp_path)
    heard: list[tuple[str, str]] = []
    diag.add_error_listener(lambda summary, where: heard.append((summary, where)))
    diag.add_error_listener(lambda summary, where: 1 / 0)  # a broken listener hides nothing
    try:
        raise ValueError(f"客户 {PHONE} 的工单打不开")
    except ValueError as exc:
        diag.report_unexpected(exc, "main thread")
    _flush()
    assert heard == [(f"ValueError: 客户 {MASKED} 的工单打不开", "main thread")]
    report = found.crash_report_path.read_text("utf-8")
    assert "unexpected error in main thread" in report and "ValueError" in report and "Traceback" in report
    assert MASKED in report and PHONE not in report
    assert str(found.log_path) in report
    log_text = found.log_path.read_text("utf-8")
    assert "unexpected error in main thread" in log_text and PHONE not in log_text


def test_the_crash_report_is_offered_once_and_kept(tmp_path: Path, isolated: None) -> None:
    found = diag.install_diagnostics(tmp_path)
    assert diag.take_crash_report(found) is None
    diag.report_unexpected(RuntimeError("boom"), "thread Dummy-1")
    report = diag.take_crash_report(found)
    assert report is not None and "boom" in report.text
    assert report.path.is_file() and report.path.name.startswith("crash-report-")
    assert not found.crash_report_path.exists()
    assert diag.take_crash_report(found) is None


_UNCAUGHT = textwrap.dedent(
    """
    import sys, threading
    from pathlib import Path
    from desktop_app.services.diagnostics import install_diagnostics

    install_diagnostics(Path(sys.argv[1]))
    def worker():
        raise KeyError("工单 13812345678 在后台线程里出错")
    thread = threading.Thread(target=worker, name="tagger-worker")
    thread.start()
    thread.join()
    raise RuntimeError("电话 13812345678 的工单打开失败")
    """
)


def test_uncaught_errors_in_any_thread_are_logged_masked_and_reported(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    env.pop("PYTHONFAULTHANDLER", None)
    result = subprocess.run(
        [sys.executable, "-c", _UNCAUGHT, str(tmp_path)], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1
    assert "RuntimeError" in result.stderr and "KeyError" in result.stderr  # still told on stderr, masked
    assert PHONE not in result.stderr and MASKED in result.stderr
    log_text = (tmp_path / "aftersales.log").read_text("utf-8")
    assert "unexpected error in thread tagger-worker" in log_text and "unexpected error in main thread" in log_text
    assert PHONE not in log_text
    report = (tmp_path / "crash-report.txt").read_text("utf-8")
    assert "RuntimeError" in report and PHONE not in report  # the newest error is the one kept


_SEGFAULT = textwrap.dedent(
    """
    import ctypes, sys
    from pathlib import Path
    from desktop_app.services.diagnostics import install_diagnostics

    install_diagnostics(Path(sys.argv[1]))
    ctypes.string_at(0)  # a hard crash: no Python exception, no excepthook
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="a segfault on Windows opens a system dialog")
def test_a_hard_crash_leaves_its_stacks_and_the_next_start_offers_them(tmp_path: Path, isolated: None) -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    env.pop("PYTHONFAULTHANDLER", None)
    result = subprocess.run([sys.executable, "-c", _SEGFAULT, str(tmp_path)], env=env, capture_output=True, timeout=120)
    assert result.returncode != 0
    assert "Fatal Python error" in (tmp_path / "faults.log").read_text("utf-8")
    found = diag.install_diagnostics(tmp_path)  # the next start
    report = diag.take_crash_report(found)
    assert report is not None
    assert "the last run crashed" in report.text and "Fatal Python error" in report.text
    assert "string_at" in report.text or "<string>" in report.text  # the Python stack of the crash
