"""The event-loop probe: a 10 ms timer's lateness shows a blocked GUI thread, not a busy worker."""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer

from desktop_app.ui.common.loop_probe import idle_lateness, timer_lateness
from desktop_app.ui.common.workers import TaskRunner

BLOCK_S = 0.2


def test_a_blocked_gui_thread_shows_as_one_late_tick(qtbot) -> None:
    def work(done):  # type: ignore[no-untyped-def]
        def block() -> None:
            time.sleep(BLOCK_S)  # what the probe is for: a slot that holds the GUI thread
            QTimer.singleShot(30, done)

        QTimer.singleShot(30, block)

    delays = timer_lateness(work)
    assert max(delays) >= BLOCK_S * 1000 * 0.8
    assert all(d >= 0 for d in delays)


def test_work_in_a_worker_leaves_the_loop_free(qtbot) -> None:
    runner = TaskRunner(1)

    def work(done):  # type: ignore[no-untyped-def]
        runner.submit(lambda: time.sleep(BLOCK_S), lambda _result: done())  # sleeping releases the GIL

    delays = timer_lateness(work)
    runner.wait()
    assert len(delays) >= 5
    assert max(delays) < BLOCK_S * 1000 * 0.8


def test_idle_lateness_ticks_for_the_time_asked(qtbot) -> None:
    started = time.perf_counter()
    delays = idle_lateness(0.2)
    assert time.perf_counter() - started >= 0.2 * 0.9  # a single-shot timer may fire up to 5 % early
    assert 5 <= len(delays) <= 21
