"""A supervisor's look at one ticket's original, unmasked text (the reveal is in the audit log)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from desktop_app.ui.common.banner import Banner, Tone


class RevealDialog(QDialog):
    def __init__(self, title: str, html: str, notice: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.notice = Banner(Tone.ERROR, object_name="revealNotice")
        self.notice.show_message(notice)
        self.text = QTextBrowser()
        self.text.setOpenLinks(False)
        self.text.setHtml(html)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.notice)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.resize(560, 480)
