"""Deliver what worker threads posted to the GUI thread, without sleeping a guessed time.

After ``TaskRunner.wait()`` a job is done, but its answer is a queued signal still waiting in
the GUI thread's event queue. ``deliver_posted_events`` runs the queue until it is empty,
so a test asserts on the delivered answer (or on its absence) deterministically.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEventLoop

ROUNDS = 5  # a delivered answer may post one more (a follow-up read); a few rounds drain that too


def deliver_posted_events() -> None:
    app = QCoreApplication.instance()
    assert app is not None, "no Qt application: use the qtbot fixture"
    for _ in range(ROUNDS):
        QCoreApplication.sendPostedEvents()
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents)
