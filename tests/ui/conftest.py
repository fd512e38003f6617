"""Qt tests run offscreen on a throw-away SQLite database seeded with the demo tickets."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop_app.services.container import Services
from desktop_app.services.seed import seed_demo_if_empty  # noqa: E402
from desktop_app.store.database import Database  # noqa: E402


@pytest.fixture
def demo_db(tmp_path) -> Iterator[Database]:
    db = Database.open(f"sqlite:///{tmp_path / 'ui.db'}")
    seed_demo_if_empty(db)
    yield db
    db.close()


@pytest.fixture(autouse=True)
def scratch_settings(tmp_path):  # type: ignore[no-untyped-def]
    """Window geometry and other QSettings go to this test's folder, never the user's."""
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    yield tmp_path / "settings"


DEMO_PASSWORD = "correct horse"


@pytest.fixture
def demo_supervisor(demo_db):  # type: ignore[no-untyped-def]
    """The demo database's first account (a supervisor), made as on first run."""
    from desktop_app.services.access import Role
    from desktop_app.services.accounts import AccountService

    return AccountService(demo_db).add_user("值班主管", DEMO_PASSWORD, Role.SUPERVISOR, actor=None)


@pytest.fixture
def demo_agent(demo_db, demo_supervisor):  # type: ignore[no-untyped-def]
    """客服小美, signed in: the services check her role on every change (a bare name is nobody)."""
    from desktop_app.services.access import Role
    from desktop_app.services.accounts import AccountService

    return AccountService(demo_db).add_user("客服小美", DEMO_PASSWORD, Role.AGENT, actor=demo_supervisor)


@pytest.fixture
def main_window(qtbot, demo_db, demo_agent):
    from desktop_app.ui.workstation.main_window import MainWindow

    window = MainWindow(Services(demo_db), demo_agent)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.queue_model.rowCount() == 60, timeout=5000)
    qtbot.waitUntil(lambda: window.ticket_pane.ticket is not None, timeout=5000)
    yield window
    close_window(qtbot, window)


def close_window(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """Close a MainWindow and wait until its shutdown is done (it may take a few event-loop turns)."""
    import shiboken6

    if shiboken6.isValid(window) and not window.shut_down:
        window.close()
        qtbot.waitUntil(lambda: window.shut_down or not shiboken6.isValid(window), timeout=15000)
