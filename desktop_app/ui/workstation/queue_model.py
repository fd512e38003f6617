"""The queue as a Qt table model over one page of ticket ids.

Like Anki's browser table, the model never sorts or filters in Python: it asks
``QueueService`` (SQL) for a page and shows it. Requests run in a worker; a newer request
makes the answers of older ones stale, so fast typing in the search box never shows an
old result.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from desktop_app.domain.clock import utcnow
from desktop_app.domain.records import QueueFilter, QueuePage, QueueRow, QueueSort
from desktop_app.domain.ticket_numbers import ticket_number
from desktop_app.services.queue import DEFAULT_PAGE_SIZE, QueueService
from desktop_app.ui.common import palette
from desktop_app.ui.common.formatting import (
    display_order,
    intent_name,
    local_time,
    sentiment_name,
    status_name,
    waiting_text,
)
from desktop_app.ui.common.workers import TaskRunner

log = logging.getLogger(__name__)
TICKET_ID_ROLE = Qt.ItemDataRole.UserRole + 1

SENTIMENT_COLOURS = palette.SENTIMENT_CELLS
# One soft colour per intent, so a page of tickets reads at a glance; complaint is the warm one.
INTENT_COLOURS = palette.INTENT_CELLS
TAG_TEXT_COLOUR = palette.TEXT  # dark text on the pastel cells, whatever the desktop theme
FLAG_COLOUR = palette.ALARM
TAG_SORT_COLUMNS = frozenset({"intent", "sentiment", "flagged"})


@dataclass(frozen=True)
class Column:
    key: str  # the sort key understood by the store
    title: str


Index = QModelIndex | QPersistentModelIndex


class QueueTableModel(QAbstractTableModel):
    pageLoaded = Signal(int, int, int)  # total, page index, page count
    loadFailed = Signal(str)

    def __init__(self, queue: QueueService, runner: TaskRunner, page_size: int = DEFAULT_PAGE_SIZE) -> None:
        super().__init__()
        self._queue = queue
        self._runner = runner
        self.page_size = page_size
        self.columns = (
            Column("external_id", self.tr("工单号")),
            Column("customer", self.tr("客户")),
            Column("channel", self.tr("渠道")),
            Column("text", self.tr("问题")),
            Column("intent", self.tr("意图")),
            Column("sentiment", self.tr("情绪")),
            Column("flagged", self.tr("标记")),
            Column("status", self.tr("状态")),
            Column("assignee", self.tr("处理人")),
            Column("waiting", self.tr("等待时长")),
            Column("updated", self.tr("更新时间")),
        )
        self._rows: list[QueueRow] = []
        self._filter = QueueFilter()
        self._sort = QueueSort()
        self._page_index = 0
        self._total: int | None = None
        self._total_exact = True  # False: the page's count stopped at the cap, the exact one is coming
        self._token = 0
        self._now = utcnow()
        self.loading = False
        self._new_ticket_font = QFont()
        self._new_ticket_font.setBold(True)

    # -- what is shown -------------------------------------------------------------
    @property
    def queue_filter(self) -> QueueFilter:
        return self._filter

    @property
    def queue_sort(self) -> QueueSort:
        return self._sort

    def sort_indicator(self) -> tuple[int, Qt.SortOrder]:
        """The header section and order that show the model's current sort."""
        column = [c.key for c in self.columns].index(self._sort.column)
        return column, Qt.SortOrder.DescendingOrder if self._sort.descending else Qt.SortOrder.AscendingOrder

    @property
    def depends_on_tags(self) -> bool:
        """Whether new tags can change which rows this page shows, or their order."""
        f = self._filter
        return bool(f.intent or f.sentiment or f.flagged is not None or self._sort.column in TAG_SORT_COLUMNS)

    @property
    def page_index(self) -> int:
        return self._page_index

    @property
    def total(self) -> int:
        return self._total or 0

    @property
    def total_exact(self) -> bool:
        """Whether ``total`` is the exact count, or only "at least" (counting the rest runs in the background)."""
        return self._total_exact

    @property
    def page_count(self) -> int:
        return max((self.total + self.page_size - 1) // self.page_size, 1)

    def set_filter(self, queue_filter: QueueFilter) -> None:
        if queue_filter != self._filter:
            self._filter = queue_filter
            self._total = None
            self._page_index = 0
            self.reload()

    def set_page(self, page_index: int) -> None:
        page_index = min(max(page_index, 0), self.page_count - 1)
        if page_index != self._page_index:
            self._page_index = page_index
            self.reload(keep_total=True)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Called by the header: re-query page 0 in the new order (the count is unchanged).

        The order the model already has is not queried again: the view asks for it when
        sorting is switched on, and the window makes the first query itself.
        """
        if not 0 <= column < len(self.columns):
            return
        key = self.columns[column].key
        wanted = QueueSort(key, order == Qt.SortOrder.DescendingOrder, display_order(key))
        if wanted == self._sort:
            return
        self._sort = wanted
        self._page_index = 0
        self.reload(keep_total=True)

    def reload(self, keep_total: bool = False) -> None:
        """Fetch the current page in the background; only the newest answer is applied."""
        self._token += 1
        token = self._token
        total = self._total if keep_total and self._total_exact else None
        request = (self._filter, self._sort, self._page_index, self.page_size, total)
        self.loading = True
        self._runner.submit(
            lambda: self._queue.page(*request),
            lambda page: self._apply(token, page),
            lambda error: self._failed(token, error),
        )

    def _apply(self, token: int, page: QueuePage) -> None:
        if token != self._token:
            return
        self.loading = False
        self.beginResetModel()
        self._rows = page.rows
        self._total = page.total
        self._total_exact = page.total_exact
        self._now = utcnow()
        self.endResetModel()
        if self._page_index >= self.page_count:  # rows vanished under a later page
            self.set_page(self.page_count - 1)
            return
        if not page.total_exact:
            self._count_exactly(self._filter)
        self.pageLoaded.emit(self.total, self._page_index, self.page_count)

    def _count_exactly(self, queue_filter: QueueFilter) -> None:
        """The page showed "10,000+": count the rest in the background, then say how many."""
        self._runner.submit(
            lambda: self._queue.count(queue_filter),
            lambda total: self._counted(queue_filter, total),
            lambda error: log.warning("counting the queue failed", exc_info=error),  # "10,000+" stays
        )

    def _counted(self, queue_filter: QueueFilter, total: int) -> None:
        if queue_filter != self._filter or self._total_exact:
            return  # another view by now, or a page load already brought an exact count
        self._total, self._total_exact = total, True
        self.pageLoaded.emit(self.total, self._page_index, self.page_count)

    def _failed(self, token: int, error: BaseException) -> None:
        if token == self._token:
            self.loading = False
            self.loadFailed.emit(str(error))

    def refresh_rows(self, ticket_ids: list[int]) -> None:
        """Re-read a few rows in place (after a reply or a status change)."""
        wanted = [tid for tid in ticket_ids if self.row_of(tid) is not None]
        if wanted:
            self._runner.submit(
                lambda: self._queue.rows(wanted),
                self._replace_rows,
                lambda error: log.warning("re-reading rows %s failed", wanted, exc_info=error),  # the next read mends it
            )

    def _replace_rows(self, fresh: list[QueueRow]) -> None:
        for row in fresh:
            position = self.row_of(row.id)
            if position is not None:
                self._rows[position] = row
                self.dataChanged.emit(self.index(position, 0), self.index(position, len(self.columns) - 1))

    def tick(self) -> None:
        """Advance the waiting-time column without a query (called every minute)."""
        self._now = utcnow()
        if self._rows:
            column = [c.key for c in self.columns].index("waiting")
            self.dataChanged.emit(self.index(0, column), self.index(len(self._rows) - 1, column))

    # -- lookups -------------------------------------------------------------------
    def ticket_id(self, row: int) -> int | None:
        return self._rows[row].id if 0 <= row < len(self._rows) else None

    def row_of(self, ticket_id: int) -> int | None:
        for position, row in enumerate(self._rows):
            if row.id == ticket_id:
                return position
        return None

    def queue_row(self, row: int) -> QueueRow:
        return self._rows[row]

    def ticket_ids(self) -> list[int]:
        return [row.id for row in self._rows]

    # -- QAbstractTableModel ---------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        key = self.columns[index.column()].key
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, key)
        if role == TICKET_ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.ToolTipRole and key == "text":
            return row.text
        if role == Qt.ItemDataRole.ToolTipRole and key == "external_id":
            return row.external_id  # the whole id behind a shortened hash
        if role == Qt.ItemDataRole.BackgroundRole:
            colour = _tag_colour(row, key)
            return QBrush(QColor(colour)) if colour else None
        if role == Qt.ItemDataRole.ForegroundRole and _tag_colour(row, key):
            return QBrush(QColor(TAG_TEXT_COLOUR))
        if role == Qt.ItemDataRole.ForegroundRole and key == "flagged" and row.flagged:
            return QBrush(QColor(FLAG_COLOUR))
        if role == Qt.ItemDataRole.FontRole and row.status == "new":
            return self._new_ticket_font
        return None

    def _display(self, row: QueueRow, key: str) -> str:
        match key:
            case "external_id":
                return ticket_number(row.external_id)
            case "customer":
                return row.customer
            case "channel":
                return row.channel
            case "text":
                return row.first_line
            case "intent":
                return intent_name(row.intent)
            case "sentiment":
                return sentiment_name(row.sentiment)
            case "flagged":
                return "⚑" if row.flagged else ""
            case "status":
                return status_name(row.status)
            case "assignee":
                return row.assignee or ""
            case "waiting":
                return waiting_text(row.waiting_since, self._now)
            case "updated":
                return local_time(row.updated_at)
        return ""


def _tag_colour(row: QueueRow, key: str) -> str | None:
    if key == "intent":
        return INTENT_COLOURS.get(row.intent or "")
    if key == "sentiment":
        return SENTIMENT_COLOURS.get(row.sentiment or "")
    return None
