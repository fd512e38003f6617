"""The left half of the window: filter bar, the queue table and the pager."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QLocale, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFontMetrics, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.records import QueueFilter
from desktop_app.domain.vocabulary import INTENTS, SENTIMENTS, UNHANDLED_STATUSES, TicketStatus
from desktop_app.ui.common import palette
from desktop_app.ui.common.formatting import intent_name, sentiment_name, status_name
from desktop_app.ui.workstation.queue_model import TICKET_ID_ROLE, QueueTableModel

SEARCH_DEBOUNCE_MS = 250


class QueueTable(QTableView):
    """A table where Enter opens the current ticket (on every platform)."""

    openRequested = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            ticket_id = self.model().data(self.currentIndex(), TICKET_ID_ROLE)
            if ticket_id is not None:
                self.openRequested.emit(int(ticket_id))
                return
        super().keyPressEvent(event)


class QueuePanel(QWidget):
    currentTicketChanged = Signal(int)
    openRequested = Signal(int)

    def __init__(self, model: QueueTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._wanted_id: int | None = None

        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("搜索内容、客户、订单号（按 / 聚焦）"))
        self.search.setClearButtonEnabled(True)
        self.status_filter = QComboBox()
        self.status_filter.addItem(self.tr("全部状态"), ())
        self.status_filter.addItem(self.tr("待处理（新+处理中）"), tuple(s.value for s in UNHANDLED_STATUSES))
        for status in TicketStatus:
            self.status_filter.addItem(status_name(status.value), (status.value,))
        self.intent_filter = QComboBox()
        self.intent_filter.addItem(self.tr("全部意图"), None)
        for intent in INTENTS:
            self.intent_filter.addItem(intent_name(intent), intent)
        self.sentiment_filter = QComboBox()
        self.sentiment_filter.addItem(self.tr("全部情绪"), None)
        for sentiment in SENTIMENTS:
            self.sentiment_filter.addItem(sentiment_name(sentiment), sentiment)
        self.flagged_only = QCheckBox(self.tr("仅看标记"))

        for combo in (self.status_filter, self.intent_filter, self.sentiment_filter):
            combo.setMinimumWidth(56)  # may shrink (eliding) when the window is narrow
        self.search.setMinimumWidth(104)  # the combos give way before the search box does
        # As wide as "All intents", not as the longest intent (its list opens wider anyway),
        # so the search box keeps its room on a small laptop.
        for combo in (self.status_filter, self.intent_filter, self.sentiment_filter):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(max(len(combo.itemText(0)), 6))
        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        for combo in (self.status_filter, self.intent_filter, self.sentiment_filter):
            filters.addWidget(combo, 1)  # narrow panes squeeze the combos along with the search box
        filters.addWidget(self.flagged_only)

        self.table = QueueTable()
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # The indicator shows the model's order before sorting is switched on: the view then
        # asks for that same order, which the model does not query again. The window makes
        # the one first query.
        self.table.horizontalHeader().setSortIndicator(*model.sort_indicator())
        self.table.horizontalHeader().setSortIndicatorShown(True)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self._fit_columns()

        self.previous_page = QPushButton("◀")
        self.next_page = QPushButton("▶")
        for button in (self.previous_page, self.next_page):
            button.setFixedWidth(36)
        self.page_label = QLabel()
        self.total_label = QLabel()
        pager = QHBoxLayout()
        pager.addWidget(self.total_label)
        pager.addStretch(1)
        pager.addWidget(self.previous_page)
        pager.addWidget(self.page_label)
        pager.addWidget(self.next_page)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        # An empty page says why, instead of a blank table that looks like a fault.
        self.empty_label = QLabel(self.tr("没有符合条件的工单。按 Esc 清除搜索，或放宽筛选条件。"))
        self.empty_label.setObjectName("queueEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet(f"color:{palette.TEXT_MUTED};padding:12px;")
        self.empty_label.hide()
        layout.addWidget(self.empty_label)
        layout.addLayout(pager)

        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(self._search_timer.start)
        self.search.returnPressed.connect(self._search_and_focus_table)
        clear_search = QAction(self.search)
        clear_search.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        clear_search.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)  # only while typing a search
        clear_search.triggered.connect(self.clear_search)
        self.search.addAction(clear_search)
        for combo in (self.status_filter, self.intent_filter, self.sentiment_filter):
            combo.currentIndexChanged.connect(self.apply_filters)
        self.flagged_only.toggled.connect(self.apply_filters)
        self.previous_page.clicked.connect(lambda: model.set_page(model.page_index - 1))
        self.next_page.clicked.connect(lambda: model.set_page(model.page_index + 1))
        self.table.openRequested.connect(self.openRequested)
        self.table.doubleClicked.connect(self._open_index)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        model.pageLoaded.connect(self._on_page_loaded)
        model.modelAboutToBeReset.connect(self._remember_current)

    def _fit_columns(self) -> None:
        """The usual widths, widened where the UI's language needs more: a header, or the
        longest name a column can show (``Waiting for customer``), is never cut off."""
        header = self.table.horizontalHeader()
        bold = self.table.font()
        bold.setBold(True)  # new tickets are shown in bold, the widest form of a name
        metrics = QFontMetrics(bold)
        padding = 2 * self.table.style().pixelMetric(self.table.style().PixelMetric.PM_FocusFrameHMargin) + 20
        names = {
            "intent": [intent_name(i) for i in INTENTS],
            "sentiment": [sentiment_name(s) for s in SENTIMENTS],
            "status": [status_name(s.value) for s in TicketStatus],
        }
        for column, width in enumerate((92, 100, 44, 200, 72, 40, 30, 76, 64, 72, 80)):
            key = self.model.columns[column].key
            widest = max((metrics.horizontalAdvance(name) + padding for name in names.get(key, ())), default=0)
            self.table.setColumnWidth(column, max(width, widest, header.sectionSizeFromContents(column).width()))

    # -- filters -------------------------------------------------------------------
    def current_filter(self) -> QueueFilter:
        return QueueFilter(
            statuses=self.status_filter.currentData() or (),
            intent=self.intent_filter.currentData(),
            sentiment=self.sentiment_filter.currentData(),
            flagged=True if self.flagged_only.isChecked() else None,
            search=self.search.text().strip(),
        )

    def apply_filters(self) -> None:
        self._search_timer.stop()
        self.model.set_filter(self.current_filter())

    def clear_search(self) -> None:
        """Esc in the search box: the whole queue again, and the keys go back to the table."""
        self.search.clear()
        self.apply_filters()
        self.table.setFocus()

    def _search_and_focus_table(self) -> None:
        self.apply_filters()
        self.table.setFocus()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # -- selection -----------------------------------------------------------------
    def current_ticket_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.ticket_id(index.row()) if index.isValid() else None

    def select_ticket(self, ticket_id: int) -> bool:
        """Make ``ticket_id`` current if it is on this page; remember it for the next page load."""
        row = self.model.row_of(ticket_id)
        if row is None:
            self._wanted_id = ticket_id
            return False
        self._wanted_id = None
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.scrollTo(index)
        return True

    def _remember_current(self) -> None:
        if self._wanted_id is None:
            self._wanted_id = self.current_ticket_id()

    def _on_page_loaded(self, total: int, page_index: int, page_count: int) -> None:
        if self.model.total_exact:
            self.total_label.setText(self.tr("共 %n 个工单", "", total))
        else:  # the count stopped at the cap; the exact figure follows in a moment
            self.total_label.setText(self.tr("%1+ 个工单").replace("%1", QLocale().toString(total - 1)))
        self.empty_label.setVisible(total == 0)
        self.page_label.setText(
            self.tr("第 %1 / %2 页")
            .replace("%1", str(page_index + 1))
            .replace("%2", str(page_count) if self.model.total_exact else f"{page_count}+")
        )
        self.previous_page.setEnabled(page_index > 0)
        self.next_page.setEnabled(page_index + 1 < page_count)
        wanted, self._wanted_id = self._wanted_id, None
        if wanted is not None and self.select_ticket(wanted):
            return
        if self.model.rowCount() and not self.table.currentIndex().isValid() and wanted is None:
            self.select_ticket(self.model.ticket_ids()[0])

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        ticket_id = self.model.ticket_id(current.row()) if current.isValid() else None
        if ticket_id is not None:
            self.currentTicketChanged.emit(ticket_id)

    def _open_index(self, index: QModelIndex) -> None:
        ticket_id = self.model.ticket_id(index.row())
        if ticket_id is not None:
            self.openRequested.emit(ticket_id)
