"""Smart tags in the workstation: the banner without a model, background tagging with the
toy model, the tag section of the ticket pane, and one-click corrections."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from sqlalchemy import select

from desktop_app.config import TAGGER_MODEL_ENV_VAR
from desktop_app.services.container import Services
from desktop_app.services.tickets import TicketService
from desktop_app.store.schema import Feedback, Ticket
from desktop_app.ui.workstation.queue_model import INTENT_COLOURS


def _column(window, key: str) -> int:  # type: ignore[no-untyped-def]
    return [c.key for c in window.queue_model.columns].index(key)


def _all_rows_tagged(window) -> bool:  # type: ignore[no-untyped-def]
    model = window.queue_model
    return model.rowCount() == 60 and all(model.queue_row(r).intent is not None for r in range(model.rowCount()))


@pytest.fixture
def tagged_window(qtbot, demo_db, demo_agent, toy_tagger_dir: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    from desktop_app.ui.workstation.main_window import MainWindow

    monkeypatch.setenv(TAGGER_MODEL_ENV_VAR, str(toy_tagger_dir))
    window = MainWindow(Services(demo_db), demo_agent)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: _all_rows_tagged(window), timeout=20000)
    qtbot.waitUntil(lambda: window.ticket_pane.ticket is not None, timeout=5000)
    yield window
    window.close()


def test_missing_model_shows_a_banner_and_the_app_keeps_working(qtbot, main_window) -> None:
    qtbot.waitUntil(lambda: main_window.tagger_banner.isVisible(), timeout=5000)
    text = main_window.tagger_banner.text()
    assert text.startswith("智能标签已停用：")
    assert "no-tagger-installed" in text and "does not exist" in text
    assert main_window.status_tagger.text() == "智能标签：已停用"
    assert main_window.queue_model.rowCount() == 60  # the queue is there, untagged
    pane = main_window.ticket_pane
    qtbot.waitUntil(lambda: pane.intent_label.text() == "未标注（智能标签已停用）", timeout=3000)
    assert main_window.tagging.tagger is None


def test_corrupt_model_shows_why(qtbot, demo_db, demo_agent, toy_tagger_dir: Path) -> None:
    from desktop_app.ui.workstation.main_window import MainWindow

    model = toy_tagger_dir / "model.onnx"
    model.write_bytes(model.read_bytes() + b"\x00")
    window = MainWindow(Services(demo_db), demo_agent, tagger_folder=toy_tagger_dir)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.taggerFailed, timeout=5000) as blocker:
        window.show()
    assert "model.onnx is corrupt" in blocker.args[0]
    assert "model.onnx is corrupt" in window.tagger_banner.text()
    window.close()


def test_rows_get_tags_in_the_background(qtbot, tagged_window, demo_db) -> None:
    window = tagged_window
    assert not window.tagger_banner.isVisible()
    assert window.status_tagger.text() == "智能标签：aftersales-tagger 0.0.1-toy"
    with demo_db.session() as session:
        untagged = session.scalars(select(Ticket.id).where(Ticket.tagged_at.is_(None))).all()
        versions = set(session.scalars(select(Ticket.version)))
    assert untagged == []
    assert versions == {1}  # tagging is not an edit
    model = window.queue_model
    intent_column = _column(window, "intent")
    row = next(r for r in range(model.rowCount()) if model.queue_row(r).intent == "logistics")
    index = model.index(row, intent_column)
    assert model.data(index) == "物流配送"
    assert model.data(index, Qt.ItemDataRole.BackgroundRole).color() == QColor(INTENT_COLOURS["logistics"])
    flagged = [model.queue_row(r) for r in range(model.rowCount()) if model.queue_row(r).flagged]
    assert flagged, "the demo tickets include angry ones"
    assert model.data(model.index(model.row_of(flagged[0].id), _column(window, "flagged"))) == "⚑"


def test_new_tickets_are_tagged_after_an_import(qtbot, tagged_window, demo_db, tmp_path: Path) -> None:
    window = tagged_window
    path = tmp_path / "new.csv"
    path.write_text("订单号,买家昵称,问题描述,创建时间\n9001,新买家,你们太差了我要投诉,2026-11-20 10:00\n", "utf-8")
    # The import finishes, then a tagging pass picks up the one new ticket.
    with qtbot.waitSignal(window.taggingFinished, timeout=10000, check_params_cb=lambda n: n == 1):
        window.start_import(path, [])
    with demo_db.session() as session:
        ticket = session.scalars(select(Ticket).where(Ticket.order_id == "9001")).one()
        assert (ticket.intent, ticket.flagged) == ("complaint", True)


def test_pane_shows_top_intents_sentiment_and_flag_reasons(qtbot, tagged_window, demo_db) -> None:
    window = tagged_window
    with demo_db.session() as session:
        flagged_id = session.scalars(
            select(Ticket.id).where(Ticket.flagged.is_(True)).where(Ticket.intent == "complaint")
        ).first()
    assert flagged_id is not None
    pane = window.ticket_pane
    if not window.queue_panel.select_ticket(flagged_id):
        pane.open_ticket(flagged_id)
    qtbot.waitUntil(lambda: pane.ticket_id == flagged_id, timeout=3000)
    ticket = pane.ticket
    top = ticket.top_intents(3)
    assert pane.intent_label.text().split(" · ")[0] == f"投诉 {top[0][1]:.2f}"
    assert len(pane.intent_label.text().split(" · ")) == 3
    assert pane.sentiment_label.text().endswith(f"{ticket.sentiment_score:.2f}")
    flag_text = pane.flag_label.text()
    assert flag_text.startswith("⚑ 已标记：")
    assert "投诉意图" in flag_text
    assert pane.intent_button.isEnabled() and pane.sentiment_button.isEnabled()
    checked = [a.data() for a in pane.intent_menu.actions() if a.isChecked()]
    assert checked == ["complaint"]


def test_correction_from_the_pane_lands_in_feedback(qtbot, tagged_window, demo_db) -> None:
    window = tagged_window
    pane = window.ticket_pane
    ticket = pane.ticket
    new_intent = "invoice" if ticket.intent != "invoice" else "exchange"
    action = next(a for a in pane.intent_menu.actions() if a.data() == new_intent)
    with qtbot.waitSignal(pane.corrected, timeout=5000):
        action.trigger()
    assert pane.ticket.intent == new_intent
    assert pane.ticket.version == ticket.version + 1
    assert "（坐席更正）" in pane.intent_label.text()
    row = window.queue_model.row_of(ticket.id)
    qtbot.waitUntil(lambda: window.queue_model.queue_row(row).intent == new_intent, timeout=3000)

    negative = next(a for a in pane.sentiment_menu.actions() if a.data() == "negative")
    with qtbot.waitSignal(pane.corrected, timeout=5000):
        negative.trigger()
    assert pane.ticket.flagged and "负面情绪（坐席标注）" in pane.flag_label.text()
    with demo_db.session() as session:
        rows = session.execute(
            select(Feedback.task, Feedback.model_label, Feedback.corrected_label, Feedback.author)
            .where(Feedback.ticket_id == ticket.id)
            .order_by(Feedback.id)
        ).all()
    assert rows == [
        ("intent", ticket.intent, new_intent, "客服小美"),
        ("sentiment", ticket.sentiment, "negative", "客服小美"),
    ]
    # The reply still goes out after the corrections (the pane holds the newest version).
    pane.editor.text_edit.insertPlainText("已为您登记")
    pane.editor.sendRequested.emit(pane.editor.text)
    qtbot.waitUntil(lambda: pane.ticket.status == "waiting_customer", timeout=3000)
    assert TicketService(demo_db).open(ticket.id, "客服小美").ticket.intent == new_intent


def test_open_ticket_refreshes_when_its_tags_land(qtbot, demo_db, demo_agent, toy_tagger_dir: Path) -> None:
    """The ticket on screen gets its tags in place, without losing the version it was read at."""
    from desktop_app.ui.workstation.main_window import MainWindow

    window = MainWindow(Services(demo_db), demo_agent, tagger_folder=toy_tagger_dir)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.ticket_pane.ticket is not None, timeout=5000)
    pane = window.ticket_pane
    qtbot.waitUntil(lambda: pane.ticket.intent is not None, timeout=60000)
    assert pane.ticket.version == 1
    assert "未标注" not in pane.intent_label.text()
    window.close()


def test_a_read_older_than_the_agents_correction_does_not_undo_it(qtbot, tagged_window) -> None:
    """The tag refresh and the correction run on separate workers: a read that started before
    the correction may come back after it, and must not put the model's label back."""
    pane = tagged_window.ticket_pane
    ticket = pane.ticket
    new_intent = "invoice" if ticket.intent != "invoice" else "exchange"
    before = replace(ticket)  # what a read submitted before the correction returns
    action = next(a for a in pane.intent_menu.actions() if a.data() == new_intent)
    with qtbot.waitSignal(pane.corrected, timeout=5000):
        action.trigger()
    pane._tags_refreshed(before)
    pane._changed_elsewhere(pane._token, before)
    assert pane.ticket.intent == new_intent and pane.ticket.version == ticket.version + 1
    assert "（坐席更正）" in pane.intent_label.text()
