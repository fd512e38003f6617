"""「客服小李 正在处理」: the ticket pane shows colleagues who have the same ticket open."""

from __future__ import annotations

from desktop_app.services.presence import PresenceService
from tests.ui.test_change_bus import colleague, other_client  # noqa: F401 - fixtures

PRESENCE_TIMEOUT_MS = 10_000  # generous: this is about who is shown, not how fast (bench changes measures that)


def test_opening_a_ticket_makes_me_present_for_colleagues(qtbot, main_window, demo_db, colleague):  # noqa: F811
    pane = main_window.ticket_pane
    ticket_id = pane.ticket_id
    presence = PresenceService(demo_db)
    qtbot.waitUntil(lambda: presence.others(ticket_id, colleague) == ["客服小美"], timeout=PRESENCE_TIMEOUT_MS)

    other = next(t for t in main_window.queue_model.ticket_ids() if t != ticket_id)
    pane.open_ticket(other)
    qtbot.waitUntil(lambda: presence.others(other, colleague) == ["客服小美"], timeout=PRESENCE_TIMEOUT_MS)
    qtbot.waitUntil(lambda: presence.others(ticket_id, colleague) == [], timeout=PRESENCE_TIMEOUT_MS)


def test_a_colleague_opening_my_ticket_shows_up_and_leaving_clears_it(
    qtbot, main_window, other_client, colleague  # noqa: F811
):
    main_window._refresh_timer.stop()  # only the change bus can tell
    qtbot.waitUntil(lambda: main_window.change_bus.live, timeout=PRESENCE_TIMEOUT_MS)
    pane = main_window.ticket_pane
    label = pane.presence.label
    assert label.isHidden()
    theirs = PresenceService(other_client)
    theirs.here(colleague, pane.ticket_id)
    qtbot.waitUntil(lambda: label.isVisible() and label.text() == "客服小李 正在处理", timeout=PRESENCE_TIMEOUT_MS)
    theirs.left(colleague, pane.ticket_id)
    qtbot.waitUntil(lambda: label.isHidden(), timeout=PRESENCE_TIMEOUT_MS)


def test_signing_out_ends_my_presence(qtbot, main_window, demo_db, colleague):  # noqa: F811
    from tests.ui.conftest import close_window

    pane = main_window.ticket_pane
    ticket_id = pane.ticket_id
    presence = PresenceService(demo_db)
    qtbot.waitUntil(lambda: presence.others(ticket_id, colleague) == ["客服小美"], timeout=PRESENCE_TIMEOUT_MS)
    close_window(qtbot, main_window)
    assert presence.others(ticket_id, colleague) == []
