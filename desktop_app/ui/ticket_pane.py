"""The right half of the window: one ticket's conversation, order, tags, controls and reply.

All reads and writes go through the services in workers. Draft saves and sends share a
single-thread writer so they happen in the order the agent caused them: a late autosave
can never resurrect a draft that was just sent.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain import TicketStatus
from desktop_app.services.drafts import DraftService
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

    def __init__(
        self,
        tickets: TicketService,
        drafts: DraftService,
        reader: TaskRunner,
        writer: TaskRunner,
        agent: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._tickets = tickets
        self._drafts = drafts
        self._reader = reader
        self._writer = writer
        self.agent = agent
        self.ticket: TicketDetail | None = None
        self._token = 0

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
        tag_box = QGroupBox(self.tr("智能标签"))
        tag_form = QFormLayout(tag_box)
        tag_form.addRow(self.tr("意图"), self.intent_label)
        tag_form.addRow(self.tr("情绪"), self.sentiment_label)
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

    def _show_tags(self, ticket: TicketDetail) -> None:
        if ticket.intent is None and ticket.sentiment is None:
            untagged = self.tr("未标注（标签模型未安装）")
            self.intent_label.setText(untagged)
            self.sentiment_label.setText("—")
            self.flag_label.setText("—")
            return
        self.intent_label.setText(f"{intent_name(ticket.intent)} {_score(ticket.intent_score)}")
        self.sentiment_label.setText(f"{sentiment_name(ticket.sentiment)} {_score(ticket.sentiment_score)}")
        self.flag_label.setText(self.tr("⚑ 已标记") if ticket.flagged else self.tr("否"))

    def show_banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.show()

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (self.editor, self.status_box, self.take_button, self.release_button):
            widget.setEnabled(enabled)

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


def _score(score: float | None) -> str:
    return f"({score:.2f})" if score is not None else ""
