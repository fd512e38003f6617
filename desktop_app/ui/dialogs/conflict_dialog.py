"""A send that came too late: what arrived meanwhile beside the agent's own reply.

When a colleague (or the customer) added a message after the agent started writing, the
send is refused (the ticket's version moved on). Instead of a banner alone, this view puts
the new messages and the agent's text side by side, so the agent decides: keep their reply
to rework and send, discard it, or copy it elsewhere. Nothing is overwritten silently and
nothing is lost unless the agent says so: closing the dialog keeps the reply.
"""

from __future__ import annotations

import html
from enum import Enum

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.records import MessageRecord
from desktop_app.domain.vocabulary import MessageRole
from desktop_app.ui.common import palette
from desktop_app.ui.common.formatting import local_time


class ConflictChoice(Enum):
    """What the agent chose for their refused reply."""

    KEEP_MINE = "keep"
    DISCARD_MINE = "discard"


class ConflictDialog(QDialog):
    """The messages that arrived while the agent wrote (left) and the agent's reply (right)."""

    def __init__(self, arrived: list[MessageRecord], customer: str, mine: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("回复没有发出：工单有了新消息"))
        self.choice = ConflictChoice.KEEP_MINE
        self._mine = mine

        notice = QLabel(
            self.tr("在你发送之前，这个工单有了 %n 条新消息，你的回复没有发出。请对照后决定怎么处理你的回复。", "", len(arrived))
        )
        notice.setWordWrap(True)
        notice.setObjectName("conflictNotice")

        self.arrived_view = QTextBrowser()
        self.arrived_view.setOpenLinks(False)
        self.arrived_view.setHtml(_messages_html(arrived, customer, self.tr("客户")))
        theirs = QGroupBox(self.tr("新消息"))
        QVBoxLayout(theirs).addWidget(self.arrived_view)

        self.mine_view = QPlainTextEdit(mine)
        self.mine_view.setReadOnly(True)
        own = QGroupBox(self.tr("你的回复"))
        QVBoxLayout(own).addWidget(self.mine_view)

        side_by_side = QHBoxLayout()
        side_by_side.addWidget(theirs, 1)
        side_by_side.addWidget(own, 1)

        self.keep_button = QPushButton(self.tr("保留我的回复"))
        self.keep_button.setToolTip(self.tr("回复留在编辑框里，修改后再发送"))
        self.keep_button.setDefault(True)
        self.discard_button = QPushButton(self.tr("放弃我的回复"))
        self.discard_button.setToolTip(self.tr("清空编辑框并删除这条草稿"))
        self.copy_button = QPushButton(self.tr("复制我的回复"))
        self.copy_button.setToolTip(self.tr("复制到剪贴板，对话框保持打开"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addStretch(1)
        buttons.addWidget(self.discard_button)
        buttons.addWidget(self.keep_button)

        layout = QVBoxLayout(self)
        layout.addWidget(notice)
        layout.addLayout(side_by_side, 1)
        layout.addLayout(buttons)
        self.resize(760, 420)

        self.keep_button.clicked.connect(lambda: self._choose(ConflictChoice.KEEP_MINE))
        self.discard_button.clicked.connect(lambda: self._choose(ConflictChoice.DISCARD_MINE))
        self.copy_button.clicked.connect(self.copy_mine)

    def copy_mine(self) -> None:
        """Put the agent's reply on the clipboard; the dialog stays, the choice is still theirs."""
        QGuiApplication.clipboard().setText(self._mine)
        self.copy_button.setText(self.tr("已复制"))

    def _choose(self, choice: ConflictChoice) -> None:
        self.choice = choice
        self.accept()

    def reject(self) -> None:
        """Esc or the window's close button: keep the reply (the choice that loses nothing)."""
        self.choice = ConflictChoice.KEEP_MINE
        super().reject()


def _messages_html(messages: list[MessageRecord], customer: str, customer_word: str) -> str:
    parts = []
    for message in messages:
        who = message.author or (customer or customer_word if message.role == MessageRole.CUSTOMER.value else "")
        parts.append(
            f"<p><b>{html.escape(who)}</b> <span style='color:{palette.TEXT_MUTED}'>{local_time(message.created_at)}</span><br>"
            f"{html.escape(message.text).replace(chr(10), '<br>')}</p>"
        )
    return "".join(parts)
