"""The right half of the window: one ticket's conversation, order, tags, controls and reply.

All reads and writes go through the services in workers. Draft saves and sends share a
single-thread writer so they happen in the order the agent caused them: a late autosave
can never resurrect a draft that was just sent.

Versioned edits (reply, status, assignee, tag correction) take the ticket's version when
they run on the writer, not when they were clicked: each one records the version it
produced, so two quick actions by the same agent build on each other instead of the
second failing as stale. A change by someone else still makes them stale, as it should.
"""

from __future__ import annotations

import html
import logging
import re
import threading
from collections.abc import Callable
from dataclasses import replace
from enum import Enum

from PySide6.QtCore import QLocale, Qt, Signal
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

from desktop_app.domain.changes import Change, ChangeKind
from desktop_app.domain.clock import utcnow
from desktop_app.domain.records import TicketDetail
from desktop_app.domain.ticket_numbers import ticket_number
from desktop_app.domain.vocabulary import INTENTS, SENTIMENTS, UNHANDLED_STATUSES, TicketStatus
from desktop_app.services.access import PermissionDenied, User
from desktop_app.services.claims import ClaimService, TicketHeldError
from desktop_app.services.drafts import DraftService
from desktop_app.services.presence import PresenceService
from desktop_app.services.supervision import RevealedTicket, SupervisionService
from desktop_app.services.tagging import FlagExplanation, TaggingService
from desktop_app.services.tickets import OpenedTicket, StaleTicketError, TicketNotFound, TicketService
from desktop_app.ui.common import palette
from desktop_app.ui.common.banner import Banner, Tone
from desktop_app.ui.common.elided_label import ElidedLabel
from desktop_app.ui.common.formatting import intent_name, local_time, sentiment_name, status_name, waiting_text
from desktop_app.ui.common.reasons import has_trigger_words, reasons_text
from desktop_app.ui.common.workers import TaskRunner
from desktop_app.ui.dialogs.conflict_dialog import ConflictChoice, ConflictDialog
from desktop_app.ui.dialogs.reveal_dialog import RevealDialog
from desktop_app.ui.drafting.draft_bar import DraftBar
from desktop_app.ui.drafting.draft_controller import DraftController
from desktop_app.ui.drafting.draft_presenter import DraftPresenter
from desktop_app.ui.drafting.reply_editor import ReplyEditor
from desktop_app.ui.workstation.presence_indicator import PresenceIndicator

log = logging.getLogger(__name__)

_BUBBLE = (
    '<table width="100%" cellspacing="0" cellpadding="0" style="margin-bottom:8px"><tr>'
    '<td align="{align}"><div style="color:{muted};font-size:small">{who} · {when}</div>'
    '<div style="background:{colour};padding:6px 9px;">{text}</div></td></tr></table>'
)


def conversation_html(ticket: TicketDetail) -> str:
    parts = []
    for message in ticket.messages:
        customer = message.role == "customer"
        parts.append(
            _BUBBLE.format(
                align="left" if customer else "right",
                muted=palette.TEXT_MUTED,
                colour=palette.CUSTOMER_BUBBLE if customer else palette.AGENT_BUBBLE,
                who=html.escape(message.author or (ticket.customer if customer else "")),
                when=local_time(message.created_at),
                text=html.escape(message.text).replace("\n", "<br>"),
            )
        )
    return "".join(parts)


class TaggerState(Enum):
    """Where the tagger is, as an untagged ticket explains it."""

    LOADING = "loading"
    READY = "ready"
    DISABLED = "disabled"


class PaneEdit(Enum):
    """The versioned edits the pane makes, as named to the failure handler."""

    SEND = "send"
    STATUS = "status"
    ASSIGN = "assign"
    CORRECT = "correct"


class VersionBook:
    """The newest version of each ticket that this pane knows of, shared with the writer thread.

    A writer job reads the version when it runs and records the version its edit produced
    before it returns, so the next queued edit starts from it. Fresh reads record theirs
    too. Versions only grow in the store, so an older answer arriving late never lowers it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._versions: dict[int, int] = {}

    def get(self, ticket_id: int, default: int) -> int:
        with self._lock:
            return self._versions.get(ticket_id, default)

    def record(self, ticket_id: int, version: int) -> None:
        with self._lock:
            if version > self._versions.get(ticket_id, version - 1):
                self._versions[ticket_id] = version


class FinalSave:
    """The outcome of the draft save queued when the window closes (set on the writer thread)."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.error: BaseException | None = None


