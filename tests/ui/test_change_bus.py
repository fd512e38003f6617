"""Changes made by another client reach this window through the change bus, not the 30 s timer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select, update

from desktop_app.domain.clock import utcnow
from desktop_app.domain.records import MessageRecord, NewTicket
from desktop_app.services.access import Role
from desktop_app.services.accounts import AccountService
from desktop_app.services.claims import ClaimService
from desktop_app.services.container import Services
from desktop_app.services.tickets import TicketService
from desktop_app.store.database import Database
from desktop_app.store.schema import Ticket
from desktop_app.store.tickets import TicketRepository

PUSH_TIMEOUT_MS = 5000  # far below the fallback timer's 30 s


@pytest.fixture
def other_client(demo_db: Database) -> Iterator[Database]:
    """A second client on the same database: its own engine and connections."""
    other = Database.open(demo_db.engine.url.render_as_string(hide_password=False))
    yield other
    other.close()


@pytest.fixture
def colleague(demo_db, demo_supervisor):  # type: ignore[no-untyped-def]
    return AccountService(demo_db).add_user("客服小李", "colleague pass", Role.AGENT, actor=demo_supervisor)


def _resets(model) -> list[int]:  # type: ignore[no-untyped-def]
    count: list[int] = []
    model.modelReset.connect(lambda: count.append(1))
    return count


def test_a_colleagues_claim_refreshes_just_that_row(qtbot, main_window, other_client, colleague) -> None:
    main_window._refresh_timer.stop()  # only the bus can do it
    qtbot.waitUntil(lambda: main_window.change_bus.live, timeout=PUSH_TIMEOUT_MS)
    model = main_window.queue_model
    resets = _resets(model)
    claim = ClaimService(other_client).claim_next(colleague)
    assert claim is not None
    row = model.row_of(claim.ticket_id)
    assert row is not None, "the longest-waiting ticket is on the first page"
    qtbot.waitUntil(lambda: model.queue_row(row).assignee == "客服小李", timeout=PUSH_TIMEOUT_MS)
    assert resets == []  # the row was re-read in place, not the whole page


def test_a_ticket_imported_elsewhere_appears_without_the_timer(qtbot, main_window, other_client) -> None:
    main_window._refresh_timer.stop()
    qtbot.waitUntil(lambda: main_window.change_bus.live, timeout=PUSH_TIMEOUT_MS)
    now = utcnow()
    with other_client.session() as session:
        TicketRepository(session).insert_many(
            [NewTicket(external_id="PUSH-1", text="刚导入的工单：还没收到货", created_at=now, channel="淘宝",
                       messages=(MessageRecord("customer", "刚导入的工单：还没收到货", now, "买家"),))]
        )
    model = main_window.queue_model
    qtbot.waitUntil(lambda: model.total == 61, timeout=PUSH_TIMEOUT_MS)  # the page was read again


def test_the_open_ticket_shows_a_new_message_but_a_reply_to_the_old_one_is_stale(
    qtbot, main_window, other_client
) -> None:
    from tests.ui.test_main_window import type_chinese

    main_window._refresh_timer.stop()
    qtbot.waitUntil(lambda: main_window.change_bus.live, timeout=PUSH_TIMEOUT_MS)
    pane = main_window.ticket_pane
    ticket_id, before = pane.ticket_id, len(pane.ticket.messages)
    TicketService(other_client).add_customer_message(ticket_id, "我又补充一句：颜色要黑色")
    qtbot.waitUntil(lambda: len(pane.ticket.messages) == before + 1, timeout=PUSH_TIMEOUT_MS)
    assert "颜色要黑色" in pane.conversation.toPlainText()

    type_chinese(pane.editor.text_edit, "好的，已为您备注。")
    pane.editor.send_button.click()
    # Written against what the agent had worked from: refused, never sent over the change.
    qtbot.waitUntil(lambda: pane.banner.isVisible(), timeout=PUSH_TIMEOUT_MS)
    assert "其他人更新" in pane.banner.text()
    assert pane.editor.text == "好的，已为您备注。"


def test_the_supervisor_desk_shows_a_ticket_flagged_elsewhere(qtbot, demo_db, demo_supervisor, other_client) -> None:
    from desktop_app.ui.workstation.main_window import MainWindow
    from tests.ui.conftest import close_window

    window = MainWindow(Services(demo_db), demo_supervisor)
    qtbot.addWidget(window)
    loads: list[int] = []
    window.desk.flaggedLoaded.connect(loads.append)
    window.show()
    try:
        window.desk.timer.stop()
        window._refresh_timer.stop()
        window.tabs.setCurrentWidget(window.desk)
        # Its first load and the one showing the tab asks for; nothing else loads it after that.
        qtbot.waitUntil(lambda: window.change_bus.live and len(loads) == 2, timeout=PUSH_TIMEOUT_MS)
        shown = window.desk.flagged_model.rowCount()
        with other_client.session() as session:
            ticket_id = session.scalars(
                select(Ticket.id).where(Ticket.flagged.is_(False), Ticket.status == "new").limit(1)
            ).one()
            session.execute(
                update(Ticket).where(Ticket.id == ticket_id).values(flagged=True, version=Ticket.version + 1,
                                                                     updated_at=utcnow())
            )
        qtbot.waitUntil(lambda: window.desk.flagged_model.rowCount() == shown + 1, timeout=PUSH_TIMEOUT_MS)
    finally:
        close_window(qtbot, window)


def test_closing_stops_the_feed(qtbot, main_window) -> None:
    from tests.ui.conftest import close_window

    qtbot.waitUntil(lambda: main_window.change_bus.live, timeout=PUSH_TIMEOUT_MS)
    bus = main_window.change_bus
    close_window(qtbot, main_window)
    assert bus.wait(0) and not bus.live
