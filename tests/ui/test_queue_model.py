from __future__ import annotations

from PySide6.QtCore import Qt

from desktop_app.domain.records import QueueFilter
from desktop_app.services.queue import QueueService
from desktop_app.store.schema import Ticket
from desktop_app.ui.common.workers import TaskRunner
from desktop_app.ui.workstation.queue_model import QueueTableModel


def _model(qtbot, db, page_size=200) -> QueueTableModel:
    runner = TaskRunner()
    model = QueueTableModel(QueueService(db), runner, page_size=page_size)
    model._runner_ref = runner  # keep the runner alive as long as the model
    return model


def _column(model: QueueTableModel, key: str) -> int:
    return [c.key for c in model.columns].index(key)


def test_loads_first_page_in_background(qtbot, demo_db):
    model = _model(qtbot, demo_db)
    with qtbot.waitSignal(model.pageLoaded, timeout=5000) as blocker:
        model.reload()
    assert blocker.args == [60, 0, 1]
    assert model.rowCount() == 60
    assert model.columnCount() == 11
    assert all(model.ticket_id(r) is not None for r in range(60))


def test_sort_is_done_by_the_service(qtbot, demo_db):
    model = _model(qtbot, demo_db)
    with qtbot.waitSignal(model.pageLoaded, timeout=5000):
        model.sort(_column(model, "customer"), Qt.SortOrder.DescendingOrder)
    shown = [model.data(model.index(r, _column(model, "customer"))) for r in range(model.rowCount())]
    expected = [row.customer for row in QueueService(demo_db).page(sort=model._sort).rows]
    assert shown == expected
    assert model._sort.column == "customer" and model._sort.descending


def test_filter_and_paging(qtbot, demo_db):
    model = _model(qtbot, demo_db, page_size=25)
    with qtbot.waitSignal(model.pageLoaded, timeout=5000) as blocker:
        model.reload()
    assert blocker.args == [60, 0, 3]
    with qtbot.waitSignal(model.pageLoaded, timeout=5000) as blocker:
        model.set_page(2)
    assert blocker.args == [60, 2, 3]
    assert model.rowCount() == 10
    with qtbot.waitSignal(model.pageLoaded, timeout=5000):
        model.set_filter(QueueFilter(statuses=("resolved",)))
    assert model.page_index == 0
    statuses = {model.queue_row(r).status for r in range(model.rowCount())}
    assert statuses == {"resolved"}
    assert model.total == model.rowCount() == 5


def test_only_the_newest_request_is_shown(qtbot, demo_db):
    model = _model(qtbot, demo_db)
    model.set_filter(QueueFilter(search="发票"))
    with qtbot.waitSignal(model.pageLoaded, timeout=5000):
        model.set_filter(QueueFilter(search="不存在的关键词xyz"))
    qtbot.wait(200)  # let the first answer arrive too; it must be ignored
    assert model.rowCount() == 0
    assert model.total == 0


def test_flag_and_sentiment_decoration(qtbot, demo_db):
    with demo_db.session() as session:
        ticket = session.get(Ticket, 1)
        ticket.flagged, ticket.sentiment, ticket.intent = True, "negative", "complaint"
    model = _model(qtbot, demo_db)
    with qtbot.waitSignal(model.pageLoaded, timeout=5000):
        model.reload()
    row = model.row_of(1)
    assert model.data(model.index(row, _column(model, "flagged"))) == "⚑"
    assert model.data(model.index(row, _column(model, "intent"))) == "投诉"
    assert model.data(model.index(row, _column(model, "sentiment"))) == "负面"
    assert model.data(model.index(row, _column(model, "sentiment")), Qt.ItemDataRole.BackgroundRole) is not None


def test_a_count_past_the_cap_shows_at_least_then_the_exact_figure(qtbot, demo_db, monkeypatch):
    import threading

    from desktop_app.store import tickets as ticket_store
    from desktop_app.ui.workstation.queue_panel import QueuePanel

    monkeypatch.setattr(ticket_store, "COUNT_CAP", 40)
    counted = threading.Event()
    exact_count = QueueService.count

    def slow_count(self, queue_filter=QueueFilter()):  # type: ignore[no-untyped-def]
        counted.wait(5)  # a million rows take a moment: the page is on screen meanwhile
        return exact_count(self, queue_filter)

    monkeypatch.setattr(QueueService, "count", slow_count)
    model = _model(qtbot, demo_db, page_size=25)
    panel = QueuePanel(model)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(model.pageLoaded, timeout=5000) as blocker:
        model.reload()
    assert blocker.args == [41, 0, 2] and not model.total_exact
    assert panel.total_label.text() == "40+ 个工单" and panel.page_label.text() == "第 1 / 2+ 页"
    with qtbot.waitSignal(model.pageLoaded, timeout=5000) as blocker:
        counted.set()
    assert blocker.args == [60, 0, 3] and model.total_exact
    assert panel.total_label.text() == "共 60 个工单" and panel.page_label.text() == "第 1 / 3 页"
