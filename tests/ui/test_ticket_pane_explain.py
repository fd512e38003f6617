"""Opening a flagged ticket finds its trigger words in a worker (batch tagging leaves them out),
and the pane shows the stored Chinese reasons in the UI's language."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTranslator
from PySide6.QtWidgets import QApplication

from desktop_app.config import RESOURCES_DIR
from desktop_app.services.drafts import DraftService
from desktop_app.services.tagging import TaggingService
from desktop_app.services.tickets import TicketService
from desktop_app.ui.common.workers import TaskRunner
from desktop_app.ui.workstation.ticket_pane import TicketPane

TIMEOUT = 5000
EXPLAIN_TIMEOUT = 20000  # the first explanation of a test run loads jieba's dictionary (seconds on a busy PC)


@pytest.fixture
def tagged(db, toy_tagger, add_tickets, make_ticket) -> dict[str, int]:
    ids = add_tickets([make_ticket(1, text="你们态度太差了我要投诉"), make_ticket(2, text="我的快递什么时候到")])
    TaggingService(db, toy_tagger).tag_untagged()
    return ids


@pytest.fixture
def pane(qtbot, db, toy_tagger, tagged):
    reader, writer = TaskRunner(2), TaskRunner(1)
    widget = TicketPane(
        TicketService(db), DraftService(db), reader, writer, "客服小美", tagging=TaggingService(db, toy_tagger)
    )
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    reader.wait(TIMEOUT)
    writer.wait(TIMEOUT)
    widget._explainer.wait(TIMEOUT)


def _open(qtbot, pane: TicketPane, ticket_id: int) -> None:
    pane.open_ticket(ticket_id)
    qtbot.waitUntil(lambda: pane.ticket_id == ticket_id, timeout=TIMEOUT)


def test_opening_a_flagged_ticket_finds_and_stores_its_trigger_words(qtbot, db, pane, tagged) -> None:
    ticket_id = tagged["T-00001"]
    stored = TicketService(db).open(ticket_id, "客服小美").ticket
    assert stored.flagged and not any(r.startswith("触发词：") for r in stored.flag_reasons)

    with qtbot.waitSignal(pane.explained, timeout=EXPLAIN_TIMEOUT):
        _open(qtbot, pane, ticket_id)
    qtbot.waitUntil(lambda: "触发词：" in pane.flag_label.text(), timeout=TIMEOUT)
    assert "「投诉」" in pane.flag_label.text()
    assert pane.flag_label.text().startswith("⚑ 已标记：负面情绪 ")
    after = TicketService(db).open(ticket_id, "客服小美").ticket
    assert any(r.startswith("触发词：") and "「投诉」" in r for r in after.flag_reasons)
    assert after.version == stored.version and pane.ticket.version == stored.version


def test_an_unflagged_ticket_costs_no_model_run(qtbot, pane, tagged, monkeypatch) -> None:
    calls: list[int] = []
    monkeypatch.setattr(pane._tagging, "explain", lambda ticket_id: calls.append(ticket_id))
    _open(qtbot, pane, tagged["T-00002"])
    qtbot.waitUntil(lambda: pane.flag_label.text() == "否", timeout=TIMEOUT)
    pane._explainer.wait(TIMEOUT)
    assert calls == []


def test_english_pane_translates_the_reasons(qtbot, pane, tagged) -> None:
    translator = QTranslator()
    assert translator.load(str(RESOURCES_DIR / "i18n" / "aftersales_en.qm"))
    QApplication.instance().installTranslator(translator)
    try:
        _open(qtbot, pane, tagged["T-00001"])
        qtbot.waitUntil(lambda: "Trigger words: " in pane.flag_label.text(), timeout=EXPLAIN_TIMEOUT)
        text = pane.flag_label.text()
        assert text.startswith("⚑ Flagged: Negative sentiment ")
        assert "; Complaint intent " in text and "「投诉」" in text
        assert "负面情绪" not in text and "意图" not in text
    finally:
        QApplication.instance().removeTranslator(translator)
