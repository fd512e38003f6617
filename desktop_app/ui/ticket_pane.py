"""The right half of the window: one ticket's conversation, order, tags, controls and reply.

All reads and writes go through the services in workers. Draft saves and sends share a
single-thread writer so they happen in the order the agent caused them: a late autosave
can never resurrect a draft that was just sent.
"""

from __future__ import annotations

import html
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain import INTENTS, SENTIMENTS, TicketStatus
from desktop_app.services.drafts import DraftService
from desktop_app.services.tagging import TaggingService
from desktop_app.services.tickets import OpenedTicket, StaleTicketError, TicketService
from desktop_app.store.clock import utcnow
from desktop_app.store.records import TicketDetail
from desktop_app.ui.formatting import intent_name, local_time, sentiment_name, status_name, waiting_text
from desktop_app.ui.reply_editor import ReplyEditor
from desktop_app.ui.workers import TaskRunner

_BUBBLE = (
    '<table width="100%" cellspacing="0" cellpadding="0" style="margin-bottom:8px"><tr>'
    '<td align="{align}"><div style="color:#667085;font-size:small">{who} · {when}</div>'
    '<div style="background:{colour};padding:6px 9px;">{text}</div></td></tr></table>'
)


def conversation_html(ticket: TicketDetail) -> str:
    parts = []
    for message in ticket.messages:
        customer = message.role == "customer"
        parts.append(
            _BUBBLE.format(
                align="left" if customer else "right",
                colour="#f2f4f7" if customer else "#dbeafe",
                who=html.escape(message.author or (ticket.customer if customer else "")),
                when=local_time(message.created_at),
                text=html.escape(message.text).replace("\n", "<br>"),
            )
        )
    return "".join(parts)


