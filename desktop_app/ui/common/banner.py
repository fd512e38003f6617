"""One banner for every notice the app shows above its content.

The window's model notices (tagger off, drafter off), the ticket pane's "not sent" and the
supervisor desk's results were four hand-made labels with their own colours. This one
widget wraps long text (a folder path never widens the window), lets the text be
selected and copied, takes its colours from the palette by tone, and may carry a close
button.
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

from desktop_app.ui.common.palette import BANNER_TONES


class Tone(Enum):
    """What the notice is: it picks the colours."""

    INFO = "info"
    NEUTRAL = "neutral"
    WARNING = "warning"
    ERROR = "error"


class Banner(QFrame):
    """A wrapped, selectable notice; hidden until ``show_message`` (or ``setText`` + ``show``)."""

    def __init__(
        self, tone: Tone = Tone.WARNING, closable: bool = False, object_name: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        if object_name:
            self.setObjectName(object_name)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.label, 1)
        self.close_button: QToolButton | None = None
        if closable:
            self.close_button = QToolButton()
            self.close_button.setText("×")
            self.close_button.setAutoRaise(True)
            self.close_button.setToolTip(self.tr("关闭提示"))
            self.close_button.clicked.connect(self.hide)
            layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.tone = tone
        self.set_tone(tone)
        self.hide()

    def set_tone(self, tone: Tone) -> None:
        self.tone = tone
        background, text = BANNER_TONES[tone.value]
        name = self.objectName() or "banner"
        self.setObjectName(name)
        self.setStyleSheet(
            f"QFrame#{name} {{ background:{background}; border-radius:4px; }}"
            f" QFrame#{name} QLabel {{ color:{text}; background:transparent; }}"
        )

    def show_message(self, text: str, tone: Tone | None = None) -> None:
        if tone is not None:
            self.set_tone(tone)
        self.setText(text)
        self.show()

    def setText(self, text: str) -> None:  # noqa: N802 - the QLabel name, so callers read alike
        self.label.setText(text)

    def text(self) -> str:
        return self.label.text()

    def setToolTip(self, text: str) -> None:  # noqa: N802 - Qt's name
        super().setToolTip(text)
        self.label.setToolTip(text)
