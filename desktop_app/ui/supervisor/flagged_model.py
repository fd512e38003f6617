"""The flagged queue as a Qt table model: how severe each ticket is, why it is flagged, who
holds it, how long the customer has waited. Reasons are stored in Chinese and shown in the
UI's language (``ui.common.reasons``).

Rows arrive ready-made from ``DeskStatsService.flagged_tickets`` (in a worker); a refresh
with the same tickets in the same order only updates the cells, so the selection and the
scroll position survive the desk's periodic refresh.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from desktop_app.domain.ticket_numbers import ticket_number
from desktop_app.domain.vocabulary import TRIGGER_PREFIX
from desktop_app.services.desk_stats import FlaggedTicket
from desktop_app.ui.common import palette
from desktop_app.ui.common.formatting import intent_name, sentiment_name, status_name, waiting_text
from desktop_app.ui.common.reasons import reason_text, reasons_text

TICKET_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
WAIT_WARNING_SECONDS = 3600  # orange after an hour
WAIT_ALARM_SECONDS = 4 * 3600  # red after four
WARNING_COLOUR = palette.WARNING
ALARM_COLOUR = palette.ALARM

Index = QModelIndex | QPersistentModelIndex
_EPOCH = datetime(2000, 1, 1)


def _fill(template: str, *values: str) -> str:
    """``%1``, ``%2`` … in one pass."""
    return re.sub(r"%(\d)", lambda m: values[int(m.group(1)) - 1], template)


def duration_text(seconds: float | None) -> str:
    """``3分钟`` / ``2小时15分`` / ``1天3小时`` (the queue's wording); empty for None."""
    if seconds is None:
        return ""
    return waiting_text(_EPOCH, _EPOCH + timedelta(seconds=max(seconds, 0)))


class FlaggedTableModel(QAbstractTableModel):
    EXTERNAL_ID, SEVERITY, CUSTOMER, REASONS, NEGATIVE, INTENT, TRIGGERS, ASSIGNEE, WAITED, STATUS = range(10)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.headers = (
            self.tr("工单号"),
            self.tr("严重度"),
            self.tr("客户"),
            self.tr("标记原因"),
            self.tr("负面分"),
            self.tr("意图"),
            self.tr("触发词"),
            self.tr("处理人"),
            self.tr("已等待"),
            self.tr("状态"),
        )
        self._rows: list[FlaggedTicket] = []

    # -- contents --------------------------------------------------------------------
    def set_rows(self, rows: list[FlaggedTicket]) -> None:
        if [r.id for r in rows] == [r.id for r in self._rows]:
            self._rows = list(rows)
            if rows:
                self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(self.headers) - 1))
            return
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def ticket(self, row: int) -> FlaggedTicket | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def tickets(self) -> list[FlaggedTicket]:
        return list(self._rows)

    def row_of(self, ticket_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.id == ticket_id), None)

    # -- Qt model --------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        ticket = self.ticket(index.row()) if index.isValid() else None
        if ticket is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(ticket, column)
        if role == TICKET_ID_ROLE:
            return ticket.id
        if role == SORT_ROLE:
            return self._sort_value(ticket, column)
        if role == Qt.ItemDataRole.ToolTipRole and column in (self.REASONS, self.TRIGGERS):
            return "\n".join(reason_text(reason) for reason in ticket.reasons)
        if role == Qt.ItemDataRole.ToolTipRole and column == self.SEVERITY:
            return self.severity_tooltip(ticket)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == self.WAITED and ticket.waited_seconds is not None:
                if ticket.waited_seconds >= WAIT_ALARM_SECONDS:
                    return QBrush(QColor(ALARM_COLOUR))
                if ticket.waited_seconds >= WAIT_WARNING_SECONDS:
                    return QBrush(QColor(WARNING_COLOUR))
            if column == self.NEGATIVE and (ticket.negative_score or 0) >= 0.8:
                return QBrush(QColor(ALARM_COLOUR))
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (self.SEVERITY, self.NEGATIVE, self.WAITED):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def display(self, ticket: FlaggedTicket, column: int) -> str:
        """The text of one cell (what the table shows and the export writes)."""
        if column == self.EXTERNAL_ID:
            return ticket_number(ticket.external_id)
        if column == self.SEVERITY:
            return f"{ticket.severity.score:.0f}"
        if column == self.CUSTOMER:
            return ticket.customer
        if column == self.REASONS:
            return reasons_text(r for r in ticket.reasons if not r.startswith(TRIGGER_PREFIX))
        if column == self.NEGATIVE:
            if ticket.sentiment is None:
                return ""
            if ticket.sentiment_score is None:
                return self.tr("%1（坐席）").replace("%1", sentiment_name(ticket.sentiment))
            return (
                f"{ticket.negative_score:.2f}"
                if ticket.negative_score is not None
                else sentiment_name(ticket.sentiment)
            )
        if column == self.INTENT:
            if ticket.intent is None:
                return ""
            if ticket.intent_score is None:
                return intent_name(ticket.intent)
            return f"{intent_name(ticket.intent)} {ticket.intent_score:.2f}"
        if column == self.TRIGGERS:
            return " ".join(f"「{phrase}」" for phrase in ticket.trigger_phrases)
        if column == self.ASSIGNEE:
            return ticket.assignee or self.tr("未分配")
        if column == self.WAITED:
            return duration_text(ticket.waited_seconds) if ticket.waited_seconds is not None else "—"
        if column == self.STATUS:
            return status_name(ticket.status)
        return ""

    def severity_tooltip(self, ticket: FlaggedTicket) -> str:
        """How the score was made (``services.severity``): each part and its weight."""
        parts = ticket.severity
        words = "".join(f"「{word}」" for word in parts.words)
        lines = [
            self.tr("严重度 %1（满分 100）").replace("%1", f"{parts.score:.0f}"),
            self.tr("负面情绪 %1 × 35").replace("%1", f"{parts.negativity:.2f}"),
            self.tr("投诉意图 %1 × 20").replace("%1", f"{parts.complaint:.2f}"),
            _fill(self.tr("升级词 %1 %2 × 30"), f"{parts.escalation:.2f}", words),
            self.tr("等待 %1 × 15").replace("%1", f"{parts.waiting:.2f}"),
        ]
        return "\n".join(line.replace("  ", " ") for line in lines)

    def _sort_value(self, ticket: FlaggedTicket, column: int) -> object:
        if column == self.SEVERITY:
            return ticket.severity.score
        if column == self.WAITED:
            return ticket.waited_seconds if ticket.waited_seconds is not None else -1
        if column == self.NEGATIVE:
            return ticket.negative_score if ticket.negative_score is not None else -1.0
        return self.display(ticket, column)