class TicketPane(QWidget):
    ticketChanged = Signal(int)  # the ticket's row in the queue should be re-read
    leaveRequested = Signal()
    message = Signal(str)  # for the status bar
    corrected = Signal(int, str, str)  # ticket id, task, label: an agent's correction was stored

    TAGGER_LOADING, TAGGER_READY, TAGGER_DISABLED = "loading", "ready", "disabled"

    def __init__(
        self,
        tickets: TicketService,
        drafts: DraftService,
        reader: TaskRunner,
        writer: TaskRunner,
        agent: str,
        parent: QWidget | None = None,
        tagging: TaggingService | None = None,
    ) -> None:
        super().__init__(parent)
        self._tickets = tickets
        self._drafts = drafts
        self._tagging = tagging
        self._reader = reader
        self._writer = writer
        self.agent = agent
        self.ticket: TicketDetail | None = None
        self._token = 0
        self.tagger_state = self.TAGGER_LOADING

        self.title = QLabel(self.tr("请选择左侧的工单"))
        self.title.setObjectName("ticketTitle")
        self.title.setStyleSheet("font-size: 15px; font-weight: 600;")
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background:#fff4e5;color:#8a4b00;padding:6px;border-radius:4px;")
        self.banner.hide()

        self.order_id = QLabel()
        self.product = QLabel()
        self.created = QLabel()
        self.waiting = QLabel()
        for label in (self.order_id, self.product):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.product.setWordWrap(True)
        order_box = QGroupBox(self.tr("订单信息"))
        order_form = QFormLayout(order_box)
        order_form.addRow(self.tr("订单号"), self.order_id)
        order_form.addRow(self.tr("商品"), self.product)
        order_form.addRow(self.tr("创建时间"), self.created)
        order_form.addRow(self.tr("已等待"), self.waiting)

        self.intent_label = QLabel()
        self.sentiment_label = QLabel()
        self.flag_label = QLabel()
        for label in (self.intent_label, self.sentiment_label, self.flag_label):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.intent_menu, self.intent_button = self._correction_menu("intent", INTENTS, intent_name)
        self.sentiment_menu, self.sentiment_button = self._correction_menu("sentiment", SENTIMENTS, sentiment_name)
        tag_box = QGroupBox(self.tr("智能标签"))
        tag_form = QFormLayout(tag_box)
        tag_form.addRow(self.tr("意图"), _with_button(self.intent_label, self.intent_button))
        tag_form.addRow(self.tr("情绪"), _with_button(self.sentiment_label, self.sentiment_button))
        tag_form.addRow(self.tr("主管关注"), self.flag_label)

        self.status_box = QComboBox()
        for status in TicketStatus:
            self.status_box.addItem(status_name(status.value), status.value)
        self.assignee_label = QLabel()
        self.take_button = QPushButton(self.tr("领取"))
        self.take_button.setToolTip(self.tr("把工单分配给我"))
        self.release_button = QPushButton(self.tr("释放"))
        self.release_button.setToolTip(self.tr("取消分配，放回公共队列"))
        controls = QHBoxLayout()
        controls.addWidget(QLabel(self.tr("状态")))
        controls.addWidget(self.status_box)
        controls.addSpacing(16)
        controls.addWidget(QLabel(self.tr("处理人")))
        controls.addWidget(self.assignee_label)
        controls.addWidget(self.take_button)
        controls.addWidget(self.release_button)
        controls.addStretch(1)

        side = QHBoxLayout()
        side.addWidget(order_box, 3)
        side.addWidget(tag_box, 2)

        self.thread = QTextBrowser()
        self.thread.setOpenLinks(False)
        self.editor = ReplyEditor()

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.thread)
        splitter.addWidget(self.editor)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.banner)
        layout.addLayout(side)
        layout.addLayout(controls)
        layout.addWidget(splitter, 1)

        self.editor.autosaveDue.connect(self._save_draft)
        self.editor.sendRequested.connect(self._send)
        self.editor.leaveRequested.connect(self.leaveRequested)
        self.status_box.activated.connect(self._on_status_chosen)
        self.take_button.clicked.connect(lambda: self._assign(self.agent))
        self.release_button.clicked.connect(lambda: self._assign(None))
        self._set_enabled(False)

    # -- opening -------------------------------------------------------------------
    @property
    def ticket_id(self) -> int | None:
        return self.ticket.id if self.ticket else None

    def open_ticket(self, ticket_id: int) -> None:
        """Show ``ticket_id``; the current draft is saved first, whatever happens next."""
        if ticket_id == self.ticket_id:
            return
        self.editor.flush()
        self._token += 1
        token = self._token
        agent = self.agent
        self._reader.submit(
            lambda: self._tickets.open(ticket_id, agent),
            lambda opened: self._show_opened(token, opened),
            lambda error: self._show_error(token, error),
        )

    def reload(self) -> None:
        """Re-read the open ticket (after a conflict), keeping the editor's text."""
        if self.ticket is None:
            return
        self._token += 1
        token, ticket_id, agent = self._token, self.ticket.id, self.agent
        self._reader.submit(
            lambda: self._tickets.open(ticket_id, agent),
            lambda opened: self._token == token and self.show_ticket(opened.ticket),
        )

    def _show_opened(self, token: int, opened: OpenedTicket) -> None:
        if token != self._token:
            return
        self.banner.hide()
        self.show_ticket(opened.ticket)
        if opened.draft is not None:
            note = self.tr("已恢复 %1 保存的草稿").replace("%1", local_time(opened.draft.updated_at))
            self.editor.load(opened.draft.body, note)
        else:
            self.editor.load("")

    def _show_error(self, token: int, error: BaseException) -> None:
        if token == self._token:
            self.show_banner(self.tr("无法打开工单：%1").replace("%1", str(error)))

    def show_ticket(self, ticket: TicketDetail) -> None:
        self.ticket = ticket
        self._set_enabled(True)
        customer = ticket.customer or self.tr("匿名客户")
        self.title.setText(f"{customer} · {ticket.channel} · {ticket.external_id}")
        self.order_id.setText(ticket.order_id or "—")
        self.product.setText(ticket.product or "—")
        self.created.setText(local_time(ticket.created_at))
        self.waiting.setText(waiting_text(ticket.waiting_since, utcnow()) or "—")
        self._show_tags(ticket)
        self.status_box.setCurrentIndex(max(self.status_box.findData(ticket.status), 0))
        self.assignee_label.setText(ticket.assignee or self.tr("未分配"))
        self.take_button.setEnabled(ticket.assignee != self.agent)
        self.release_button.setEnabled(ticket.assignee is not None)
        self.thread.setHtml(conversation_html(ticket))
        scrollbar = self.thread.verticalScrollBar()
        scrollbar.setValue(scrollbar.maximum())

    # -- tags -----------------------------------------------------------------------
    def _correction_menu(self, task: str, labels: dict[str, str], name) -> tuple[QMenu, QToolButton]:  # type: ignore[no-untyped-def]
        """A "更正" button whose menu lists every label; picking one stores the agent's label."""
        menu = QMenu(self)
        group = QActionGroup(menu)
        group.setExclusive(True)
        for label in labels:
            action = QAction(name(label), menu)
            action.setData(label)
            action.setCheckable(True)
            action.triggered.connect(lambda _checked=False, label=label: self.correct(task, label))
            group.addAction(action)
            menu.addAction(action)
        button = QToolButton()
        button.setText(self.tr("更正"))
        button.setToolTip(self.tr("标签不对？选择正确的标签（会记录下来用于改进模型）"))
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        button.setMenu(menu)
        return menu, button

    def set_tagger_state(self, state: str) -> None:
        """``loading`` / ``ready`` / ``disabled``: what an untagged ticket says about itself."""
        self.tagger_state = state
        if self.ticket is not None:
            self._show_tags(self.ticket)

    def _untagged_text(self) -> str:
        if self.tagger_state == self.TAGGER_READY:
            return self.tr("未标注（排队等待模型）")
        if self.tagger_state == self.TAGGER_DISABLED:
            return self.tr("未标注（智能标签已停用）")
        return self.tr("未标注（模型加载中）")

    def _show_tags(self, ticket: TicketDetail) -> None:
        by_agent = self.tr("（坐席更正）")
        if ticket.intent is None:
            self.intent_label.setText(self._untagged_text())
        elif ticket.intent_by_agent:
            text = f"{intent_name(ticket.intent)}{by_agent}"
            for label, score in ticket.top_intents(1):
                text += self.tr("；模型：%1").replace("%1", _scored(intent_name(label), score))
            self.intent_label.setText(text)
        elif ticket.intent_scores:
            self.intent_label.setText(" · ".join(_scored(intent_name(k), v) for k, v in ticket.top_intents(3)))
        else:
            self.intent_label.setText(_scored(intent_name(ticket.intent), ticket.intent_score))
        if ticket.sentiment is None:
            self.sentiment_label.setText("—" if ticket.intent is None else self._untagged_text())
        elif ticket.sentiment_by_agent:
            self.sentiment_label.setText(f"{sentiment_name(ticket.sentiment)}{by_agent}")
        else:
            self.sentiment_label.setText(_scored(sentiment_name(ticket.sentiment), ticket.sentiment_score))
        if ticket.flagged:
            reasons = "；".join(ticket.flag_reasons)
            self.flag_label.setText(self.tr("⚑ 已标记：%1").replace("%1", reasons) if reasons else self.tr("⚑ 已标记"))
            self.flag_label.setStyleSheet("color:#c62828;")
        else:
            self.flag_label.setText(self.tr("否") if ticket.tagged else "—")
            self.flag_label.setStyleSheet("")
        for menu, current in ((self.intent_menu, ticket.intent), (self.sentiment_menu, ticket.sentiment)):
            for action in menu.actions():
                action.setChecked(action.data() == current)

    def correct(self, task: str, label: str) -> None:
        """Store the agent's ``label`` for ``task`` (a versioned edit, queued with the other writes)."""
        if self.ticket is None or self._tagging is None:
            return
        if getattr(self.ticket, task) == label and getattr(self.ticket, f"{task}_score") is None:
            return  # the agent already said so
        ticket, agent, tagging = self.ticket, self.agent, self._tagging
        self._writer.submit(
            lambda: tagging.correct(ticket.id, task, label, agent, ticket.version),
            lambda updated: self._corrected(updated, task, label),
            self._write_failed,
        )

    def _corrected(self, updated: TicketDetail, task: str, label: str) -> None:
        self._changed(updated)
        name = intent_name(label) if task == "intent" else sentiment_name(label)
        self.message.emit(self.tr("已更正为「%1」，感谢反馈").replace("%1", name))
        self.corrected.emit(updated.id, task, label)

    def refresh_tags(self, ticket_ids: list[int]) -> None:
        """The tagger stored tags for ``ticket_ids``: re-read the open ticket's if it is one of them."""
        if self.ticket is None or self.ticket.id not in ticket_ids:
            return
        ticket_id, agent = self.ticket.id, self.agent
        self._reader.submit(lambda: self._tickets.open(ticket_id, agent).ticket, self._tags_refreshed)

    def _tags_refreshed(self, fresh: TicketDetail) -> None:
        if self.ticket is None or fresh.id != self.ticket.id:
            return
        # Only the tags: the version the agent is working from stays the one they read.
        self.ticket = replace(
            self.ticket,
            intent=fresh.intent,
            intent_score=fresh.intent_score,
            sentiment=fresh.sentiment,
            sentiment_score=fresh.sentiment_score,
            flagged=fresh.flagged,
            intent_scores=fresh.intent_scores,
            sentiment_scores=fresh.sentiment_scores,
            flag_reasons=fresh.flag_reasons,
            tagged_at=fresh.tagged_at,
        )
        self._show_tags(self.ticket)

    def show_banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.show()

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (self.editor, self.status_box, self.take_button, self.release_button):
            widget.setEnabled(enabled)
        for button in (self.intent_button, self.sentiment_button):
            button.setEnabled(enabled and self._tagging is not None)

    # -- writing -------------------------------------------------------------------
    def _save_draft(self, text: str) -> None:
        if self.ticket is None:
            return
        ticket_id, agent = self.ticket.id, self.agent
        self._writer.submit(
            lambda: self._drafts.save(ticket_id, agent, text),
            lambda _saved: self._draft_saved(ticket_id),
            lambda error: self.show_banner(self.tr("草稿保存失败：%1").replace("%1", str(error))),
        )

    def _draft_saved(self, ticket_id: int) -> None:
        if ticket_id == self.ticket_id:
            self.editor.mark_saved(self.tr("草稿已自动保存 %1").replace("%1", local_time(utcnow(), with_date=False)))

    def save_draft_now(self) -> None:
        """Synchronous save for shutdown: the last keystrokes must reach the disk."""
        if self.ticket is not None and self.editor.dirty:
            self._drafts.save(self.ticket.id, self.agent, self.editor.text)

    def _send(self, text: str) -> None:
        if self.ticket is None:
            return
        self.editor.flush()  # queued before the send on the same writer thread
        ticket = self.ticket
        agent = self.agent
        self.editor.set_busy(True)
        self._writer.submit(
            lambda: self._tickets.send_reply(ticket.id, agent, text, ticket.version),
            lambda updated: self._sent(updated, text),
            self._write_failed,
        )

    def _sent(self, updated: TicketDetail, text: str) -> None:
        self.editor.set_busy(False)
        if updated.id == self.ticket_id:
            self.show_ticket(updated)
            if self.editor.text == text:
                self.editor.load("", self.tr("已发送"))
        self.message.emit(self.tr("回复已发送：%1").replace("%1", updated.external_id))
        self.ticketChanged.emit(updated.id)

    def _write_failed(self, error: BaseException) -> None:
        self.editor.set_busy(False)
        if isinstance(error, StaleTicketError):
            self.show_banner(self.tr("这个工单刚被其他人更新过，已重新载入。您的回复仍在编辑框里，请确认后再发送。"))
            self.reload()
        else:
            self.show_banner(self.tr("操作失败：%1").replace("%1", str(error)))

    def _on_status_chosen(self, _index: int) -> None:
        if self.ticket is None:
            return
        status = TicketStatus(self.status_box.currentData())
        if status.value == self.ticket.status:
            return
        ticket = self.ticket
        self._writer.submit(
            lambda: self._tickets.set_status(ticket.id, status, ticket.version),
            self._changed,
            self._write_failed,
        )

    def _assign(self, assignee: str | None) -> None:
        if self.ticket is None:
            return
        ticket = self.ticket
        self._writer.submit(
            lambda: self._tickets.assign(ticket.id, assignee, ticket.version),
            self._changed,
            self._write_failed,
        )

    def _changed(self, updated: TicketDetail) -> None:
        if updated.id == self.ticket_id:
            self.show_ticket(updated)
        self.ticketChanged.emit(updated.id)


def _scored(name: str, score: float | None) -> str:
    return f"{name} {score:.2f}" if score is not None else name


def _with_button(label: QLabel, button: QToolButton) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(label, 1)
    layout.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
    return row
