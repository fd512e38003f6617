"""The supervisor desk: flagged queue, live refresh, actions through DeskActions, charts, model
health and export, over a seeded SQLite database and a fake set of actions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QInputDialog
from sqlalchemy import insert

from desktop_app.domain.clock import utcnow
from desktop_app.domain.records import MessageRecord
from desktop_app.services.container import Services
from desktop_app.services.desk_stats import FlaggedTicket
from desktop_app.store.schema import Feedback, ReplyOutcome, TicketTag
from desktop_app.ui.supervisor import DeskActions, SupervisorDesk
from desktop_app.ui.supervisor.dialogs import ReassignDialog
from desktop_app.ui.supervisor.flagged_model import FlaggedTableModel

TIMEOUT = 5000
EXPLAIN_TIMEOUT = 20000  # the first explanation of a test run loads jieba's dictionary (seconds on a busy PC)


class PermissionDenied(Exception):
    pass


class FakeActions:
    def __init__(self) -> None:
        self.calls: list[tuple[object, ...]] = []
        self.fail: Exception | None = None

    def _record(self, *call: object) -> None:
        self.calls.append(call)
        if self.fail is not None:
            raise self.fail

    def reassign(self, ticket_id: int, version: int, to_agent: str | None, reason: str) -> None:
        self._record("reassign", ticket_id, version, to_agent, reason)

    def take_over(self, ticket_id: int, version: int) -> None:
        self._record("take_over", ticket_id, version)

    def unflag(self, ticket_id: int, version: int, reason: str) -> None:
        self._record("unflag", ticket_id, version, reason)

    def export(self, headers: list[str], rows: list[list[object]], path: str, fmt: str) -> None:
        self._record("export", headers, rows, path, fmt)


def _flag(set_columns, ticket_id: int, reasons: list[str], **values: object) -> None:
    set_columns(ticket_id, flagged=True, flag_reasons=list(reasons), **values)


@pytest.fixture
def seeded(db, make_ticket, add_tickets, set_columns) -> dict[str, int]:
    now = utcnow()

    def m(role: str, minutes_ago: int, author: str = "") -> MessageRecord:
        return MessageRecord(role, "…", now - timedelta(minutes=minutes_ago), author)

    created = now - timedelta(minutes=1)  # all today, for the per-day chart
    ids = add_tickets(
        [
            make_ticket(1, customer="小鹿爱吃草", assignee="客服小美", created_at=created),
            make_ticket(2, customer="jd_王先生", created_at=created),
            make_ticket(3, created_at=created, messages=(m("customer", 300), m("agent", 290, "客服小美"))),
            make_ticket(4, created_at=created, messages=(m("customer", 200), m("agent", 170, "客服阿杰"))),
            make_ticket(5, created_at=created),
        ]
    )
    _flag(
        set_columns,
        ids["T-00001"],
        ["负面情绪 0.93", "投诉意图 0.81", "触发词：「投诉」「差评」"],
        intent="complaint",
        intent_score=0.81,
        sentiment="negative",
        sentiment_score=0.93,
        waiting_since=now - timedelta(hours=2, minutes=15, seconds=20),
    )
    _flag(
        set_columns,
        ids["T-00002"],
        ["负面情绪 0.70"],
        intent="logistics",
        intent_score=0.6,
        sentiment="negative",
        sentiment_score=0.7,
        waiting_since=now - timedelta(days=2),
    )
    set_columns(ids["T-00003"], intent="logistics", sentiment="neutral", sentiment_score=0.8)
    set_columns(ids["T-00004"], intent="invoice", sentiment="negative", sentiment_score=0.55)
    return ids


@pytest.fixture
def actions() -> FakeActions:
    return FakeActions()


@pytest.fixture
def desk(qtbot, db, seeded, actions):
    widget = SupervisorDesk(Services(db), actions)
    qtbot.addWidget(widget)
    widget.resize(1280, 760)
    widget.show()
    qtbot.waitUntil(lambda: widget.flagged_model.rowCount() == 2, timeout=TIMEOUT)
    yield widget
    widget.shutdown()


def _cell(desk: SupervisorDesk, row: int, column: int) -> str:
    return desk.proxy.index(row, column).data()


def _select(desk: SupervisorDesk, ticket_id: int) -> FlaggedTicket:
    assert desk.select_ticket(ticket_id)
    ticket = desk.selected_ticket()
    assert ticket is not None and ticket.id == ticket_id
    return ticket


def test_fake_actions_satisfy_the_protocol(actions):
    def use(protocol: DeskActions) -> DeskActions:
        return protocol

    assert use(actions) is actions


def test_flagged_table_shows_why_who_and_how_long(desk, seeded):
    model = FlaggedTableModel
    # the most severe first: 0.93 negative complaint waiting 2 h 15 min, then 0.70 negative waiting 2 days
    assert [_cell(desk, r, model.EXTERNAL_ID) for r in range(2)] == ["T-00001", "T-00002"]
    severities = [int(_cell(desk, r, model.SEVERITY)) for r in range(2)]
    assert severities[0] > severities[1] > 0
    assert desk.table.horizontalHeader().sortIndicatorSection() == model.SEVERITY
    assert _cell(desk, 0, model.CUSTOMER) == "小鹿爱吃草"
    assert _cell(desk, 0, model.REASONS) == "负面情绪 0.93；投诉意图 0.81"
    assert _cell(desk, 0, model.NEGATIVE) == "0.93"
    assert _cell(desk, 0, model.INTENT) == "投诉 0.81"
    assert _cell(desk, 0, model.TRIGGERS) == "「投诉」 「差评」"
    assert _cell(desk, 0, model.ASSIGNEE) == "客服小美"
    assert _cell(desk, 0, model.WAITED) == "2小时15分"
    assert _cell(desk, 1, model.WAITED) == "2天0小时"
    assert _cell(desk, 1, model.ASSIGNEE) == "未分配"
    assert _cell(desk, 1, model.STATUS) == "新工单"
    assert "触发词：「投诉」「差评」" in desk.proxy.index(0, model.TRIGGERS).data(Qt.ItemDataRole.ToolTipRole)
    tooltip = desk.proxy.index(0, model.SEVERITY).data(Qt.ItemDataRole.ToolTipRole)
    assert f"严重度 {severities[0]}" in tooltip and "负面情绪 0.93 × 35" in tooltip and "投诉意图 0.81 × 20" in tooltip
    assert "2" in desk.count_label.text()
    assert desk.agents == ["客服小美", "客服阿杰"]


def test_escalation_words_lift_a_ticket_up_the_desk(qtbot, desk, seeded, set_columns):
    # a new message: the text grows and the version moves
    set_columns(seeded["T-00002"], text="三天了还没发货，再不处理我就打12315投诉，找媒体曝光", version=2)
    desk.refresh()
    order = lambda: [_cell(desk, r, FlaggedTableModel.EXTERNAL_ID) for r in range(2)]  # noqa: E731
    qtbot.waitUntil(lambda: order() == ["T-00002", "T-00001"], timeout=TIMEOUT)
    tooltip = desk.proxy.index(0, FlaggedTableModel.SEVERITY).data(Qt.ItemDataRole.ToolTipRole)
    assert "「12315」「投诉」「曝光」「媒体」" in tooltip


def test_english_desk_translates_the_reasons(qtbot, db, seeded, actions):
    from PySide6.QtCore import QTranslator
    from PySide6.QtWidgets import QApplication

    from desktop_app.config import RESOURCES_DIR

    translator = QTranslator()
    assert translator.load(str(RESOURCES_DIR / "i18n" / "aftersales_en.qm"))
    QApplication.instance().installTranslator(translator)
    widget = SupervisorDesk(Services(db), actions)
    qtbot.addWidget(widget)
    widget.show()
    try:
        qtbot.waitUntil(lambda: widget.flagged_model.rowCount() == 2, timeout=TIMEOUT)
        model = FlaggedTableModel
        assert _cell(widget, 0, model.REASONS) == "Negative sentiment 0.93; Complaint intent 0.81"
        tooltip = widget.proxy.index(0, model.TRIGGERS).data(Qt.ItemDataRole.ToolTipRole)
        assert tooltip.splitlines() == [
            "Negative sentiment 0.93",
            "Complaint intent 0.81",
            "Trigger words: 「投诉」「差评」",
        ]
        assert widget.flagged_model.headers[model.SEVERITY] == "Severity"
        header = widget.table.horizontalHeader()
        for column in range(widget.flagged_model.columnCount()):  # no English header cut off
            assert header.sectionSize(column) >= header.sectionSizeFromContents(column).width(), column
    finally:
        widget.shutdown()
        QApplication.instance().removeTranslator(translator)


def test_visible_rows_without_trigger_words_get_them(qtbot, db, seeded, actions, set_columns, toy_tagger):
    """Batch tagging leaves trigger words out; the desk finds them for the rows on screen."""
    from desktop_app.services.tagging import TaggingService

    set_columns(seeded["T-00002"], text="快递太慢了，差评！气死了")
    tagging = TaggingService(db, toy_tagger)
    widget = SupervisorDesk(Services(db), actions, tagging=tagging)
    qtbot.addWidget(widget)
    widget.resize(1280, 760)
    widget.show()
    try:
        qtbot.waitUntil(lambda: len(widget.visible_tickets()) == 2, timeout=TIMEOUT)
        def words() -> tuple[str, ...]:
            return next(t.trigger_phrases for t in widget.flagged_model.tickets() if t.id == seeded["T-00002"])

        qtbot.waitUntil(lambda: "太慢" in words(), timeout=EXPLAIN_TIMEOUT)
        # T-00001 already had its words: only T-00002 was sent to the model, and only once.
        assert [key[0] for key in widget._explain_asked] == [seeded["T-00002"]]
        with qtbot.waitSignal(widget.flaggedLoaded, timeout=TIMEOUT):
            widget.refresh()
        widget.explain_visible_rows()
        assert len(widget._explain_asked) == 1
    finally:
        widget.shutdown()


def test_new_flag_appears_after_refresh(qtbot, desk, seeded, set_columns):
    _flag(set_columns, seeded["T-00005"], ["投诉意图 0.90"], intent="complaint", waiting_since=utcnow())
    desk.refresh()
    qtbot.waitUntil(lambda: desk.flagged_model.rowCount() == 3, timeout=TIMEOUT)
    assert "T-00005" in [t.external_id for t in desk.flagged_model.tickets()]


def test_new_flag_appears_live_without_a_click(qtbot, db, seeded, set_columns, actions):
    widget = SupervisorDesk(Services(db), actions, refresh_ms=100)
    qtbot.addWidget(widget)
    widget.show()
    try:
        qtbot.waitUntil(lambda: widget.flagged_model.rowCount() == 2, timeout=TIMEOUT)
        _flag(set_columns, seeded["T-00005"], ["负面情绪 0.99"], waiting_since=utcnow())
        qtbot.waitUntil(lambda: widget.flagged_model.rowCount() == 3, timeout=TIMEOUT)
    finally:
        widget.shutdown()


def test_refresh_keeps_the_selection(qtbot, desk, seeded):
    _select(desk, seeded["T-00001"])
    with qtbot.waitSignal(desk.flaggedLoaded, timeout=TIMEOUT):
        desk.refresh()
    assert desk.selected_ticket().id == seeded["T-00001"]


def test_buttons_need_a_selection(desk, seeded):
    desk.table.clearSelection()
    assert not desk.reassign_button.isEnabled() and not desk.unflag_button.isEnabled()
    _select(desk, seeded["T-00002"])
    assert desk.reassign_button.isEnabled() and desk.take_over_button.isEnabled() and desk.unflag_button.isEnabled()


def test_reassign_calls_the_action_with_the_chosen_agent_and_reason(qtbot, desk, seeded, actions, monkeypatch):
    asked = {}

    def ask(parent, ticket, agents):  # type: ignore[no-untyped-def]
        asked.update(ticket=ticket.id, agents=agents)
        return "客服阿杰", "客户要求换人"

    monkeypatch.setattr(ReassignDialog, "ask", staticmethod(ask))
    _select(desk, seeded["T-00001"])
    with qtbot.waitSignal(desk.actionFinished, timeout=TIMEOUT) as finished:
        desk.reassign_button.click()
    assert finished.args == ["reassign", True]
    assert actions.calls == [("reassign", seeded["T-00001"], 1, "客服阿杰", "客户要求换人")]
    assert asked == {"ticket": seeded["T-00001"], "agents": ["客服小美", "客服阿杰"]}
    assert "客服阿杰" in desk.banner_text()


def test_reassign_cancelled_calls_nothing(desk, seeded, actions, monkeypatch):
    monkeypatch.setattr(ReassignDialog, "ask", staticmethod(lambda *args: None))
    _select(desk, seeded["T-00001"])
    desk.reassign_button.click()
    desk.wait_idle()
    assert actions.calls == []


def test_take_over_calls_the_action(qtbot, desk, seeded, actions):
    _select(desk, seeded["T-00002"])
    with qtbot.waitSignal(desk.actionFinished, timeout=TIMEOUT):
        desk.take_over_button.click()
    assert actions.calls == [("take_over", seeded["T-00002"], 1)]


def test_unflag_asks_for_a_reason(qtbot, desk, seeded, actions, monkeypatch):
    prompts = []

    def get_text(parent, title, label, *args):  # type: ignore[no-untyped-def]
        prompts.append(label)
        return "  已电话安抚，客户满意  ", True

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))
    _select(desk, seeded["T-00002"])
    with qtbot.waitSignal(desk.actionFinished, timeout=TIMEOUT):
        desk.unflag_button.click()
    assert actions.calls == [("unflag", seeded["T-00002"], 1, "已电话安抚，客户满意")]
    assert "T-00002" in prompts[0]


@pytest.mark.parametrize("answer", [("   ", True), ("理由", False)])
def test_unflag_without_a_reason_or_cancelled_calls_nothing(desk, seeded, actions, monkeypatch, answer):
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *args: answer))
    _select(desk, seeded["T-00002"])
    desk.unflag_button.click()
    desk.wait_idle()
    assert actions.calls == []
    if answer[1]:
        assert "须填写原因" in desk.banner_text()


def test_a_refused_action_shows_the_banner(qtbot, desk, seeded, actions):
    actions.fail = PermissionDenied("坐席无权接手他人的工单")
    _select(desk, seeded["T-00001"])
    with qtbot.waitSignal(desk.actionFinished, timeout=TIMEOUT) as finished:
        desk.take_over_button.click()
    assert finished.args == ["take_over", False]
    assert not desk.banner.isHidden()
    assert "坐席无权接手他人的工单" in desk.banner_text() and "失败" in desk.banner_text()
    # the desk carries on
    actions.fail = None
    with qtbot.waitSignal(desk.actionFinished, timeout=TIMEOUT) as finished:
        desk.take_over_button.click()
    assert finished.args == ["take_over", True]


@pytest.mark.parametrize(
    ("chosen", "picked_filter", "path", "fmt"),
    [
        ("flagged.csv", "CSV 文件 (*.csv)", "flagged.csv", "csv"),
        ("flagged", "Excel 工作簿 (*.xlsx)", "flagged.xlsx", "xlsx"),
        ("flagged", "CSV 文件 (*.csv)", "flagged.csv", "csv"),
    ],
)
def test_export_sends_the_visible_rows(qtbot, desk, actions, monkeypatch, tmp_path, chosen, picked_filter, path, fmt):
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *args: (str(tmp_path / chosen), picked_filter))
    )
    desk.table.sortByColumn(FlaggedTableModel.EXTERNAL_ID, Qt.SortOrder.AscendingOrder)
    with qtbot.waitSignal(desk.actionFinished, timeout=TIMEOUT):
        desk.export_button.click()
    (name, headers, rows, got_path, got_fmt) = actions.calls[0]
    assert name == "export" and got_fmt == fmt and got_path == str(tmp_path / path)
    assert headers == list(desk.flagged_model.headers) and headers[0] == "工单号"
    shown = [[_cell(desk, r, c) for c in range(len(headers))] for r in range(desk.proxy.rowCount())]
    assert rows == shown
    assert [row[0] for row in rows] == ["T-00001", "T-00002"]  # in the view's order
    assert rows[0][FlaggedTableModel.WAITED] == "2小时15分"


def test_export_cancelled_calls_nothing(desk, actions, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *args: ("", "")))
    desk.export_button.click()
    desk.wait_idle()
    assert actions.calls == []


def test_charts_receive_the_statistics(qtbot, desk):
    with qtbot.waitSignal(desk.chartsLoaded, timeout=TIMEOUT):
        desk.tabs.setCurrentIndex(SupervisorDesk.CHARTS_TAB)
    charts = desk.charts
    # volume by intent (horizontal bars: the values are the bars' widths)
    assert charts.volume_chart.labels == ["物流配送", "发票", "投诉", "未打标"]
    assert list(charts.volume_chart.bars.opts["width"]) == [2.0, 1.0, 1.0, 1.0]
    ticks = dict(charts.volume_chart.getPlotItem().getAxis("left")._tickLevels[0])
    assert ticks[2] == "投诉"
    # flagged and waiting by age: 2 h 15 min and 2 days
    assert charts.age_chart.labels == ["<1小时", "1–4小时", "4–24小时", "1–3天", ">3天"]
    assert list(charts.age_chart.bars.opts["height"]) == [0, 1, 0, 1, 0]
    # agents: one ticket each, median 10 and 30 minutes
    assert charts.agent_chart.labels == ["客服小美", "客服阿杰"]
    assert list(charts.agent_chart.bars.opts["height"]) == [1.0, 1.0]
    assert charts.agent_chart.bar_texts() == ["1单 · 中位10分钟", "1单 · 中位30分钟"]
    assert "中位处理时长 30分钟" in charts.agent_chart.toolTip()
    # negative share per day: today holds all five tickets, three of the four tagged are negative
    x, y = charts.share_chart.curve.getData()
    assert len(x) >= 1 and y[-1] == pytest.approx(75.0)
    assert charts.share_chart.buckets[-1].total == 5

    with qtbot.waitSignal(desk.chartsLoaded, timeout=TIMEOUT):
        charts.bucket.setCurrentIndex(charts.bucket.findData("hour"))
    assert sum(b.total for b in charts.share_chart.buckets) == 5
    _, y = charts.share_chart.curve.getData()
    assert len(y) == len(charts.share_chart.buckets)


def test_model_health_shows_corrections_and_draft_edits(qtbot, db, desk, seeded):
    now = utcnow()
    ticket = seeded["T-00001"]
    with db.session() as session:
        session.execute(
            insert(TicketTag),
            [
                {"ticket_id": seeded[f"T-0000{n}"], "task": "intent", "label": "logistics", "score": 0.9}
                | {"model": "m", "created_at": now}
                for n in (1, 2, 3)
            ],
        )
        session.execute(
            insert(Feedback),
            [
                {"ticket_id": ticket, "task": task, "model_label": model, "corrected_label": corrected}
                | {"author": "客服小美", "created_at": now}
                for task, model, corrected in (
                    ("intent", "logistics", "complaint"),
                    ("intent", "logistics", "complaint"),
                    ("sentiment", "neutral", "negative"),
                )
            ],
        )
        session.execute(
            insert(ReplyOutcome),
            [
                {"ticket_id": ticket, "author": "客服小美", "generated": g, "final": f, "created_at": now}
                for g, f in (("亲，已登记。", "亲，已登记。"), ("亲，已登记。", "亲，已为您登记。"), (None, "手写"))
            ],
        )
    with qtbot.waitSignal(desk.healthLoaded, timeout=TIMEOUT):
        desk.tabs.setCurrentIndex(SupervisorDesk.HEALTH_TAB)
    health = desk.health
    assert health.intent_table.cell_count("logistics", "complaint") == 2
    assert health.intent_table.cell_count("logistics", "invoice") == 0
    assert health.sentiment_table.cell_count("neutral", "negative") == 1
    row = health.intent_table.health.row_labels.index("logistics")
    columns = len(health.intent_table.health.column_labels)
    assert [health.intent_table.item(row, columns + i).text() for i in range(3)] == ["2", "3", "66.7%"]
    assert health.intent_table.verticalHeaderItem(row).text() == "物流配送"
    hot = health.intent_table.item(row, health.intent_table.health.column_labels.index("complaint"))
    assert hot.background().color().green() < 100  # the most frequent confusion is red
    assert list(health.draft_chart.bars.opts["height"])[:2] == [1.0, 1.0]  # distance 0 and 2
    assert health.intent_chart.labels[0] == "物流配送" and health.intent_chart.values[0] == 2
    assert "2 条回复" in health.draft_summary.text() and "原样发送 1 条（50%）" in health.draft_summary.text()


def test_a_failed_query_shows_the_banner(qtbot, desk, monkeypatch):
    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("数据库连接断开")

    monkeypatch.setattr(desk.stats, "flagged_tickets", broken)
    desk.refresh()
    qtbot.waitUntil(lambda: "数据库连接断开" in desk.banner_text(), timeout=TIMEOUT)


def _flagged(assignee: str | None) -> FlaggedTicket:
    return FlaggedTicket(
        id=1,
        external_id="T-1",
        customer="c",
        intent=None,
        intent_score=None,
        sentiment=None,
        sentiment_score=None,
        reasons=(),
        trigger_phrases=(),
        assignee=assignee,
        status="new",
        created_at=utcnow(),
        waiting_since=None,
        waited_seconds=None,
    )


def test_reassign_dialog_offers_known_agents_and_unassign(qtbot):
    dialog = ReassignDialog(_flagged("客服小美"), ["客服小美", "客服阿杰", "客服小周"])
    qtbot.addWidget(dialog)
    items = [dialog.agent.itemText(i) for i in range(dialog.agent.count())]
    assert items == ["客服阿杰", "客服小周", "（取消分配）"]  # not the current holder
    assert dialog.chosen_agent() == "客服阿杰"
    dialog.agent.setCurrentIndex(2)
    assert dialog.chosen_agent() is None
    dialog.agent.setEditText("新来的小王")
    assert dialog.chosen_agent() == "新来的小王"
    dialog.agent.setEditText("  ")
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
