"""The app's own log file, the last-resort error hooks, and the crash report of the last run.

Everything logged goes, masked like stderr (``log_masking``), to ``aftersales.log`` in the
data folder, rotated at 1 MB with five old files kept: the file that the messages saying
「详情已写入日志」 point to. ``sys.excepthook`` and ``threading.excepthook`` log an error
nobody caught, with its traceback, and write ``crash-report.txt`` beside the log (masked
too); listeners (the GUI's error dialog) hear of it in the thread that failed.
``faulthandler`` writes the Python stacks of a hard crash (segfault, abort) to
``faults.log``; the next start turns that into a crash report. ``take_crash_report``
hands the report to whoever offers it (the next GUI start) and keeps it, renamed, so it
is offered once.

No Qt here: the GUI adds its dialog as a listener (``ui.common.error_report``).
"""

from __future__ import annotations

import faulthandler
import logging
import logging.handlers
import os
import platform
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import IO, TypedDict

from desktop_app import __version__
from desktop_app.config import data_dir
from desktop_app.nlp.privacy import mask_text
from desktop_app.services.log_masking import MaskingLogFilter

__all__ = [
    "CrashReport",
    "Diagnostics",
    "ErrorListener",
    "add_error_listener",
    "install_diagnostics",
    "remove_error_listener",
    "report_unexpected",
    "take_crash_report",
]

LOG_FILE = "aftersales.log"
CRASH_REPORT = "crash-report.txt"
FAULT_LOG = "faults.log"
LOG_MAX_BYTES = 1_000_000
LOG_BACKUPS = 5
LOG_FORMAT = "%(asctime)s %(levelname)s [%(threadName)s] %(name)s: %(message)s"

log = logging.getLogger(__name__)

# (summary of the error, where it happened): called in the failing thread.
ErrorListener = Callable[[str, str], None]


@dataclass(frozen=True, slots=True)
class Diagnostics:
    folder: Path

    @property
    def log_path(self) -> Path:
        return self.folder / LOG_FILE

    @property
    def crash_report_path(self) -> Path:
        return self.folder / CRASH_REPORT

    @property
    def fault_path(self) -> Path:
        return self.folder / FAULT_LOG


@dataclass(frozen=True, slots=True)
class CrashReport:
    path: Path  # where the report is kept (renamed once taken)
    text: str


class _LogFileHandler(logging.handlers.RotatingFileHandler):
    """Ours, so that installing again (another data folder) replaces it rather than adding one."""


class _State(TypedDict):
    diagnostics: Diagnostics | None
    fault_file: IO[str] | None  # the crash file faulthandler writes to


_state: _State = {"diagnostics": None, "fault_file": None}
_listeners: list[ErrorListener] = []
_lock = threading.Lock()


def install_diagnostics(folder: Path | None = None, level: int | None = None) -> Diagnostics:
    """Log to the data folder, catch what nobody caught, record hard crashes; idempotent.

    ``level`` lowers the root logger's level for the file only (the handlers already
    there, stderr's, keep showing what they showed).
    """
    with _lock:
        _install_hooks()
        try:
            diagnostics = Diagnostics(folder or data_dir())
            diagnostics.folder.mkdir(parents=True, exist_ok=True)
            _install_file_log(diagnostics, level)
            _install_faulthandler(diagnostics)
        except OSError as exc:  # a read-only profile: the app still runs, logging to stderr only
            log.warning("cannot write the log file in the data folder: %s", exc)
            diagnostics = Diagnostics(folder or Path("."))
        else:
            _state["diagnostics"] = diagnostics
    return diagnostics


def current() -> Diagnostics | None:
    return _state["diagnostics"]


def _install_file_log(diagnostics: Diagnostics, level: int | None) -> None:
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _LogFileHandler)]:
        root.removeHandler(handler)
        handler.close()
    handler = _LogFileHandler(
        diagnostics.log_path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8", delay=True
    )
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(MaskingLogFilter())
    if level is not None and root.getEffectiveLevel() > level:
        for other in root.handlers:
            if other.level == logging.NOTSET:
                other.setLevel(root.getEffectiveLevel())
        root.setLevel(level)
    root.addHandler(handler)


