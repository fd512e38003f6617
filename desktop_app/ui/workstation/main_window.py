"""The agent's workstation: the queue on the left, the open ticket on the right."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QSplitter, QTabWidget, QVBoxLayout, QWidget

from desktop_app.config import DRAFTER_MODEL_ENV_VAR, default_drafter_dir, default_kb_dir, default_ranker_dir
from desktop_app.domain.changes import Change, ChangeKind
from desktop_app.services.access import PermissionDenied, User
from desktop_app.services.claims import Claim
from desktop_app.services.container import Services
from desktop_app.services.drafting import DraftingService
from desktop_app.services.tagging import TaggedBatch, default_tagger_folder, load_tagger
from desktop_app.ui.common.banner import Banner, Tone
from desktop_app.ui.common.change_bus import ChangeBus
from desktop_app.ui.common.window_geometry import restore_geometry, save_geometry
from desktop_app.ui.common.workers import TaskRunner
from desktop_app.ui.dialogs.import_dialog import ImportController, ImportOptionsDialog
from desktop_app.ui.drafting.draft_controller import PREFETCH_AHEAD, DraftController
from desktop_app.ui.supervisor import SupervisorDesk
from desktop_app.ui.supervisor.service_actions import ServiceDeskActions
from desktop_app.ui.workstation.queue_model import QueueTableModel
from desktop_app.ui.workstation.queue_panel import QueuePanel
from desktop_app.ui.workstation.ticket_pane import FinalSave, TicketPane

GEOMETRY_KEY = "mainWindow"
PREFERRED_SIZE = QSize(1440, 860)  # on a screen with room for it
AUTO_REFRESH_MS = 30_000  # the fallback while the change feed is down (pushed changes otherwise)
CHANGE_RELOAD_MS = 150  # a pushed ticket off this page: reload the page at most this often
CLOCK_TICK_MS = 60_000
TAG_BATCH_SIZE = 32
TAG_INTERVAL_MS = 60_000  # look for untagged tickets (another client's import, say) every minute
CLOSE_BLOCK_MS = 500  # closing: the most the GUI thread waits for background work in one go
SHUTDOWN_POLL_MS = 50  # then it looks again this often, the window still responding
SHUTDOWN_LIMIT_S = 60.0  # after this the window closes with work still running (logged)

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    taggerFailed = Signal(str)  # why smart tags are off
    taggingFinished = Signal(int)  # tickets tagged in the pass that just ended
    drafterFailed = Signal(str)  # why AI drafts are off
    drafterReady = Signal()
    shutdownFinished = Signal()  # closing is done: background work stopped, the last draft stored

    def __init__(
        self,
        services: Services,
        user: User,
        parent: QWidget | None = None,
        tagger_folder: Path | None = None,
        drafter_folder: Path | None = None,
        kb_folder: Path | None = None,
    ) -> None:
        """``user`` is the signed-in User: its name is the agent name everywhere and the
        services check its role on every change."""
        super().__init__(parent)
        self.services = services
        if not isinstance(user, User):
            raise TypeError("MainWindow needs the signed-in User (a bare name is nobody)")
        self.user: User = user
        agent = user.name
        self.agent = agent
        self.setWindowTitle(self.tr("售后助手 AfterSales Assist"))
        self.setMinimumSize(640, 480)
        restore_geometry(self, GEOMETRY_KEY, PREFERRED_SIZE)  # sized to the screen, or as left

        self.reader = TaskRunner(max_threads=2, parent=self)
        self.writer = TaskRunner(max_threads=1, parent=self)  # ordered: drafts, replies, status
        self.importer = TaskRunner(max_threads=1, parent=self)
        # Loading the model and every tagging batch: one at a time, never on the GUI thread.
        self.tagger_runner = TaskRunner(max_threads=1, parent=self)
        self.drafter_runner = TaskRunner(max_threads=1, parent=self)  # loading the drafter
        self.drafting = DraftController(self)
        self.queue_service = services.queue
        self.claims = services.claims
        self.presence = services.presence
        self.claimed_id: int | None = None  # claimed with Ctrl+N or 领取; its lease is renewed while it is open
        self.tagging = services.tagging(None)  # corrections work before (and without) a model
        self._tagging_active = False
        self._tagged_in_pass = 0
        self._closing = False
        self.signing_out = False  # closed by 退出登录/切换用户: the app signs someone in again
        self._shut_down = False
        self._shutdown_started = 0.0
        self._drafter_closing = False
        self._final_save: FinalSave | None = None
        self._shutdown_timer: QTimer | None = None
        self._imports: list[ImportController] = []  # running imports, cancelled on close

        self.queue_model = QueueTableModel(self.queue_service, self.reader)
        self.queue_panel = QueuePanel(self.queue_model)
        self.ticket_pane = TicketPane(
            services.tickets,
            services.drafts,
            self.reader,
            self.writer,
            agent,
            tagging=self.tagging,
            user=self.user,
            drafting=self.drafting,
            supervision=services.supervision,
            explainer=self.tagger_runner,  # trigger words take turns with the tagging batches
            presence=self.presence,
            claims=self.claims,
        )

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.queue_panel)
        splitter.addWidget(self.ticket_pane)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 4)
        splitter.setSizes([880, 560])
        self.tagger_banner = Banner(Tone.WARNING, object_name="taggerBanner")
        self.drafter_banner = Banner(Tone.NEUTRAL, object_name="drafterBanner")
        central = QWidget()
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.addWidget(self.tagger_banner)
        central_layout.addWidget(self.drafter_banner)
        central_layout.addWidget(splitter, 1)
        self.workstation = central
        self.tabs: QTabWidget | None = None  # made by the first add_supervisor_tab
        self.setCentralWidget(central)

        self._build_actions()
        # The file name only: a full path would make the window wider than a small screen.
        self.status_db = QLabel(self.tr("数据库：%1").replace("%1", services.url.rsplit("/", 1)[-1]))
        self.status_db.setToolTip(services.url)
        role = self.tr("主管：%1") if user.is_supervisor else self.tr("坐席：%1")
        self.status_agent = QLabel(role.replace("%1", agent))
        self.status_tagger = QLabel(self.tr("智能标签：加载中…"))
        self.status_drafter = QLabel(self.tr("AI草稿：加载中…"))
        self.statusBar().addPermanentWidget(self.status_drafter)
        self.statusBar().addPermanentWidget(self.status_tagger)
        self.statusBar().addPermanentWidget(self.status_agent)
        self.statusBar().addPermanentWidget(self.status_db)

        self.queue_panel.currentTicketChanged.connect(self.ticket_pane.open_ticket)
        self.queue_panel.currentTicketChanged.connect(self.schedule_prefetch)
        self.queue_model.pageLoaded.connect(lambda *_: self.schedule_prefetch())
        self.drafting.prefetched.connect(lambda tid: self.queue_model.refresh_rows([tid]))
        self.queue_panel.openRequested.connect(self.open_ticket_for_reply)
        self.ticket_pane.ticketChanged.connect(lambda tid: self.queue_model.refresh_rows([tid]))
        self.ticket_pane.leaveRequested.connect(self.queue_panel.table.setFocus)
        self.ticket_pane.message.connect(lambda text: self.statusBar().showMessage(text, 5000))
        self.ticket_pane.claimed.connect(self._took_ticket)
        self.queue_model.loadFailed.connect(
            lambda error: self.statusBar().showMessage(self.tr("队列读取失败：%1").replace("%1", error))
        )

        self._refresh_timer = QTimer(self, interval=AUTO_REFRESH_MS)
        self._refresh_timer.timeout.connect(self._auto_refresh)
        self._refresh_timer.start()
        self._clock = QTimer(self, interval=CLOCK_TICK_MS)
        self._clock.timeout.connect(self.queue_model.tick)
        self._clock.start()
        self._heartbeat = QTimer(self, interval=int(self.claims.heartbeat_interval.total_seconds() * 1000))
        self._heartbeat.timeout.connect(self.renew_claim)
        self._heartbeat.start()
        self._tag_timer = QTimer(self, interval=TAG_INTERVAL_MS)
        self._tag_timer.timeout.connect(self.schedule_tagging)
        self._load_tagger(tagger_folder or default_tagger_folder())
        self._load_drafter(drafter_folder or default_drafter_dir(), kb_folder or default_kb_dir())

        self.desk: SupervisorDesk | None = None
        if self.is_supervisor:
            self._add_supervisor_desk()
        self._start_change_bus()

        # Exactly one first query: the filters may already have asked for the page.
        self.queue_panel.apply_filters()
        if not self.queue_model.loading:
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
        self.switch_user_action = action(self.tr("切换用户…"), None, self.sign_out)
        self.sign_out_action = action(self.tr("退出登录"), None, self.sign_out)

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
        account_menu = self.menuBar().addMenu(self.tr("账户"))
        account_menu.addAction(self.switch_user_action)
        account_menu.addAction(self.sign_out_action)
        help_menu = self.menuBar().addMenu(self.tr("帮助"))
        help_menu.addAction(self.shortcuts_action)

    # -- smart tags ----------------------------------------------------------------
    def _load_tagger(self, folder: Path) -> None:
        """Verify and load the model in the background; without it the app works on, untagged."""
        self.tagger_runner.submit(lambda: load_tagger(folder), self._tagger_loaded, self._tagger_failed)

    def _tagger_loaded(self, tagger) -> None:  # type: ignore[no-untyped-def]
        if self._closing:
            return
        self.tagging.tagger = tagger
        self.tagger_banner.hide()
        self.status_tagger.setText(self.tr("智能标签：%1").replace("%1", tagger.name))
        self.ticket_pane.set_tagger_state(TicketPane.TAGGER_READY)
        self._tag_timer.start()
        self.schedule_tagging()

    def _tagger_failed(self, error: BaseException) -> None:
        log.warning("ticket tagger not loaded: %s", error)
        reason = str(error) or type(error).__name__
        self.tagger_banner.setText(self.tr("智能标签已停用：%1").replace("%1", reason))
        self.tagger_banner.setToolTip(
            self.tr(
                "队列、回复和导入照常可用。把标签模型放到 models/tagger（或用环境变量 %1 指定文件夹）后重启。"
            ).replace("%1", "AFTERSALES_TAGGER_MODEL")
        )
        self.tagger_banner.show()
        self.status_tagger.setText(self.tr("智能标签：已停用"))
        self.ticket_pane.set_tagger_state(TicketPane.TAGGER_DISABLED)
        self.taggerFailed.emit(reason)

    def schedule_tagging(self) -> None:
        """Start a pass over the untagged tickets unless one is running (or there is no model)."""
        if self.tagging.tagger is None or self._tagging_active or self._closing:
            return
        self._tagging_active = True
        self._tagged_in_pass = 0
        self._submit_tag_batch()

    def _submit_tag_batch(self) -> None:
        self.tagger_runner.submit(
            lambda: self.tagging.tag_next_batch(TAG_BATCH_SIZE), self._tag_batch_done, self._tag_batch_failed
        )

    def _tag_batch_done(self, batch: TaggedBatch) -> None:
        if batch.ticket_ids:
            self._tagged_in_pass += len(batch.ticket_ids)
            self.queue_model.refresh_rows(batch.ticket_ids)
            self.ticket_pane.refresh_tags(batch.ticket_ids)
        if batch.more and not self._closing:
            self._submit_tag_batch()
            return
        self._tagging_active = False
        if self._tagged_in_pass and self.queue_model.depends_on_tags and not self._closing:
            self.queue_model.reload(keep_total=False)  # newly tagged rows may join or leave this view
        self.taggingFinished.emit(self._tagged_in_pass)

    def _tag_batch_failed(self, error: BaseException) -> None:
        self._tagging_active = False
        log.error("tagging failed", exc_info=error)
        self.statusBar().showMessage(self.tr("智能标签出错：%1").replace("%1", str(error)), 10000)
        self.taggingFinished.emit(self._tagged_in_pass)

    # -- AI drafts -----------------------------------------------------------------
    def _load_drafter(self, folder: Path, kb_folder: Path) -> None:
        """Load the drafter and knowledge base off the event loop; without them drafts are off."""
        services = self.services
        self.drafter_runner.submit(
            lambda: services.load_drafting(folder, kb_folder, ranker_folder=default_ranker_dir()),
            self._drafter_loaded,
            self._drafter_failed,
        )

    def _drafter_loaded(self, service: DraftingService) -> None:
        if self._closing:
            self.drafter_runner.submit(  # never on the GUI thread: it may take seconds
                service.close, None, lambda error: log.warning("closing the drafter failed", exc_info=error)
            )
            return
        self.drafter_banner.hide()
        self.status_drafter.setText(self.tr("AI草稿：%1").replace("%1", service.drafter.name))
        self.drafting.set_service(service)
        if self.ticket_pane.drafts is not None:
            self.ticket_pane.drafts.drafting_ready()
        self.schedule_prefetch()
        self.drafterReady.emit()

    def _drafter_failed(self, error: BaseException) -> None:
        log.warning("reply drafter not loaded: %s", error)
        reason = str(error) or type(error).__name__
        self.drafter_banner.setText(self.tr("AI草稿已关闭：%1").replace("%1", reason.splitlines()[0]))
        self.drafter_banner.setToolTip(
            self.tr("回复照常手写。把草稿模型放到 models/drafter（或用环境变量 %1 指定文件夹）后重启。").replace(
                "%1", DRAFTER_MODEL_ENV_VAR
            )
        )
        self.drafter_banner.show()
        self.status_drafter.setText(self.tr("AI草稿：已关闭"))
        self.drafterFailed.emit(reason)

    def upcoming_tickets(self, ticket_id: int | None = None) -> list[int]:
        """The tickets after ``ticket_id`` (default: the open one) on the current queue page."""
        ticket_id = self.ticket_pane.ticket_id if ticket_id is None else ticket_id
        row = self.queue_model.row_of(ticket_id) if ticket_id is not None else None
        if row is None:
            return []
        ids = (self.queue_model.ticket_id(r) for r in range(row + 1, self.queue_model.rowCount()))
        return [i for i in ids if i is not None][:PREFETCH_AHEAD]

    def schedule_prefetch(self, ticket_id: int | None = None) -> None:
        """Draft the next few tickets of the page in the background (DraftController decides when)."""
        upcoming = self.upcoming_tickets(ticket_id)
        # No open ticket on this page (yet): keep what is queued rather than drop it.
        if upcoming and self.drafting.ready and not self._closing:
            self.drafting.prefetch(upcoming, self.agent)

    # -- supervisor ------------------------------------------------------------------
    @property
    def is_supervisor(self) -> bool:
        return self.user is not None and self.user.is_supervisor

    def add_supervisor_tab(self, widget: QWidget, title: str) -> int:
        """Add a tab beside the workstation (the first call wraps it in a QTabWidget).

        Supervisors only: PermissionDenied for anyone else (the services refuse their
        data anyway). Returns the tab's index.
        """
        if not self.is_supervisor:
            raise PermissionDenied(self.user, "主管工作台")
        if self.tabs is None:
            self.takeCentralWidget()  # keep the workstation alive while it moves into the tabs
            self.tabs = QTabWidget()
            self.tabs.setObjectName("mainTabs")
            self.tabs.setDocumentMode(True)
            self.tabs.addTab(self.workstation, self.tr("工作台"))
            self.setCentralWidget(self.tabs)
        return self.tabs.addTab(widget, title)

    def _add_supervisor_desk(self) -> None:
        """The supervisor's desk, its buttons bound to the signed-in user through the services."""
        assert isinstance(self.user, User)
        self.desk = SupervisorDesk(
            self.services, ServiceDeskActions(self.services, self.user), tagging=self.tagging, explainer=self.tagger_runner
        )
        self.add_supervisor_tab(self.desk, self.tr("主管台"))

    # -- navigation ----------------------------------------------------------------
    def open_ticket_for_reply(self, ticket_id: int) -> None:
        """Enter on a row: show it and put the cursor in the reply box."""
        self.ticket_pane.open_ticket(ticket_id)
        self.ticket_pane.editor.text_edit.setFocus()

    def open_next_unhandled(self) -> None:
        """Ctrl+N: claim the next ticket (no colleague can get the same one) and open it.

        The ticket being left is released. On the writer, after the edits already queued:
        a reply just sent has ended its claim before the next one is taken.
        """
        leaving, user, claims = self.ticket_pane.ticket_id, self.user, self.claims
        self.writer.submit(
            lambda: claims.claim_next(user, leaving),
            lambda claim: self._claimed(claim, leaving),
            self._claim_failed,
        )

    def _claimed(self, claim: Claim | None, leaving: int | None) -> None:
        self.claimed_id = claim.ticket_id if claim is not None else None
        if self._closing:
            return
        self.queue_model.refresh_rows([i for i in (leaving, self.claimed_id) if i is not None])
        self._go_to_ticket(self.claimed_id)

    def _took_ticket(self, ticket_id: int) -> None:
        """领取 in the pane claimed the open ticket: the heartbeat renews its lease from now on."""
        self.claimed_id = ticket_id

    def _claim_failed(self, error: BaseException) -> None:
        log.error("claiming the next ticket failed", exc_info=error)
        self.statusBar().showMessage(self.tr("领取下一个工单失败：%1").replace("%1", str(error)), 10000)

    def renew_claim(self) -> None:
        """The heartbeat: keep the lease of the claimed ticket while it is open (on the writer)."""
        ticket_id, user, claims = self.claimed_id, self.user, self.claims
        if ticket_id is None or ticket_id != self.ticket_pane.ticket_id or self._closing:
            return
        self.writer.submit(
            lambda: claims.renew(user, ticket_id),
            lambda claim: self._renewed(ticket_id, claim),
            lambda error: log.warning("renewing the claim on ticket %s failed", ticket_id, exc_info=error),
        )

    def _renewed(self, ticket_id: int, claim: Claim | None) -> None:
        if claim is None and self.claimed_id == ticket_id:
            self.claimed_id = None  # answered, released or handed on: nothing left to renew

    def _go_to_ticket(self, ticket_id: int | None) -> None:
        if ticket_id is None:
            self.statusBar().showMessage(self.tr("没有待处理的工单了 🎉"), 5000)
            return
        if not self.queue_panel.select_ticket(ticket_id):
            self.ticket_pane.open_ticket(ticket_id)  # not on this page: open it anyway
        self.ticket_pane.editor.text_edit.setFocus()

    def sign_out(self) -> None:
        """退出登录 / 切换用户: end this session as closing does (the last keystrokes stored,
        the tickets this user claimed released, nothing left running); the app then shows
        the sign-in dialog again (see ``ui.app.WorkstationSession``)."""
        self.signing_out = True
        self.close()

    def refresh(self) -> None:
        self.queue_model.reload()

    def _auto_refresh(self) -> None:
        # Only a fallback: while the change feed is live, pushed changes keep the queue fresh.
        if not self.queue_model.loading and not self.change_bus.live:
            self.queue_model.reload()

    # -- changes pushed by the database ------------------------------------------------
    def _start_change_bus(self) -> None:
        """The change bus, fed in a thread of its own by the database's change feed."""
        self.change_bus = ChangeBus(self.services.change_source, self)
        self._change_reload = QTimer(self, singleShot=True, interval=CHANGE_RELOAD_MS)
        self._change_reload.timeout.connect(self._reload_for_changes)
        self.change_bus.changesArrived.connect(self._changes_arrived)
        self.change_bus.resynced.connect(self._reload_for_changes)  # changes may have been missed
        if self.desk is not None:
            self.change_bus.ticketsChanged.connect(self.desk.tickets_changed)
        self.change_bus.start()

    def _reload_for_changes(self) -> None:
        if not self._closing:
            self.queue_model.reload()

    def _changes_arrived(self, changes: list[Change]) -> None:
        """Re-read the rows of this page that changed and the open ticket if it did; a
        ticket off this page that may now belong on it (new, written to, tagged when the
        view filters on tags) reloads the page, at most every ``CHANGE_RELOAD_MS``."""
        if self._closing:
            return
        model = self.queue_model
        # Presence (who has a ticket open) shows in the ticket pane only: no row to re-read.
        ids = list(dict.fromkeys(c.ticket_id for c in changes if c.change != ChangeKind.PRESENCE))
        model.refresh_rows(ids)
        joining = {ChangeKind.TICKET, ChangeKind.MESSAGE} | ({ChangeKind.TAGS} if model.depends_on_tags else set())
        if any(c.change in joining and model.row_of(c.ticket_id) is None for c in changes):
            if not self._change_reload.isActive():
                self._change_reload.start()
        self.ticket_pane.show_changes(changes)

    # -- dialogs -------------------------------------------------------------------
    def show_import_dialog(self) -> None:
        options = ImportOptionsDialog(self)
        if options.exec() != ImportOptionsDialog.DialogCode.Accepted:
            return
        self.start_import(options.path, options.column_map)

    def start_import(self, path, column_map: list[str]) -> ImportController:  # type: ignore[no-untyped-def]
        controller = ImportController(self.services.importer(), self.importer, self)
        self._imports.append(controller)
        controller.finished.connect(lambda _report: self._import_finished(controller))
        controller.start(path, column_map)
        return controller

    def _import_finished(self, controller: ImportController) -> None:
        if controller in self._imports:
            self._imports.remove(controller)
        if not self._closing:
            self.queue_model.reload()
            self.schedule_tagging()

    def show_shortcuts(self) -> None:
        QMessageBox.information(
            self,
            self.tr("快捷键"),
            self.tr(
                "↑/↓  在队列中移动\nEnter  打开工单并开始回复\n/  搜索\nCtrl+N  下一个待处理工单\n"
                "Ctrl+Enter  发送回复\nTab  接受 AI 草稿（草稿标记显示时）\n"
                "Esc  从回复框回到队列\nF5  刷新\nCtrl+I  导入工单"
            ),
        )

    # -- closing ---------------------------------------------------------------------
    @property
    def shut_down(self) -> bool:
        return self._shut_down

    def closeEvent(self, event: QCloseEvent) -> None:
        """Nothing typed is lost on exit, and the window never freezes while closing.

        The first close stops the timers, cancels a running import (what was committed
        stays) and the drafts being written, and queues the last keystrokes on the writer.
        The GUI thread then waits at most ``CLOSE_BLOCK_MS`` for the background work; if
        some is still running, the close is put off, the window says so and keeps
        responding, and it closes by itself once the work is done (or after
        ``SHUTDOWN_LIMIT_S``).
        """
        if self._shut_down:
            super().closeEvent(event)
            return
        first = not self._closing
        if first:
            self._begin_shutdown()
        forced = time.monotonic() - self._shutdown_started > SHUTDOWN_LIMIT_S
        if forced:
            log.warning("closing with background work still running after %.0f s", SHUTDOWN_LIMIT_S)
        if forced or self._shutdown_step(CLOSE_BLOCK_MS if first else 0):
            self._finish_shutdown()
            super().closeEvent(event)
            return
        event.ignore()
        if self._shutdown_timer is None:
            self.statusBar().showMessage(self.tr("正在保存并关闭，请稍候…"))
            central = self.centralWidget()
            if central is not None:  # nothing typed or clicked while the last saves finish
                central.setEnabled(False)
            self._shutdown_timer = QTimer(self, interval=SHUTDOWN_POLL_MS)
            self._shutdown_timer.timeout.connect(self._poll_shutdown)
            self._shutdown_timer.start()

    def _begin_shutdown(self) -> None:
        self._closing = True
        save_geometry(self, GEOMETRY_KEY)
        self._shutdown_started = time.monotonic()
        self._refresh_timer.stop()
        self.change_bus.stop()
        self._change_reload.stop()
        self._tag_timer.stop()
        self._clock.stop()
        for controller in list(self._imports):
            controller.cancel(quietly=True)  # what was committed stays; importing again adds the rest
        self.drafting.shutdown(0)  # cancel; a draft being stored finishes its write
        if self.desk is not None:
            self.desk.timer.stop()
        self._final_save = self.ticket_pane.save_draft_for_close()
        self._heartbeat.stop()
        if self.ticket_pane.presence is not None:
            self.ticket_pane.presence.stop()
        user, claims, presence = self.user, self.claims, self.presence
        self.writer.submit(  # signing out: the tickets this agent claimed go back to the queue
            lambda: claims.release_all(user),
            None,
            lambda error: log.warning("releasing the claims on sign-out failed", exc_info=error),
        )
        self.writer.submit(  # and colleagues no longer see them on any ticket
            lambda: presence.leave_all(user),
            None,
            lambda error: log.warning("ending the presence on sign-out failed", exc_info=error),
        )

    def _poll_shutdown(self) -> None:
        done = self._shutdown_step(0)
        if done or time.monotonic() - self._shutdown_started > SHUTDOWN_LIMIT_S:
            self.close()

    def _shutdown_step(self, wait_ms: int) -> bool:
        """Advance the shutdown, waiting at most ``wait_ms`` in all; True once nothing runs."""
        deadline = time.monotonic() + wait_ms / 1000

        def left() -> int:
            return max(0, int((deadline - time.monotonic()) * 1000))

        runners = [self.importer, self.writer, self.reader, self.tagger_runner]
        if not all(runner.wait(left()) for runner in runners):
            return False
        if not self.change_bus.wait(left()):  # it ends within a quarter second of stop()
            return False
        if not self.drafting.shutdown(left()):
            return False
        if not self.drafter_runner.wait(left()):  # the drafter may still be loading
            return False
        if self.desk is not None and not self.desk.wait_idle(left()):
            return False
        if self.drafting.service is not None and not self._drafter_closing:
            self._drafter_closing = True
            self.drafter_runner.submit(  # its child process: seconds at worst
                self.drafting.service.close, None, lambda error: log.warning("closing the drafter failed", exc_info=error)
            )
        return self.drafter_runner.wait(left())

    def _finish_shutdown(self) -> None:
        if self._shutdown_timer is not None:
            self._shutdown_timer.stop()
        if self.desk is not None:
            self.desk.shutdown(0)
        self._shut_down = True
        final = self._final_save
        if final is not None and final.done.is_set() and final.error is not None:
            self.ticket_pane.editor.mark_unsaved()
            QMessageBox.warning(self, self.tr("草稿未能保存"), str(final.error))
        self.shutdownFinished.emit()
