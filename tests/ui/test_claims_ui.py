"""Ctrl+N claims the next ticket; the heartbeat renews its lease; closing the window
releases it; a ticket a colleague holds says who is working on it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt

from desktop_app.config import CLAIM_LEASE_ENV_VAR
from desktop_app.domain.clock import utcnow
from desktop_app.services.access import Role
from desktop_app.services.accounts import AccountService
from desktop_app.services.claims import ClaimService
from desktop_app.services.container import Services
from desktop_app.services.tickets import TicketService

PASSWORD = "correct horse"


@pytest.fixture
def users(demo_db):  # type: ignore[no-untyped-def]
    accounts = AccountService(demo_db)
    boss = accounts.add_user("主管老王", PASSWORD, Role.SUPERVISOR, actor=None)
    return {
        "boss": boss,
        "mei": accounts.add_user("客服小美", PASSWORD, Role.AGENT, actor=boss),
        "li": accounts.add_user("客服小李", PASSWORD, Role.AGENT, actor=boss),
    }


@pytest.fixture
def window(qtbot, demo_db, users, monkeypatch):  # type: ignore[no-untyped-def]
    from desktop_app.ui.workstation.main_window import MainWindow

    monkeypatch.setenv(CLAIM_LEASE_ENV_VAR, "1.5")  # a heartbeat every half second
    win = MainWindow(Services(demo_db), users["mei"])  # closed here, not by qtbot: closing takes a few event-loop turns
    win.show()
    qtbot.waitUntil(lambda: win.queue_model.rowCount() == 60, timeout=5000)
    qtbot.waitUntil(lambda: win.ticket_pane.ticket is not None, timeout=5000)
    yield win
    if not win.shut_down:
        win.close()
        qtbot.waitUntil(lambda: win.shut_down, timeout=10000)
    win.deleteLater()


def _ticket(db, ticket_id: int):  # type: ignore[no-untyped-def]
    return TicketService(db).open(ticket_id, "nobody").ticket


def _ctrl_n(qtbot, win) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(win.queue_panel.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)


def test_ctrl_n_claims_the_next_ticket(qtbot, window, demo_db, users) -> None:
    expected = ClaimService(demo_db).peek_next(users["mei"], leaving_id=window.ticket_pane.ticket_id)
    assert expected is not None
    _ctrl_n(qtbot, window)
    qtbot.waitUntil(lambda: window.claimed_id is not None, timeout=5000)
    assert window.claimed_id == expected
    qtbot.waitUntil(lambda: window.ticket_pane.ticket_id == window.claimed_id, timeout=5000)
    claimed = _ticket(demo_db, window.claimed_id)
    assert (claimed.claimed_by, claimed.assignee) == ("客服小美", "客服小美")
    # A colleague pressing Ctrl+N at the same time gets another ticket.
    other = ClaimService(demo_db).claim_next(users["li"])
    assert other is not None and other.ticket_id != window.claimed_id


def test_the_heartbeat_renews_the_open_claim(qtbot, window, demo_db) -> None:
    _ctrl_n(qtbot, window)
    qtbot.waitUntil(lambda: window.claimed_id is not None, timeout=5000)
    qtbot.waitUntil(lambda: window.ticket_pane.ticket_id == window.claimed_id, timeout=5000)
    first = _ticket(demo_db, window.claimed_id)
    qtbot.waitUntil(lambda: _ticket(demo_db, window.claimed_id).claim_until > first.claim_until, timeout=5000)
    renewed = _ticket(demo_db, window.claimed_id)
    assert renewed.version == first.version  # renewing is not an edit: the reply being typed stays valid
    assert renewed.claim_holder(utcnow()) == "客服小美"


def test_closing_the_window_releases_the_claim(qtbot, window, demo_db) -> None:
    _ctrl_n(qtbot, window)
    qtbot.waitUntil(lambda: window.claimed_id is not None, timeout=5000)
    claimed = window.claimed_id
    window.close()
    qtbot.waitUntil(lambda: window.shut_down, timeout=10000)
    released = _ticket(demo_db, claimed)
    assert (released.claimed_by, released.assignee) == (None, None)


def test_a_ticket_a_colleague_holds_says_who(qtbot, window, demo_db, users) -> None:
    service = ClaimService(demo_db, lease=timedelta(minutes=10))
    claim = service.claim_next(users["li"], leaving_id=window.ticket_pane.ticket_id)
    assert claim is not None
    window.ticket_pane.open_ticket(claim.ticket_id)
    qtbot.waitUntil(lambda: window.ticket_pane.ticket_id == claim.ticket_id, timeout=5000)
    assert window.ticket_pane.assignee_label.text() == "客服小李 正在处理"
    service.release(users["li"], claim.ticket_id)
    window.ticket_pane.reload()
    qtbot.waitUntil(lambda: window.ticket_pane.assignee_label.text() == "未分配", timeout=5000)