def _install_hooks() -> None:
    if not getattr(sys.excepthook, "_aftersales", False):
        previous = sys.excepthook

        def excepthook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
            if not issubclass(kind, KeyboardInterrupt):
                report_unexpected(error, "main thread", tb)
            if previous is sys.__excepthook__:
                _print_masked(kind, error, tb)
            else:
                previous(kind, error, tb)

        excepthook._aftersales = True  # type: ignore[attr-defined]
        sys.excepthook = excepthook
    if not getattr(threading.excepthook, "_aftersales", False):
        previous_thread = threading.excepthook

        def thread_hook(args: threading.ExceptHookArgs) -> None:
            if args.exc_value is not None and not isinstance(args.exc_value, SystemExit):
                name = args.thread.name if args.thread is not None else "?"
                report_unexpected(args.exc_value, f"thread {name}", args.exc_traceback)
            if previous_thread is threading.__excepthook__ and args.exc_value is not None:
                _print_masked(args.exc_type, args.exc_value, args.exc_traceback)
            else:
                previous_thread(args)

        thread_hook._aftersales = True  # type: ignore[attr-defined]
        threading.excepthook = thread_hook


def _print_masked(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
    text = "".join(traceback.format_exception(kind, error, tb))
    print(mask_text(text).masked, file=sys.stderr, end="")


def _install_faulthandler(diagnostics: Diagnostics) -> None:
    """A hard crash of the last run left stacks in faults.log: keep them as a crash report,
    then record this run's. A faulthandler someone else enabled (``-X faulthandler``, a
    test runner) is left writing where it writes."""
    path = diagnostics.fault_path
    try:
        previous = path.read_text("utf-8", errors="replace").strip() if path.is_file() else ""
    except OSError:
        previous = ""
    mine = _state["fault_file"]
    if previous and (mine is None or getattr(mine, "name", None) != str(path)):
        _write_report(diagnostics, "上次运行异常退出（程序崩溃） / the last run crashed", previous)
    if faulthandler.is_enabled() and mine is None:
        return
    old = mine
    handle: IO[str] = open(path, "w", encoding="utf-8")  # noqa: SIM115 - held open for faulthandler
    faulthandler.enable(file=handle, all_threads=True)
    _state["fault_file"] = handle
    if old is not None:
        old.close()


def add_error_listener(listener: ErrorListener) -> None:
    with _lock:
        _listeners.append(listener)


def remove_error_listener(listener: ErrorListener) -> None:
    with _lock:
        if listener in _listeners:
            _listeners.remove(listener)


def summary_of(error: BaseException) -> str:
    """One masked line: the error's type and message (no traceback)."""
    message = str(error).splitlines()[0] if str(error) else ""
    return mask_text(f"{type(error).__name__}: {message}" if message else type(error).__name__).masked


def report_unexpected(error: BaseException, where: str, tb: TracebackType | None = None) -> None:
    """Log an error nobody handled, write the crash report, tell the listeners.

    Never raises: this runs where an exception has already escaped everything else.
    """
    try:
        tb = tb if tb is not None else error.__traceback__
        log.critical("unexpected error in %s", where, exc_info=(type(error), error, tb))
        diagnostics = current()
        if diagnostics is not None:
            details = "".join(traceback.format_exception(type(error), error, tb))
            _write_report(diagnostics, f"意外错误（{where}） / unexpected error in {where}", details)
        summary = summary_of(error)
        with _lock:
            listeners = list(_listeners)
        for listener in listeners:
            try:
                listener(summary, where)
            except Exception:  # noqa: BLE001 - a broken listener must not hide the error
                log.exception("an error listener failed")
    except Exception:  # noqa: BLE001
        pass


def _write_report(diagnostics: Diagnostics, headline: str, details: str) -> None:
    """Replace the pending report (the newest error is the one to send), masked, atomically."""
    body = "\n".join(
        [
            f"售后助手 AfterSales Assist {__version__} — 错误报告 / crash report",
            f"{headline}",
            f"time: {datetime.now().isoformat(timespec='seconds')}",
            f"python: {platform.python_version()} ({platform.platform()})",
            f"log: {diagnostics.log_path}",
            "",
            mask_text(details).masked.rstrip(),
            "",
        ]
    )
    target = diagnostics.crash_report_path
    temporary = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    temporary.write_text(body, "utf-8")
    os.replace(temporary, target)


def take_crash_report(diagnostics: Diagnostics) -> CrashReport | None:
    """The pending report of an earlier run, if any; it is kept, renamed, and not offered again."""
    source = diagnostics.crash_report_path
    try:
        text = source.read_text("utf-8", errors="replace")
    except OSError:
        return None
    kept = source.with_name(f"crash-report-{datetime.now():%Y%m%d-%H%M%S}.txt")
    try:
        os.replace(source, kept)
    except OSError:
        kept = source
    return CrashReport(kept, text)
