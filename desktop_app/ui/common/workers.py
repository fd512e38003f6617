"""Running service calls off the GUI thread and delivering results back on it.

Every database or file operation goes through a ``TaskRunner`` so the event loop never
waits on SQLite, an import or (later) a model. Results and errors arrive as callbacks in
the GUI thread; a caller that may be outrun by a newer request compares its own token.
A failure nobody handles is not swallowed: it reaches ``sys.excepthook``, which the app's
error reporter owns, like an exception anywhere else.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot


class _TaskSignals(QObject):
    succeeded = Signal(int, object)
    failed = Signal(int, object)


class _Task(QRunnable):
    def __init__(self, task_id: int, fn: Callable[[], Any], signals: _TaskSignals) -> None:
        super().__init__()
        self.task_id = task_id
        self.fn = fn
        self.signals = signals

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:  # noqa: BLE001 - every failure must reach the GUI
            self.signals.failed.emit(self.task_id, exc)
        else:
            self.signals.succeeded.emit(self.task_id, result)


class TaskRunner(QObject):
    """A small thread pool whose callbacks run in the thread that owns the runner."""

    def __init__(self, max_threads: int = 2, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._signals = _TaskSignals(self)
        self._signals.succeeded.connect(self._on_succeeded)
        self._signals.failed.connect(self._on_failed)
        self._ids = itertools.count(1)
        self._callbacks: dict[int, tuple[Callable[[Any], None] | None, Callable[[BaseException], None] | None]] = {}

    def submit(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> int:
        task_id = next(self._ids)
        self._callbacks[task_id] = (on_done, on_error)
        self._pool.start(_Task(task_id, fn, self._signals))
        return task_id

    def wait(self, msecs: int = -1) -> bool:
        """Block until queued work is done (shutdown and tests only)."""
        return self._pool.waitForDone(msecs)

    @Slot(int, object)
    def _on_succeeded(self, task_id: int, result: object) -> None:
        on_done, _ = self._callbacks.pop(task_id, (None, None))
        if on_done is not None:
            on_done(result)

    @Slot(int, object)
    def _on_failed(self, task_id: int, error: BaseException) -> None:
        _, on_error = self._callbacks.pop(task_id, (None, None))
        if on_error is not None:
            on_error(error)
        else:
            # Nobody asked to hear about it: it goes where every unplanned error goes (the
            # app's error reporter: the log and a dialog; a test's failure under pytest-qt).
            sys.excepthook(type(error), error, error.__traceback__)