def _fill(template: str, *values: object) -> str:
    """Put ``values`` into ``%1``, ``%2``… in one pass (a value may itself contain ``%2``)."""
    return re.sub(r"%(\d)", lambda m: str(values[int(m.group(1)) - 1]), template)


class TicketPane(QWidget):
    ticketChanged = Signal(int)  # the ticket's row in the queue should be re-read
    leaveRequested = Signal()
    message = Signal(str)  # for the status bar
    corrected = Signal(int, str, str)  # ticket id, task, label: an agent's correction was stored
    explained = Signal(int)  # the trigger words of this flagged ticket were looked for (and stored if found)
    claimed = Signal(int)  # 领取 claimed this ticket: its lease is renewed while it stays open

    # Kept as class attributes so callers say ``TicketPane.TAGGER_READY`` / ``pane.SEND``.
    TAGGER_LOADING, TAGGER_READY, TAGGER_DISABLED = TaggerState.LOADING, TaggerState.READY, TaggerState.DISABLED
    SEND, STATUS, ASSIGN, CORRECT = PaneEdit.SEND, PaneEdit.STATUS, PaneEdit.ASSIGN, PaneEdit.CORRECT

    def __init__(
        self,
        tickets: TicketService,
        drafts: DraftService,
        reader: TaskRunner,
        writer: TaskRunner,
        agent: str,
        parent: QWidget | None = None,
        tagging: TaggingService | None = None,
        user: User | None = None,
        drafting: DraftController | None = None,
        supervision: SupervisionService | None = None,
        explainer: TaskRunner | None = None,
        presence: PresenceService | None = None,
        claims: ClaimService | None = None,
    ) -> None:
        """``user`` (the signed-in person) is passed to the services as the actor, so their
        role rules apply; without one every change is refused (None is nobody).
        ``drafting`` puts AI drafts into the reply box (see ``draft_presenter``).
        ``explainer`` runs the model for a flagged ticket's trigger words (the window passes
        its tagging runner, so they take turns with batch tagging); default: a runner of its own.
        ``presence`` shows which colleagues have the open ticket on screen too.
        ``claims`` makes 领取 on an unhandled ticket a leased claim (without it: a plain assignment)."""
        super().__init__(parent)
        self._explainer = explainer or TaskRunner(max_threads=1, parent=self)
        self._explain_asked: set[tuple[int, object, tuple[str, ...]]] = set()
        self._tickets = tickets
        self._claims = claims
        self.user = user
        self._supervision = supervision
        self.reveal_dialog: RevealDialog | None = None
        self._drafts = drafts
        self._tagging = tagging
        self._reader = reader
        self._writer = writer
        self.agent = agent
        self.ticket: TicketDetail | None = None
        self._token = 0
        self._versions = VersionBook()
        self._messages_seen: tuple[int, int] = (0, 0)  # (ticket id, messages) as of the remembered version
        self.conflict_dialog: ConflictDialog | None = None
        self.tagger_state = self.TAGGER_LOADING

        self.title = ElidedLabel(self.tr("请选择左侧的工单"))
        self.title.setObjectName("ticketTitle")
        self.title.setStyleSheet("font-size: 15px; font-weight: 600;")
        self.banner = Banner(Tone.WARNING, object_name="ticketBanner")

        self.order_id = ElidedLabel()  # an 18-digit order number must not widen a narrow window
        self.product = QLabel()
        self.created = QLabel()
        self.waiting = QLabel()
        for label in (self.order_id, self.product):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.product.setWordWrap(True)
        self.order_box = order_box = QGroupBox(self.tr("订单信息"))
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
        self.tag_box = tag_box = QGroupBox(self.tr("智能标签"))
        tag_form = QFormLayout(tag_box)
        tag_form.addRow(self.tr("意图"), _with_button(self.intent_label, self.intent_button))
        tag_form.addRow(self.tr("情绪"), _with_button(self.sentiment_label, self.sentiment_button))
        tag_form.addRow(self.tr("主管关注"), self.flag_label)

        self.status_box = QComboBox()
        for status in TicketStatus:
            self.status_box.addItem(status_name(status.value), status.value)
        # As wide as its longest status when there is room; gives way (eliding) on a narrow window.
        self.status_box.setMinimumWidth(72)
        self.assignee_label = ElidedLabel()
        self.take_button = QPushButton(self.tr("领取"))
        self.take_button.setToolTip(self.tr("把工单分配给我"))
        self.release_button = QPushButton(self.tr("释放"))
        self.release_button.setToolTip(self.tr("取消分配，放回公共队列"))
        for button in (self.take_button, self.release_button):
            # As narrow as their words (a style's usual 80 px minimum does not fit a small laptop).
            button.setMinimumWidth(button.fontMetrics().horizontalAdvance(button.text()) + 20)
        controls = QHBoxLayout()
        controls.addWidget(QLabel(self.tr("状态")))
        controls.addWidget(self.status_box)
        controls.addSpacing(8)
        controls.addWidget(QLabel(self.tr("处理人")))
        controls.addWidget(self.assignee_label)
        controls.addWidget(self.take_button)
        controls.addWidget(self.release_button)
        controls.addStretch(1)
        self.reveal_button = QPushButton(self.tr("显示原文"))
        self.reveal_button.setToolTip(self.tr("查看未脱敏的原始内容（仅主管；每次查看都记入审计日志）"))
        self.reveal_button.setVisible(user is not None and user.is_supervisor and supervision is not None)
        controls.addWidget(self.reveal_button)

        side = QHBoxLayout()
        side.addWidget(order_box, 1)
        side.addWidget(tag_box, 1)  # as wide as the order: the top intents need the room

        self.conversation = QTextBrowser()
        self.conversation.setOpenLinks(False)
        self.editor = ReplyEditor()
        self.draft_bar = DraftBar()
        reply_box = QWidget()
        reply_layout = QVBoxLayout(reply_box)
        reply_layout.setContentsMargins(0, 0, 0, 0)
        reply_layout.setSpacing(2)
        reply_layout.addWidget(self.draft_bar)
        reply_layout.addWidget(self.editor, 1)
        self.drafts: DraftPresenter | None = None
        if drafting is not None:
            self.drafts = DraftPresenter(
                drafting, self.editor, self.draft_bar, writer, agent, lambda: self.ticket_id, parent=self, reader=reader
            )
            self.drafts.message.connect(self.message)
            self.drafts.draftAccepted.connect(self._accept_draft)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.conversation)
        splitter.addWidget(reply_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title_row = QHBoxLayout()
        title_row.addWidget(self.title, 1)
        self.presence: PresenceIndicator | None = None
        if presence is not None:
            self.presence = PresenceIndicator(presence, user, reader, writer, parent=self)
            title_row.addWidget(self.presence.label)
        layout.addLayout(title_row)
        layout.addWidget(self.banner)
        layout.addLayout(side)
        layout.addLayout(controls)
        layout.addWidget(splitter, 1)

        self.editor.autosaveDue.connect(self._save_draft)
        self.editor.sendRequested.connect(self._send)
        self.editor.leaveRequested.connect(self.leaveRequested)
        self.status_box.activated.connect(self._on_status_chosen)
        self.take_button.clicked.connect(self._take)
        self.release_button.clicked.connect(lambda: self._assign(None))
        self.reveal_button.clicked.connect(self.reveal)
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
        if self.drafts is not None:
            self.drafts.closing()  # tokens of the ticket being left never reach the editor
        self._token += 1
        token = self._token
        agent = self.agent
        self._reader.submit(
            # A stored AI draft older than the newest message is dropped, never shown (and redrafted).
            lambda: self._tickets.open(ticket_id, agent, drop_stale_draft=True),
            lambda opened: self._show_opened(token, opened),
            lambda error: self._show_error(token, error),
        )

    def reload(self) -> None:
        """Re-read the open ticket (after a conflict), keeping the editor's text.

        A newer ``open_ticket`` wins: the answer is dropped if another ticket was asked for
        (or is shown) meanwhile, and asking for this one does not cancel that open.
        """
        if self.ticket is None:
            return
        token, ticket_id, agent = self._token, self.ticket.id, self.agent
        self._reader.submit(
            lambda: self._tickets.open(ticket_id, agent),
            lambda opened: self._reloaded(token, opened),
            lambda error: log.warning("re-reading ticket %s failed", ticket_id, exc_info=error),
        )

    def _reloaded(self, token: int, opened: OpenedTicket) -> None:
        if token == self._token and opened.ticket.id == self.ticket_id:
            self.show_ticket(opened.ticket)

    def _show_opened(self, token: int, opened: OpenedTicket) -> None:
        if token != self._token:
            return
        # Text typed since open_ticket() flushed belongs to the ticket still shown: save it
        # (the pane still points at that ticket) before the new draft replaces it.
        self.editor.flush()
        self.banner.hide()
        self.show_ticket(opened.ticket)
        if self.presence is not None:
            self.presence.opened(opened.ticket.id)
        if opened.draft is not None:
            note = self.tr("已恢复 %1 保存的草稿").replace("%1", local_time(opened.draft.updated_at))
            self.editor.load(opened.draft.body, note)
        else:
            self.editor.load("")
        if self.drafts is not None:
            self.drafts.opened(opened.ticket.id, opened.draft)

    def _show_error(self, token: int, error: BaseException) -> None:
        if token != self._token:
            return
        if isinstance(error, TicketNotFound):
            self.show_banner(self.tr("这个工单已不存在，可能已被删除。"))
        else:
            log.error("opening a ticket failed", exc_info=error)
            self.show_banner(self.tr("无法打开工单，请稍后重试（详情已写入日志）。"))

    def show_ticket(self, ticket: TicketDetail, remember_version: bool = True) -> None:
        """Show ``ticket``, a fresh read or the answer to an edit (its version is remembered,
        unless it only came because someone else changed the ticket: see ``show_changes``)."""
        self.ticket = ticket
        if remember_version:
            self._versions.record(ticket.id, ticket.version)
            # The conversation the agent's reply answers: messages after these arrived meanwhile.
            self._messages_seen = (ticket.id, len(ticket.messages))
        self._set_enabled(True)
        customer = ticket.customer or self.tr("匿名客户")
        self.title.setText(f"{customer} · {ticket.channel} · {ticket_number(ticket.external_id)}")
        self.order_id.setText(ticket.order_id or "—")
        self.product.setText(ticket.product or "—")
        self.created.setText(local_time(ticket.created_at))
        self.waiting.setText(waiting_text(ticket.waiting_since, utcnow()) or "—")
        self._show_tags(ticket)
        self.status_box.setCurrentIndex(max(self.status_box.findData(ticket.status), 0))
        self.assignee_label.setText(ticket.assignee or self.tr("未分配"))
        holder = ticket.claim_holder(utcnow())  # a colleague's live claim ("next ticket"): say who
        if holder and holder != self.agent:
            self.assignee_label.setText(self.tr("%1 正在处理").replace("%1", holder))
        self.take_button.setEnabled(ticket.assignee != self.agent)
        self.release_button.setEnabled(ticket.assignee is not None)
        self.reveal_button.setEnabled(True)
        self.conversation.setHtml(conversation_html(ticket))
        scrollbar = self.conversation.verticalScrollBar()
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

    def set_tagger_state(self, state: TaggerState) -> None:
        """What an untagged ticket says about itself: waiting for the model, queued, or tags off."""
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
            reasons = reasons_text(ticket.flag_reasons)  # the stored Chinese, in the UI's language
            self.flag_label.setText(self.tr("⚑ 已标记：%1").replace("%1", reasons) if reasons else self.tr("⚑ 已标记"))
            self.flag_label.setStyleSheet(f"color:{palette.ALARM};")
        else:
            self.flag_label.setText(self.tr("否") if ticket.tagged else "—")
            self.flag_label.setStyleSheet("")
        for menu, current in ((self.intent_menu, ticket.intent), (self.sentiment_menu, ticket.sentiment)):
            for action in menu.actions():
                action.setChecked(action.data() == current)
        self._explain_if_needed(ticket)

    def _explain_if_needed(self, ticket: TicketDetail) -> None:
        """A flagged ticket on screen without trigger words: find them in a worker (once per
        tagging of the ticket); batch tagging leaves them out because they cost a model run."""
        tagging = self._tagging
        if tagging is None or tagging.tagger is None or not ticket.flagged or has_trigger_words(ticket.flag_reasons):
            return
        key = (ticket.id, ticket.tagged_at, tuple(ticket.flag_reasons))
        if key in self._explain_asked:
            return
        self._explain_asked.add(key)
        ticket_id = ticket.id
        self._explainer.submit(
            lambda: tagging.explain(ticket_id),
            self._explanation_found,
            lambda error: self._explanation_failed(ticket_id, error),
        )

    def _explanation_found(self, found: FlagExplanation) -> None:
        if found.trigger and self.ticket is not None and self.ticket.id == found.ticket_id and self.ticket.flagged:
            self.ticket = replace(self.ticket, flag_reasons=found.reasons)
            self._show_tags(self.ticket)
        self.explained.emit(found.ticket_id)

    def _explanation_failed(self, ticket_id: int, error: BaseException) -> None:
        log.warning("finding the trigger words of ticket %s failed", ticket_id, exc_info=error)
        self.explained.emit(ticket_id)

    def correct(self, task: str, label: str) -> None:
        """Store the agent's ``label`` for ``task`` (a versioned edit, queued with the other writes)."""
        if self.ticket is None or self._tagging is None:
            return
        if getattr(self.ticket, task) == label and getattr(self.ticket, f"{task}_score") is None:
            return  # the agent already said so
        ticket_id, tagging, actor = self.ticket.id, self._tagging, self.user
        self._write(
            self.CORRECT,
            lambda version: tagging.correct(ticket_id, task, label, version, actor=actor),
            lambda updated: self._corrected(updated, task, label),
        )

    def _corrected(self, updated: TicketDetail, task: str, label: str) -> None:
        self._changed(updated)
        name = intent_name(label) if task == "intent" else sentiment_name(label)
        self.message.emit(self.tr("已更正为「%1」，感谢反馈").replace("%1", name))
        self.corrected.emit(updated.id, task, label)

    def show_changes(self, changes: list[Change]) -> None:
        """The change bus says tickets changed: re-read the open one if it is among them.

        Drafts are each agent's own and do not change what the pane shows. New tags only
        refresh the tags. Anything else re-reads the whole ticket, but the version the
        agent's edits start from stays the one they last worked from: a reply typed against
        the old conversation is still refused as stale (the conflict path), never sent over
        a colleague's reply that arrived a second ago.
        """
        if self.ticket is None:
            return
        ticket_id = self.ticket.id
        kinds = {c.change for c in changes if c.ticket_id == ticket_id and c.change != ChangeKind.DRAFT}
        if ChangeKind.PRESENCE in kinds:
            kinds.discard(ChangeKind.PRESENCE)  # someone came or went: only the names change
            if self.presence is not None:
                self.presence.refresh()
        if not kinds:
            return
        if kinds == {ChangeKind.TAGS}:
            self.refresh_tags([ticket_id])
            return
        token, agent = self._token, self.agent
        self._reader.submit(
            lambda: self._tickets.open(ticket_id, agent).ticket,
            lambda fresh: self._changed_elsewhere(token, fresh),
            lambda error: log.warning("re-reading changed ticket %s failed", ticket_id, exc_info=error),
        )

    def _changed_elsewhere(self, token: int, fresh: TicketDetail) -> None:
        if token == self._token and fresh.id == self.ticket_id and not self._older_than_shown(fresh):
            self.show_ticket(fresh, remember_version=False)

    def _older_than_shown(self, fresh: TicketDetail) -> bool:
        """A read that started before the agent's own write came back after it (the reader and
        the writer are separate workers): showing it would undo the agent's correction on screen."""
        return self.ticket is not None and fresh.version < self.ticket.version

    def refresh_tags(self, ticket_ids: list[int]) -> None:
        """The tagger stored tags for ``ticket_ids``: re-read the open ticket's if it is one of them."""
        if self.ticket is None or self.ticket.id not in ticket_ids:
            return
        ticket_id, agent = self.ticket.id, self.agent
        self._reader.submit(
            lambda: self._tickets.open(ticket_id, agent).ticket,
            self._tags_refreshed,
            lambda error: log.warning("re-reading the tags of ticket %s failed", ticket_id, exc_info=error),
        )

    def _tags_refreshed(self, fresh: TicketDetail) -> None:
        if self.ticket is None or fresh.id != self.ticket.id or self._older_than_shown(fresh):
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
        for widget in (self.editor, self.status_box, self.take_button, self.release_button, self.reveal_button):
            widget.setEnabled(enabled)
        for button in (self.intent_button, self.sentiment_button):
            button.setEnabled(enabled and self._tagging is not None)

    # -- writing -------------------------------------------------------------------
    def _accept_draft(self, ticket_id: int) -> None:
        """Tab took the AI draft: stored, so that it reopens as the agent's text (queued with the saves)."""
        actor = self.user
        self._writer.submit(
            lambda: self._drafts.accept(ticket_id, actor=actor),
            None,
            lambda error: log.warning("storing the acceptance of ticket %s's draft failed", ticket_id, exc_info=error),
        )

    def _save_draft(self, text: str) -> None:
        if self.ticket is None:
            return
        ticket_id, actor = self.ticket.id, self.user
        label = self.ticket.external_id
        self._writer.submit(
            lambda: self._drafts.save(ticket_id, text, actor=actor),
            lambda _saved: self._draft_saved(ticket_id),
            lambda error: self._draft_failed(ticket_id, label, error),
        )

    def _draft_saved(self, ticket_id: int) -> None:
        if ticket_id == self.ticket_id:
            self.editor.mark_saved(self.tr("草稿已自动保存 %1").replace("%1", local_time(utcnow(), with_date=False)))

    def _draft_failed(self, ticket_id: int, label: str, error: BaseException) -> None:
        log.error("saving the draft of ticket %s failed", ticket_id, exc_info=error)
        if ticket_id == self.ticket_id:
            self.editor.mark_unsaved()  # the next heartbeat (or closing the window) tries again
            self.show_banner(self.tr("草稿没有保存成功，稍后会自动重试（详情已写入日志）。"))
        else:
            self.show_banner(self.tr("工单 %1 的草稿没有保存成功（详情已写入日志）。").replace("%1", label))

    def save_draft_for_close(self) -> FinalSave | None:
        """Queue the last keystrokes on the writer (closing the window): after everything
        already queued, without the GUI thread waiting on the database. None when nothing
        is unsaved; otherwise the returned ``FinalSave`` says when it is done and how."""
        if self.ticket is None or not self.editor.dirty:
            return None
        ticket_id, actor, text, drafts = self.ticket.id, self.user, self.editor.text, self._drafts
        self.editor.mark_clean()
        final = FinalSave()

        def job() -> None:
            try:
                drafts.save(ticket_id, text, actor=actor)
            except BaseException as exc:  # noqa: BLE001 - told to the window, which tells the agent
                log.error("saving the draft of ticket %s on close failed", ticket_id, exc_info=exc)
                final.error = exc
            finally:
                final.done.set()

        self._writer.submit(job)
        return final

    def _write(
        self,
        action: PaneEdit,
        edit: Callable[[int], TicketDetail],
        on_done: Callable[[TicketDetail], None],
    ) -> None:
        """Queue ``edit(version)`` for the open ticket on the writer.

        The version is read when the job runs, and the job records the version it produced
        before returning, so the next queued edit (the same agent's second quick action)
        starts from it rather than from what was on screen when it was clicked.
        """
        assert self.ticket is not None
        versions = self._versions
        ticket_id, shown_version, label = self.ticket.id, self.ticket.version, self.ticket.external_id

        def job() -> TicketDetail:
            updated = edit(versions.get(ticket_id, shown_version))
            versions.record(updated.id, updated.version)
            return updated

        self._writer.submit(job, on_done, lambda error: self._write_failed(ticket_id, label, action, error))

    def _send(self, text: str) -> None:
        if self.ticket is None:
            return
        if self.drafts is not None:
            self.drafts.sending()
        self.editor.flush()  # queued before the send on the same writer thread
        ticket_id, actor = self.ticket.id, self.user
        self.editor.set_busy(True)
        self._write(
            self.SEND,
            lambda version: self._tickets.send_reply(ticket_id, text, version, actor=actor),
            lambda updated: self._sent(updated, text),
        )

    def _sent(self, updated: TicketDetail, text: str) -> None:
        self.editor.set_busy(False)
        if updated.id == self.ticket_id:
            self.show_ticket(updated)
            if self.editor.text == text:
                self.editor.load("", self.tr("已发送"))
                if self.drafts is not None:
                    self.drafts.sent()
        self.message.emit(self.tr("回复已发送：%1").replace("%1", updated.external_id))
        self.ticketChanged.emit(updated.id)

    def _failed_action_text(self, action: PaneEdit) -> str:
        return {
            self.SEND: self.tr("回复没有发出"),
            self.STATUS: self.tr("状态没有改成功"),
            self.ASSIGN: self.tr("处理人没有改成功"),
            self.CORRECT: self.tr("标签更正没有保存"),
        }[action]

    def _write_failed(self, ticket_id: int, label: str, action: PaneEdit, error: BaseException) -> None:
        """An edit of ticket ``ticket_id`` (``label`` on screen) failed: say which, and why in words.

        Only a conflict reloads, and only if that ticket is still the open one. What the
        database said goes to the log, not to the agent.
        """
        if action == self.SEND:
            self.editor.set_busy(False)
        still_open = ticket_id == self.ticket_id
        what = self._failed_action_text(action)
        if isinstance(error, StaleTicketError) and still_open and action == self.SEND:
            log.info("sending on ticket %s was stale: %s", ticket_id, error)
            self.show_banner(self.tr("这个工单刚被其他人更新过，回复没有发出。您的回复仍在编辑框里。"))
            self._compare_after_refused_send(ticket_id)
            return
        if isinstance(error, StaleTicketError):
            log.info("%s on ticket %s was stale: %s", action, ticket_id, error)
            if still_open:
                text = self.tr("这个工单刚被其他人更新过，%1，已重新载入最新内容。").replace("%1", what)
                if action == self.SEND:
                    text += self.tr("您的回复仍在编辑框里，请确认后再发送。")
                else:
                    text += self.tr("请确认后再试一次。")
                self.reload()
            else:
                text = _fill(self.tr("工单 %1 刚被其他人更新过，%2。"), label, what)
                if action == self.SEND:
                    text += self.tr("回复仍保存在该工单的草稿里，请回到该工单确认后再发送。")
        elif isinstance(error, TicketHeldError):
            log.info("%s on ticket %s refused: %s", action, ticket_id, error)
            text = _fill(self.tr("%1 正在处理工单 %2，领取没有成功。"), error.holder, label)
            if still_open:
                self.reload()
        elif isinstance(error, TicketNotFound):
            log.warning("%s on ticket %s: %s", action, ticket_id, error)
            text = _fill(self.tr("工单 %1 已不存在，%2。"), label, what)
        elif isinstance(error, PermissionDenied):
            log.info("%s on ticket %s refused: %s", action, ticket_id, error)
            text = _fill(self.tr("%1：%2"), what, _permission_text(error))
            if still_open and self.ticket is not None:
                self.show_ticket(self.ticket)
        else:
            log.error("%s on ticket %s failed", action, ticket_id, exc_info=error)
            if still_open:
                text = self.tr("%1，请稍后重试（详情已写入日志）。").replace("%1", what)
                if action == self.SEND:
                    text += self.tr("您的回复仍在编辑框里。")
                elif self.ticket is not None:
                    self.show_ticket(self.ticket)  # the status box or tag menu shows what was not stored
            else:
                text = _fill(self.tr("工单 %1：%2，请稍后重试（详情已写入日志）。"), label, what)
        self.show_banner(text)

    def _compare_after_refused_send(self, ticket_id: int) -> None:
        """Re-read the ticket whose send was refused as stale; if messages arrived meanwhile,
        show them beside the agent's reply (the conflict view), else just reload."""
        token, agent, (seen_id, seen) = self._token, self.agent, self._messages_seen
        seen = seen if seen_id == ticket_id else 0
        self._reader.submit(
            lambda: self._tickets.open(ticket_id, agent).ticket,
            lambda fresh: self._show_conflict(token, fresh, seen),
            lambda error: log.warning("re-reading ticket %s after a refused send failed", ticket_id, exc_info=error),
        )

    def _show_conflict(self, token: int, fresh: TicketDetail, seen: int) -> None:
        if token != self._token or fresh.id != self.ticket_id:
            return
        self.show_ticket(fresh)  # the next send starts from this version
        arrived = fresh.messages[seen:]
        if not arrived:
            self.show_banner(self.tr("这个工单刚被其他人更新过（没有新消息），回复没有发出。您的回复仍在编辑框里，请确认后再发送。"))
            return
        dialog = ConflictDialog(arrived, fresh.customer, self.editor.text, self)
        dialog.finished.connect(lambda _result: self._conflict_decided(fresh.id, dialog.choice))
        dialog.finished.connect(dialog.deleteLater)  # after the choice is read: one dialog per refused send
        self.conflict_dialog = dialog
        dialog.open()

    def _conflict_decided(self, ticket_id: int, choice: ConflictChoice) -> None:
        self.conflict_dialog = None
        if ticket_id != self.ticket_id:
            return
        if choice is ConflictChoice.DISCARD_MINE:
            self.editor.load("", self.tr("已放弃你的回复"))
            actor, drafts, label = self.user, self._drafts, self.ticket.external_id if self.ticket else ""
            self._writer.submit(  # an emptied draft is removed from the store
                lambda: drafts.save(ticket_id, "", actor=actor),
                None,
                lambda error: self._draft_failed(ticket_id, label, error),
            )
            self.banner.hide()
            return
        self.show_banner(self.tr("您的回复仍在编辑框里：已对照新消息，修改后再发送。"))
        self.editor.text_edit.setFocus()

    def _on_status_chosen(self, _index: int) -> None:
        if self.ticket is None:
            return
        status = TicketStatus(self.status_box.currentData())
        if status.value == self.ticket.status:
            return
        ticket_id, actor = self.ticket.id, self.user
        self._write(
            self.STATUS,
            lambda version: self._tickets.set_status(ticket_id, status, version, actor=actor),
            self._changed,
        )

    def _take(self) -> None:
        """领取: an unhandled ticket is claimed with a lease (no colleague can take it while
        it is open here, and a crashed client frees it); any other is assigned to me."""
        if self.ticket is None:
            return
        claims = self._claims
        if claims is None or TicketStatus(self.ticket.status) not in UNHANDLED_STATUSES:
            self._assign(self.agent)
            return
        ticket_id, actor = self.ticket.id, self.user
        self._write(
            self.ASSIGN,
            lambda version: claims.claim(actor, ticket_id, version),
            self._took,
        )

    def _took(self, updated: TicketDetail) -> None:
        self.claimed.emit(updated.id)
        self._changed(updated)

    def _assign(self, assignee: str | None) -> None:
        if self.ticket is None:
            return
        ticket_id, actor = self.ticket.id, self.user
        self._write(
            self.ASSIGN,
            lambda version: self._tickets.assign(ticket_id, assignee, version, actor=actor),
            self._changed,
        )

    # -- supervisor --------------------------------------------------------------------
    def reveal(self) -> None:
        """Supervisors: read the open ticket's original text (audited by the service)."""
        if self.ticket is None or self._supervision is None:
            return
        ticket_id, actor, supervision = self.ticket.id, self.user, self._supervision
        self.reveal_button.setEnabled(False)
        self._reader.submit(
            lambda: supervision.reveal_ticket(actor, ticket_id),
            self._show_revealed,
            self._reveal_failed,
        )

    def _show_revealed(self, revealed: RevealedTicket) -> None:
        self.reveal_button.setEnabled(self.ticket is not None)
        notice = _fill(
            self.tr("以下为未脱敏的原始内容。本次查看已记入审计日志（%1，%2）。请勿截图或外传。"),
            revealed.revealed_by,
            local_time(revealed.revealed_at),
        )
        title = self.tr("原文：%1").replace("%1", revealed.ticket.external_id)
        if self.reveal_dialog is not None:
            self.reveal_dialog.close()
        self.reveal_dialog = RevealDialog(title, conversation_html(revealed.ticket), notice, self)
        self.reveal_dialog.destroyed.connect(self._reveal_dialog_gone)
        self.reveal_dialog.show()

    def _reveal_dialog_gone(self) -> None:
        self.reveal_dialog = None

    def _reveal_failed(self, error: BaseException) -> None:
        self.reveal_button.setEnabled(self.ticket is not None)
        if isinstance(error, PermissionDenied):
            self.show_banner(_permission_text(error))
        else:
            log.error("revealing a ticket failed", exc_info=error)
            self.show_banner(self.tr("无法显示原文，请稍后重试（详情已写入日志）。"))

    def _changed(self, updated: TicketDetail) -> None:
        if updated.id == self.ticket_id:
            self.show_ticket(updated)
        self.ticketChanged.emit(updated.id)


def _permission_text(error: PermissionDenied) -> str:
    """The service's message is Chinese, `` / ``, English: the half of the UI's language."""
    chinese, _, english = str(error).partition(" / ")
    return english if english and QLocale().language() == QLocale.Language.English else chinese


def _scored(name: str, score: float | None) -> str:
    return f"{name} {score:.2f}" if score is not None else name


def _with_button(label: QLabel, button: QToolButton) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(label, 1)
    layout.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
    return row
