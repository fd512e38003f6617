"""The small dialogs of the desk's actions."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from desktop_app.services.desk_stats import FlaggedTicket

UNASSIGN = "\x00unassign"  # the combobox's data for "nobody"


class ReassignDialog(QDialog):
    """Pick the agent (one of the known ones, or a typed name, or nobody) and say why."""

    def __init__(self, ticket: FlaggedTicket, agents: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("转派工单"))
        self.agent = QComboBox()
        self.agent.setEditable(True)
        self.agent.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for name in agents:
            if name != ticket.assignee:
                self.agent.addItem(name, name)
        if ticket.assignee is not None:
            self.agent.addItem(self.tr("（取消分配）"), UNASSIGN)
        self.agent.setCurrentIndex(0 if self.agent.count() else -1)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("例如：客户要求换人、坐席下班"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        holder = ticket.assignee or self.tr("未分配")
        form = QFormLayout(self)
        form.addRow(QLabel(self.tr("工单 %1，当前处理人：%2").replace("%1", ticket.external_id).replace("%2", holder)))
        form.addRow(self.tr("转给："), self.agent)
        form.addRow(self.tr("原因："), self.reason)
        form.addRow(self.buttons)
        self.agent.currentTextChanged.connect(self._update_ok)
        self._update_ok()

    def chosen_agent(self) -> str | None:
        """The agent typed or picked; None for "nobody"."""
        index = self.agent.currentIndex()
        if (
            index >= 0
            and self.agent.itemData(index) == UNASSIGN
            and self.agent.currentText() == self.agent.itemText(index)
        ):
            return None
        return self.agent.currentText().strip()

    def _update_ok(self) -> None:
        choice = self.chosen_agent()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(choice is None or bool(choice))

    @classmethod
    def ask(cls, parent: QWidget | None, ticket: FlaggedTicket, agents: list[str]) -> tuple[str | None, str] | None:
        """(agent or None, reason), or None when cancelled."""
        dialog = cls(ticket, agents, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.chosen_agent(), dialog.reason.text().strip()
