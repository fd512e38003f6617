"""The agent's workstation: the queue on the left, the open ticket on the right."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QSplitter, QWidget

from desktop_app.services.drafts import DraftService
from desktop_app.services.importing import ImportService
from desktop_app.services.queue import QueueService
from desktop_app.services.tickets import TicketService
from desktop_app.store.database import Database
from desktop_app.ui.import_dialog import ImportController, ImportOptionsDialog
from desktop_app.ui.queue_model import QueueTableModel
from desktop_app.ui.queue_panel import QueuePanel
from desktop_app.ui.ticket_pane import TicketPane
from desktop_app.ui.workers import TaskRunner

AUTO_REFRESH_MS = 30_000
CLOCK_TICK_MS = 60_000


class MainWindow(QMainWindow):
    def __init__(self, db: Database, agent: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.agent = agent
        self.setWindowTitle(self.tr("售后助手 AfterSales Assist"))
        self.resize(1440, 860)

        self.reader = TaskRunner(max_threads=2, parent=self)
        self.writer = TaskRunner(max_threads=1, parent=self)  # ordered: drafts, replies, status
        self.importer = TaskRunner(max_threads=1, parent=self)
        self.queue_service = QueueService(db)

        self.queue_model = QueueTableModel(self.queue_service, self.reader)
        self.queue_panel = QueuePanel(self.queue_model)
        self.ticket_pane = TicketPane(TicketService(db), DraftService(db), self.reader, self.writer, agent)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.queue_panel)
        splitter.addWidget(self.ticket_pane)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 4)
        splitter.setSizes([880, 560])
        self.setCentralWidget(splitter)

        self._build_actions()
        self.status_db = QLabel(self.tr("数据库：%1").replace("%1", db.url))
        self.status_agent = QLabel(self.tr("坐席：%1").replace("%1", agent))
        self.statusBar().addPermanentWidget(self.status_agent)
        self.statusBar().addPermanentWidget(self.status_db)

        self.queue_panel.currentTicketChanged.connect(self.ticket_pane.open_ticket)
        self.queue_panel.openRequested.connect(self.open_ticket_for_reply)
        self.ticket_pane.ticketChanged.connect(lambda tid: self.queue_model.refresh_rows([tid]))
        self.ticket_pane.leaveRequested.connect(self.queue_panel.table.setFocus)
        self.ticket_pane.message.connect(lambda text: self.statusBar().showMessage(text, 5000))
        self.queue_model.loadFailed.connect(
            lambda error: self.statusBar().showMessage(self.tr("队列读取失败：%1").replace("%1", error))
        )

        self._refresh_timer = QTimer(self, interval=AUTO_REFRESH_MS)
        self._refresh_timer.timeout.connect(self._auto_refresh)
        self._refresh_timer.start()
        self._clock = QTimer(self, interval=CLOCK_TICK_MS)
        self._clock.timeout.connect(self.queue_model.tick)
        self._clock.start()

        self.queue_panel.apply_filters()
        self.queue_model.reload()
        self.queue_panel.table.setFocus()

    def _build_actions(self) -> None:
        def action(text: str, shortcut: str | QKeySequence.StandardKey | None, slot) -> QAction:  # type: ignore[no-untyped-def]
            act = QAction(text, self)
            if shortcut is not None:
                act.setShortcut(QKeySequence(shortcut))
                act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(slot)
            self.addAction(act)
            return act

        self.import_action = action(self.tr("导入工单…"), "Ctrl+I", self.show_import_dialog)
        self.next_action = action(self.tr("下一个待处理"), "Ctrl+N", self.open_next_unhandled)
        self.refresh_action = action(self.tr("刷新"), "F5", self.refresh)
        self.search_action = action(self.tr("搜索"), "/", self.queue_panel.focus_search)
        self.quit_action = action(self.tr("退出"), "Ctrl+Q", self.close)
        self.shortcuts_action = action(self.tr("快捷键"), "F1", self.show_shortcuts)

        toolbar = self.addToolBar(self.tr("工具栏"))
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        for act in (self.next_action, self.refresh_action, self.import_action):
            toolbar.addAction(act)
        file_menu = self.menuBar().addMenu(self.tr("文件"))
        file_menu.addAction(self.import_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        queue_menu = self.menuBar().addMenu(self.tr("队列"))
        for act in (self.next_action, self.refresh_action, self.search_action):
            queue_menu.addAction(act)
        help_menu = self.menuBar().addMenu(self.tr("帮助"))
        help_menu.addAction(self.shortcuts_action)

    # -- navigation ----------------------------------------------------------------
    def open_ticket_for_reply(self, ticket_id: int) -> None:
        """Enter on a row: show it and put the cursor in the reply box."""
        self.ticket_pane.open_ticket(ticket_id)
        self.ticket_pane.editor.text_edit.setFocus()

    def open_next_unhandled(self) -> None:
        current = self.ticket_pane.ticket_id
        self.reader.submit(
            lambda: self.queue_service.next_unhandled(self.agent, current),
            self._go_to_ticket,
        )

    def _go_to_ticket(self, ticket_id: int | None) -> None:
        if ticket_id is None:
            self.statusBar().showMessage(self.tr("没有待处理的工单了 🎉"), 5000)
            return
        if not self.queue_panel.select_ticket(ticket_id):
            self.ticket_pane.open_ticket(ticket_id)  # not on this page: open it anyway
        self.ticket_pane.editor.text_edit.setFocus()

    def refresh(self) -> None:
        self.queue_model.reload()

    def _auto_refresh(self) -> None:
        if not self.queue_model.loading:
            self.queue_model.reload()

    # -- dialogs -------------------------------------------------------------------
    def show_import_dialog(self) -> None:
        options = ImportOptionsDialog(self)
        if options.exec() != ImportOptionsDialog.DialogCode.Accepted:
            return
        self.start_import(options.path, options.column_map)

    def start_import(self, path, column_map: list[str]) -> ImportController:  # type: ignore[no-untyped-def]
        controller = ImportController(ImportService(self.db), self.importer, self)
        controller.finished.connect(lambda _report: self.queue_model.reload())
        controller.start(path, column_map)
        return controller

    def show_shortcuts(self) -> None:
        QMessageBox.information(
            self,
            self.tr("快捷键"),
            self.tr(
                "↑/↓  在队列中移动\nEnter  打开工单并开始回复\n/  搜索\nCtrl+N  下一个待处理工单\n"
                "Ctrl+Enter  发送回复\nEsc  从回复框回到队列\nF5  刷新\nCtrl+I  导入工单"
            ),
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        """Nothing typed is lost on exit: wait for queued writes, then save the draft."""
        self._refresh_timer.stop()
        self.writer.wait(5000)
        try:
            self.ticket_pane.save_draft_now()
        except Exception as exc:  # the disk or database went away: tell, but let the app close
            QMessageBox.warning(self, self.tr("草稿未能保存"), str(exc))
        self.reader.wait(5000)
        super().closeEvent(event)
