"""Qt tests run offscreen on a throw-away SQLite database seeded with the demo tickets."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop_app.services.seed import seed_demo_if_empty  # noqa: E402
from desktop_app.store.database import Database  # noqa: E402


@pytest.fixture
def demo_db(tmp_path) -> Iterator[Database]:
    db = Database.open(f"sqlite:///{tmp_path / 'ui.db'}")
    seed_demo_if_empty(db)
    yield db
    db.close()


@pytest.fixture
def main_window(qtbot, demo_db):
    from desktop_app.ui.workstation.main_window import MainWindow

    window = MainWindow(demo_db, "客服小美")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.queue_model.rowCount() == 60, timeout=5000)
    qtbot.waitUntil(lambda: window.ticket_pane.ticket is not None, timeout=5000)
    yield window
    window.close()
