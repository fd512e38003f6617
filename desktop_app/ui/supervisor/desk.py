"""The supervisor desk: the flagged queue with its actions, the charts, and model health.

Every query runs in a ``TaskRunner`` worker and every action goes through the injected
``DeskActions`` in another (one at a time, in order), so the event loop never waits on the
database. While the desk is on screen the flagged queue reloads every 5 seconds, so new
flags appear without anyone pressing a button, and the charts or model health tab, when
shown, every 30 seconds (they scan more rows); switching tabs, changing a chart setting,
``refresh()`` and every action reload at once. A failed action or query shows its reason
in the banner at the top and the desk carries on. Flagged tickets come most severe first
(``services.severity``); the rows on screen that lack trigger words get them in a worker.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.clock import utcnow
from desktop_app.services.container import Services
from desktop_app.services.desk_stats import FLAGGED_LIMIT, FlaggedTicket
from desktop_app.services.tagging import FlagExplanation, TaggingService
from desktop_app.services.tickets import StaleTicketError
from desktop_app.ui.common.banner import Banner, Tone
from desktop_app.ui.common.workers import TaskRunner
from desktop_app.ui.supervisor.actions import DeskActions
from desktop_app.ui.supervisor.charts import ChartsData, ChartsTab
from desktop_app.ui.supervisor.dialogs import ReassignDialog
from desktop_app.ui.supervisor.flagged_model import SORT_ROLE, TICKET_ID_ROLE, FlaggedTableModel
from desktop_app.ui.supervisor.health import HealthData, HealthTab

REFRESH_MS = 5_000  # the flagged queue, while the desk is on screen
STATS_REFRESH_S = 30.0  # charts and model health scan more rows: at most this often on the timer
AGENTS_REFRESH_S = 60.0  # the reassign dialog's list of agents
SHUTDOWN_WAIT_MS = 5_000
EXPLAIN_DELAY_MS = 300  # after a load or a scroll settles, the visible rows get their trigger words
EXPLAIN_CHUNK = 8  # tickets per explanation task: batch tagging and the open ticket get turns between

log = logging.getLogger(__name__)


class SupervisorDesk(QWidget):
    """``SupervisorDesk(services, actions)``: a widget for the supervisor's tab or window."""

    QUEUE_TAB, CHARTS_TAB, HEALTH_TAB = range(3)

    flaggedLoaded = Signal(int)  # rows now in the flagged table
    chartsLoaded = Signal()
    healthLoaded = Signal()
    actionFinished = Signal(str, bool)  # action name ("reassign", "take_over", "unflag", "export"), succeeded
    explained = Signal(int)  # visible flagged tickets whose trigger words were just looked for

    def __init__(
        self,
        services: Services,
        actions: DeskActions,
        parent: QWidget | None = None,
        refresh_ms: int = REFRESH_MS,
        tagging: TaggingService | None = None,
        explainer: TaskRunner | None = None,
    ) -> None:
        """``tagging`` (with its model loaded) finds the trigger words of the flagged rows on
        screen that lack them, in ``explainer`` (the window's tagging runner; default: the
        desk's own), so that batch tagging never pays for them."""
        super().__init__(parent)
        self.stats = services.desk_stats
        self.desk_actions = actions  # not "actions": that is QWidget.actions()
        self.tagging = tagging
        self._own_explainer = explainer is None
        self.explainer = explainer or TaskRunner(max_threads=1, parent=self)
        self._explain_asked: set[tuple[int, tuple[str, ...]]] = set()
        self.reader = TaskRunner(max_threads=2, parent=self)
        self.writer = TaskRunner(max_threads=1, parent=self)  # actions, in the order they were asked for
        self.agents: list[str] = []
        self._loading: set[int] = set()
        self._pending: set[int] = set()
        self._closed = False
        self._loaded_at: dict[int, float] = {}  # monotonic time of each tab's last load
        self._agents_at: float | None = None

        # banner -------------------------------------------------------------------------
        self.banner = Banner(Tone.INFO, closable=True, object_name="deskBanner")

        # flagged queue ------------------------------------------------------------------
        self.flagged_model = FlaggedTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.flagged_model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSortIndicator(FlaggedTableModel.SEVERITY, Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        for column, width in enumerate((96, 56, 110, 250, 64, 190, 160, 90, 90, 90)):
            # never narrower than its header in the UI's language (``Severity`` + the sort arrow)
            self.table.setColumnWidth(column, max(width, header.sectionSizeFromContents(column).width()))
        header.setStretchLastSection(True)

        self.reassign_button = QPushButton(self.tr("转派…"))
        self.take_over_button = QPushButton(self.tr("我来接手"))
        self.unflag_button = QPushButton(self.tr("取消标记…"))
        self.export_button = QPushButton(self.tr("导出…"))
        self.refresh_button = QPushButton(self.tr("刷新"))
        self.reassign_button.setToolTip(self.tr("把选中的工单转给另一位坐席"))
        self.take_over_button.setToolTip(self.tr("由你来处理选中的工单"))
        self.unflag_button.setToolTip(self.tr("确认无需关注后取消标记（须填写原因）"))
        self.export_button.setToolTip(self.tr("把当前列表导出为 CSV 或 Excel"))
        self.count_label = QLabel()
        buttons = QHBoxLayout()
        for button in (self.reassign_button, self.take_over_button, self.unflag_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.count_label)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.refresh_button)
        queue_tab = QWidget()
        queue_layout = QVBoxLayout(queue_tab)
        queue_layout.addLayout(buttons)
        queue_layout.addWidget(self.table, 1)

        self.charts = ChartsTab()
        self.health = HealthTab()
        self.tabs = QTabWidget()
        self.tabs.addTab(queue_tab, self.tr("标记队列"))
        self.tabs.addTab(self.charts, self.tr("图表"))
        self.tabs.addTab(self.health, self.tr("模型健康"))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)

        self.reassign_button.clicked.connect(self.reassign_selected)
        self.take_over_button.clicked.connect(self.take_over_selected)
        self.unflag_button.clicked.connect(self.unflag_selected)
        self.export_button.clicked.connect(self.export_view)
        self.refresh_button.clicked.connect(self.refresh)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self._explain_timer = QTimer(self, singleShot=True, interval=EXPLAIN_DELAY_MS)
        self._explain_timer.timeout.connect(self.explain_visible_rows)
        self.table.verticalScrollBar().valueChanged.connect(lambda _value: self._explain_timer.start())
        self.flagged_model.modelReset.connect(self._update_buttons)
        self.tabs.currentChanged.connect(self._load_tab)
        self.charts.settingsChanged.connect(lambda: self._load(self.CHARTS_TAB))
        self._update_buttons()

        self.timer = QTimer(self, interval=refresh_ms)
        self.timer.timeout.connect(self._tick)
        self.timer.start()
        self._load(self.QUEUE_TAB)

    # -- loading -------------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload the flagged queue (with the list of agents) and the tab on screen now."""
        self._agents_at = None
        self._load(self.QUEUE_TAB)
        if self.tabs.currentIndex() != self.QUEUE_TAB:
            self._load(self.tabs.currentIndex())

    def tickets_changed(self, ticket_ids: list[int]) -> None:
        """The change bus: tickets changed somewhere, so the flagged queue may have too
        (a ticket flagged, answered, handed on). Reloaded while on screen; a query already
        running is followed by one more, never by one per change."""
        if ticket_ids and self.isVisible() and not self._closed:
            self._load(self.QUEUE_TAB)

    def _tick(self) -> None:
        if not self.isVisible():
            return
        self._load(self.QUEUE_TAB)
        current = self.tabs.currentIndex()
        if current != self.QUEUE_TAB and time.monotonic() - self._loaded_at.get(current, 0.0) >= STATS_REFRESH_S:
            self._load(current)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._closed:
            self.refresh()

    def _load_tab(self, index: int) -> None:
        self._load(index)

    def _load(self, which: int) -> None:
        if self._closed:
            return
        if which in self._loading:
            self._pending.add(which)  # again once the running query is back
            return
        self._loading.add(which)
        self._loaded_at[which] = time.monotonic()
        if which == self.QUEUE_TAB:
            stats = self.stats
            with_agents = self._agents_at is None or time.monotonic() - self._agents_at >= AGENTS_REFRESH_S
            if with_agents:
                self._agents_at = time.monotonic()
            self.reader.submit(
                lambda: (stats.flagged_tickets(), stats.known_agents() if with_agents else None),
                self._flagged_loaded,
                self._load_failed(which),
            )
        elif which == self.CHARTS_TAB:
            self.reader.submit(
                self._charts_query(self.charts.period_days(), self.charts.bucket_kind()),
                self._charts_loaded,
                self._load_failed(which),
            )
        else:
            stats = self.stats
            self.reader.submit(
                lambda: HealthData(stats.task_health("intent"), stats.task_health("sentiment"), stats.draft_edits()),
                self._health_loaded,
                self._load_failed(which),
            )

    def _charts_query(self, days: int | None, bucket: str) -> Callable[[], ChartsData]:
        stats = self.stats

        def query() -> ChartsData:
            now = utcnow()
            since = now - timedelta(days=days) if days else None
            return ChartsData(
                volume=stats.volume_by_intent(since),
                share=stats.negative_share("hour" if bucket == "hour" else "day", now=now),
                bucket=bucket,
                ages=stats.flagged_waiting_by_age(now),
                agents=stats.agent_load(since),
            )

        return query

    def _finished(self, which: int) -> bool:
        """Book the end of a query; False when the desk is gone. Reruns a query asked for meanwhile."""
        self._loading.discard(which)
        if self._closed:
            return False
        if which in self._pending:
            self._pending.discard(which)
            QTimer.singleShot(0, lambda: self._load(which))
        return True

    def _load_failed(self, which: int) -> Callable[[BaseException], None]:
        def failed(error: BaseException) -> None:
            if self._finished(which):
                log.warning("supervisor desk query failed", exc_info=error)
                self.show_error(self.tr("读取数据失败：%1").replace("%1", _reason(error)))

        return failed

    def _flagged_loaded(self, result: tuple[list[FlaggedTicket], list[str] | None]) -> None:
        if not self._finished(self.QUEUE_TAB):
            return
        rows, agents = result
        if agents is not None:
            self.agents = agents
        current = self.selected_ticket()
        self.flagged_model.set_rows(rows)
        if current is not None:
            self.select_ticket(current.id)
        updated = datetime.now().strftime("%H:%M:%S")
        if len(rows) >= FLAGGED_LIMIT:
            text = self.tr("显示最严重的 %n 个标记工单 · 更新于 %1", "", len(rows))
        else:
            text = self.tr("共 %n 个标记工单 · 更新于 %1", "", len(rows))
        self.count_label.setText(text.replace("%1", updated))
        self._update_buttons()
        self._explain_timer.start()
        self.flaggedLoaded.emit(len(rows))

    # -- trigger words of the rows on screen ----------------------------------------------
    def visible_tickets(self) -> list[FlaggedTicket]:
        """The flagged rows the table shows now (inside its viewport), in the view's order."""
        if self.proxy.rowCount() == 0:
            return []
        top = self.table.rowAt(0)
        if top < 0:
            return []
        bottom = self.table.rowAt(self.table.viewport().height() - 1)
        if bottom < 0:
            bottom = self.proxy.rowCount() - 1
        found = []
        for proxy_row in range(top, bottom + 1):
            ticket = self.flagged_model.ticket(self.proxy.mapToSource(self.proxy.index(proxy_row, 0)).row())
            if ticket is not None:
                found.append(ticket)
        return found

    def explain_visible_rows(self) -> None:
        """Find the trigger words of the visible rows that lack them (once per set of reasons),
        a few tickets per task; the queue reloads when some were stored."""
        tagging = self.tagging
        if self._closed or tagging is None or tagging.tagger is None or not self.isVisible():
            return
        if self.tabs.currentIndex() != self.QUEUE_TAB:
            return
        visible = self.visible_tickets()
        if not visible and self.proxy.rowCount() and self.table.viewport().height() > 0:
            self._explain_timer.start()  # rows, but the table is not laid out yet: look again shortly
            return
        wanted = []
        for ticket in visible:
            key = (ticket.id, ticket.reasons)
            if not ticket.trigger_phrases and key not in self._explain_asked:
                self._explain_asked.add(key)
                wanted.append(ticket.id)
        for start in range(0, len(wanted), EXPLAIN_CHUNK):
            chunk = wanted[start : start + EXPLAIN_CHUNK]
            self.explainer.submit(
                partial(tagging.explain_many, chunk), self._rows_explained, self._explain_failed
            )

    def _rows_explained(self, found: list[FlagExplanation]) -> None:
        if self._closed:
            return
        if any(explanation.stored for explanation in found):
            self._load(self.QUEUE_TAB)
        self.explained.emit(len(found))

    def _explain_failed(self, error: BaseException) -> None:
        if not self._closed:
            log.warning("finding trigger words for the desk failed", exc_info=error)

    def _charts_loaded(self, data: ChartsData) -> None:
        if self._finished(self.CHARTS_TAB):
            self.charts.show_data(data)
            self.chartsLoaded.emit()

    def _health_loaded(self, data: HealthData) -> None:
        if self._finished(self.HEALTH_TAB):
            self.health.show_data(data)
            self.healthLoaded.emit()

    # -- selection -----------------------------------------------------------------------
    def selected_ticket(self) -> FlaggedTicket | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.flagged_model.ticket(self.proxy.mapToSource(rows[0]).row())

    def select_ticket(self, ticket_id: int) -> bool:
        row = self.flagged_model.row_of(ticket_id)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.flagged_model.index(row, 0))
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.scrollTo(index)
        return True

    def visible_rows(self) -> list[list[str]]:
        """The flagged table as shown: its rows in the view's order, each cell's text."""
        model = self.flagged_model
        rows: list[list[str]] = []
        for proxy_row in range(self.proxy.rowCount()):
            ticket = model.ticket(self.proxy.mapToSource(self.proxy.index(proxy_row, 0)).row())
            if ticket is not None:
                rows.append([model.display(ticket, column) for column in range(model.columnCount())])
        return rows

    def _update_buttons(self) -> None:
        selected = self.selected_ticket() is not None
        for button in (self.reassign_button, self.take_over_button, self.unflag_button):
            button.setEnabled(selected)
        self.export_button.setEnabled(self.flagged_model.rowCount() > 0)

    # -- actions -------------------------------------------------------------------------
    def reassign_selected(self) -> None:
        ticket = self.selected_ticket()
        if ticket is None:
            return
        answer = ReassignDialog.ask(self, ticket, self.agents)
        if answer is None:
            return
        agent, reason = answer
        actions = self.desk_actions
        done = (
            self.tr("已把工单 %1 转给 %2").replace("%1", ticket.external_id).replace("%2", agent)
            if agent
            else self.tr("已取消工单 %1 的分配").replace("%1", ticket.external_id)
        )
        self._act("reassign", self.tr("转派"), lambda: actions.reassign(ticket.id, ticket.version, agent, reason), done)

    def take_over_selected(self) -> None:
        ticket = self.selected_ticket()
        if ticket is None:
            return
        actions = self.desk_actions
        done = self.tr("已接手工单 %1").replace("%1", ticket.external_id)
        self._act("take_over", self.tr("接手"), lambda: actions.take_over(ticket.id, ticket.version), done)

    def unflag_selected(self) -> None:
        ticket = self.selected_ticket()
        if ticket is None:
            return
        reason, ok = QInputDialog.getText(
            self,
            self.tr("取消标记"),
            self.tr("取消工单 %1 的标记的原因（必填）：").replace("%1", ticket.external_id),
            QLineEdit.EchoMode.Normal,
            "",
        )
        if not ok:
            return
        reason = reason.strip()
        if not reason:
            self.show_error(self.tr("取消标记须填写原因，工单 %1 仍保持标记。").replace("%1", ticket.external_id))
            return
        actions = self.desk_actions
        done = self.tr("已取消工单 %1 的标记").replace("%1", ticket.external_id)
        self._act("unflag", self.tr("取消标记"), lambda: actions.unflag(ticket.id, ticket.version, reason), done)

    def export_view(self) -> None:
        """Export the flagged table as shown (CSV or XLSX, chosen in the save dialog)."""
        headers = list(self.flagged_model.headers)
        rows = self.visible_rows()
        csv_filter, xlsx_filter = self.tr("CSV 文件 (*.csv)"), self.tr("Excel 工作簿 (*.xlsx)")
        suggested = str(Path.home() / f"flagged_{datetime.now():%Y%m%d_%H%M}.xlsx")
        path, chosen = QFileDialog.getSaveFileName(
            self, self.tr("导出标记工单"), suggested, f"{xlsx_filter};;{csv_filter}", xlsx_filter
        )
        if not path:
            return
        suffix = Path(path).suffix.lower()
        if suffix in (".csv", ".xlsx"):
            fmt = suffix[1:]
        else:
            fmt = "csv" if chosen == csv_filter else "xlsx"
            path += f".{fmt}"
        actions = self.desk_actions
        done = self.tr("已导出 %n 行到 %1", "", len(rows)).replace("%1", path)
        self._act("export", self.tr("导出"), lambda: actions.export(headers, rows, path, fmt), done, reload=False)

    def _act(self, name: str, title: str, call: Callable[[], object], done: str, reload: bool = True) -> None:
        def succeeded(_result: object) -> None:
            if self._closed:
                return
            self.show_info(done)
            if reload:
                self.refresh()
            self.actionFinished.emit(name, True)

        def failed(error: BaseException) -> None:
            if self._closed:
                return
            log.info("supervisor action %s refused or failed: %s", name, error)
            if isinstance(error, StaleTicketError):
                why = self.tr("这个工单刚被其他人更新过，已重新载入最新内容，请确认后再试")
            else:
                why = _reason(error)
            self.show_error(self.tr("%1失败：%2").replace("%1", title).replace("%2", why))
            if reload:
                self.refresh()  # the ticket may have changed under us
            self.actionFinished.emit(name, False)

        self.writer.submit(call, succeeded, failed)

    # -- banner --------------------------------------------------------------------------
    def show_error(self, text: str) -> None:
        self.banner.show_message(text, Tone.ERROR)

    def show_info(self, text: str) -> None:
        self.banner.show_message(text, Tone.INFO)

    def banner_text(self) -> str:
        return "" if self.banner.isHidden() else self.banner.text()

    # -- shutdown ------------------------------------------------------------------------
    def shutdown(self, msecs: int = SHUTDOWN_WAIT_MS) -> None:
        """Stop refreshing and wait for queries and actions in flight (call before closing)."""
        self.timer.stop()
        self._explain_timer.stop()
        self.writer.wait(msecs)
        self.reader.wait(msecs)
        if self._own_explainer:
            self.explainer.wait(msecs)
        self._closed = True

    def wait_idle(self, msecs: int = SHUTDOWN_WAIT_MS) -> bool:
        """Block until queued queries and actions are done (tests and shutdown)."""
        return self.writer.wait(msecs) and self.reader.wait(msecs)


def _reason(error: BaseException) -> str:
    return str(error) or type(error).__name__


__all__ = ["TICKET_ID_ROLE", "SupervisorDesk"]
