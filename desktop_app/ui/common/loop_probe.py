"""How long the event loop stalls: the lateness of a precise periodic QTimer.

While the loop is free a 10 ms timer fires every 10 ms; whatever holds the GUI thread (a
query, a model run, a long slot, Python's GIL held by a worker) makes the next tick late,
and an agent feels that as a hitch. ``bench tagger`` reports the p99 of these delays
while tickets are tagged in the background; a test can assert the same of any work.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication

DEFAULT_INTERVAL_MS = 10


def application() -> QCoreApplication:
    """The running QApplication, or a new one (offscreen unless a platform is chosen)."""
    existing = QApplication.instance()
    if existing is not None:
        return existing
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    return QApplication(["aftersales-probe"])


def timer_lateness(work: Callable[[Callable[[], None]], None], interval_ms: int = DEFAULT_INTERVAL_MS) -> list[float]:
    """Run the event loop until ``work`` calls the ``done`` it is handed; return how late (ms,
    never negative) each tick of a precise ``interval_ms`` timer came meanwhile.

    ``work(done)`` is called once the timer runs; it starts something (a worker, a chain of
    tasks) and returns, and whatever finishes it calls ``done()`` from the GUI thread.
    """
    application()
    loop = QEventLoop()
    delays: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        delays.append(max((now - last[0]) * 1000 - interval_ms, 0.0))
        last[0] = now

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(interval_ms)
    timer.timeout.connect(tick)
    timer.start()
    last[0] = time.perf_counter()
    work(loop.quit)
    loop.exec()
    timer.stop()
    return delays


def idle_lateness(seconds: float, interval_ms: int = DEFAULT_INTERVAL_MS) -> list[float]:
    """The lateness of an otherwise idle loop for ``seconds``: the baseline of this machine."""
    return timer_lateness(lambda done: QTimer.singleShot(int(seconds * 1000), done), interval_ms)


__all__ = ["DEFAULT_INTERVAL_MS", "application", "idle_lateness", "timer_lateness"]
