"""TaskRunner: results and errors come back on the GUI thread; an error nobody handles is not swallowed."""

from __future__ import annotations

import sys

from desktop_app.ui.common.workers import TaskRunner


def test_results_and_handled_errors_arrive_as_callbacks(qtbot) -> None:  # type: ignore[no-untyped-def]
    runner = TaskRunner(max_threads=1)
    got: list[object] = []
    runner.submit(lambda: 41 + 1, got.append)
    runner.submit(lambda: 1 / 0, None, got.append)
    qtbot.waitUntil(lambda: len(got) == 2, timeout=3000)
    assert got[0] == 42 and isinstance(got[1], ZeroDivisionError)


def test_an_unhandled_failure_reaches_the_excepthook(qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    reported: list[BaseException] = []
    monkeypatch.setattr(sys, "excepthook", lambda kind, error, tb: reported.append(error))
    runner = TaskRunner(max_threads=1)
    runner.submit(lambda: {}["missing"])  # no error callback: the app's error reporter must hear of it
    qtbot.waitUntil(lambda: len(reported) == 1, timeout=3000)
    assert isinstance(reported[0], KeyError) and reported[0].__traceback__ is not None
