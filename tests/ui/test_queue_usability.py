"""The queue and the window as a person uses them: sort by what is shown, Esc out of the
search, an empty result that says so, short ticket numbers, the role named, signing out."""

from __future__ import annotations

from functools import cmp_to_key

from PySide6.QtCore import QCollator, QLocale, Qt

from desktop_app.domain.ticket_numbers import ticket_number
from desktop_app.domain.vocabulary import INTENTS
from desktop_app.services.claims import ClaimService
from desktop_app.services.container import Services
from desktop_app.store.schema import Ticket
from tests.ui.conftest import close_window


def _column(model, key: str) -> int:  # type: ignore[no-untyped-def]
    return [c.key for c in model.columns].index(key)


def _tag_every_intent(db) -> None:  # type: ignore[no-untyped-def]
    with db.session() as session:
        for ticket_id, intent in enumerate(INTENTS, start=1):
            session.get(Ticket, ticket_id).intent = intent


def test_sorting_by_intent_follows_the_names_shown(qtbot, demo_db, demo_agent):
    from desktop_app.ui.workstation.main_window import MainWindow

    _tag_every_intent(demo_db)
    window = MainWindow(Services(demo_db), demo_agent)
    qtbot.addWidget(window)
    model = window.queue_model
    qtbot.waitUntil(lambda: model.rowCount() == 60, timeout=5000)
    try:
        column = _column(model, "intent")
        with qtbot.waitSignal(model.pageLoaded, timeout=5000):
            window.queue_panel.table.sortByColumn(column, Qt.SortOrder.AscendingOrder)
        shown = [model.data(model.index(r, column)) for r in range(model.rowCount())]
        named = [name for name in shown if name]
        collator = QCollator(QLocale())
        assert len(set(named)) == len(INTENTS)
        assert named == sorted(named, key=cmp_to_key(collator.compare))
        assert shown[len(named) :] == [""] * (len(shown) - len(named))  # untagged last
    finally:
        close_window(qtbot, window)


def test_esc_clears_the_search_and_leaves_it(main_window, qtbot):
    panel = main_window.queue_panel
    panel.focus_search()
    qtbot.waitUntil(panel.search.hasFocus)
    qtbot.keyClicks(panel.search, "no such ticket at all")
    qtbot.waitUntil(lambda: main_window.queue_model.total == 0 and not main_window.queue_model.loading, timeout=5000)
    qtbot.waitUntil(panel.empty_label.isVisible, timeout=2000)  # an empty result says so
    qtbot.keyClick(panel.search, Qt.Key.Key_Escape)
    assert panel.search.text() == ""
    qtbot.waitUntil(panel.table.hasFocus)
    qtbot.waitUntil(lambda: main_window.queue_model.total == 60, timeout=5000)
    assert not panel.empty_label.isVisible()


def test_a_hash_id_is_shown_as_a_short_ticket_number(qtbot, demo_db, demo_agent):
    from desktop_app.ui.workstation.main_window import MainWindow

    hashed = "sha1:3fa9c1d2e4b5a6978812aa01"
    with demo_db.session() as session:
        session.get(Ticket, 1).external_id = hashed
    window = MainWindow(Services(demo_db), demo_agent)
    qtbot.addWidget(window)
    model = window.queue_model
    qtbot.waitUntil(lambda: model.rowCount() == 60, timeout=5000)
    try:
        index = model.index(model.row_of(1), _column(model, "external_id"))
        assert model.data(index) == "3fa9c1d2"
        assert model.data(index, Qt.ItemDataRole.ToolTipRole) == hashed
        assert window.queue_panel.select_ticket(1)
        qtbot.waitUntil(lambda: window.ticket_pane.ticket is not None and window.ticket_pane.ticket.id == 1)
        assert "3fa9c1d2" in window.ticket_pane.title.text() and hashed not in window.ticket_pane.title.text()
    finally:
        close_window(qtbot, window)
    assert ticket_number("DEMO-0001") == "DEMO-0001"


def test_status_bar_names_the_role(qtbot, demo_db, demo_agent, demo_supervisor, main_window):
    from desktop_app.ui.workstation.main_window import MainWindow

    assert main_window.status_agent.text() == f"坐席：{demo_agent.name}"
    boss = MainWindow(Services(demo_db), demo_supervisor)
    qtbot.addWidget(boss)
    try:
        assert boss.status_agent.text() == f"主管：{demo_supervisor.name}"
    finally:
        close_window(qtbot, boss)


def test_sign_out_releases_claims_and_signs_in_again(qtbot, demo_db, demo_agent, demo_supervisor, monkeypatch):
    from desktop_app.ui import app as gui

    answers = iter([demo_agent, demo_supervisor, None])
    asked: list[object] = []

    def fake_sign_in(db):  # type: ignore[no-untyped-def]
        user = next(answers)
        asked.append(user)
        return user

    monkeypatch.setattr(gui, "sign_in", fake_sign_in)
    session = gui.WorkstationSession(Services(demo_db))
    assert session.start()
    first = session.window  # deleted by the session once closed: not handed to qtbot
    qtbot.waitUntil(lambda: first.queue_model.rowCount() == 60, timeout=5000)
    assert first.sign_out_action in first.menuBar().actions()[-2].menu().actions()
    claims = ClaimService(demo_db)
    claim = claims.claim_next(demo_agent)
    assert claim is not None and claims.holder(claim.ticket_id) == demo_agent.name

    first.switch_user_action.trigger()  # the colleague at the desk signs in as the supervisor
    qtbot.waitUntil(lambda: session.window is not None and session.window is not first, timeout=15000)
    second = session.window
    assert first.shut_down
    assert claims.holder(claim.ticket_id) is None, "signing out must release the agent's claims"
    assert second.user == demo_supervisor and second.desk is not None

    with qtbot.waitSignal(session.ended, timeout=15000):
        second.sign_out_action.trigger()  # sign-in cancelled: the app ends
    assert asked == [demo_agent, demo_supervisor, None] and session.window is None
