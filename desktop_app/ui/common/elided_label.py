"""A one-line label that gives way on a narrow window: it elides with "…" instead of widening it.

A plain QLabel asks for its whole text as its minimum width, so one long customer name or
holder ("客服阿杰 正在处理") pushes the window past a 800-pixel-wide screen. This label asks
for a few characters, draws what fits and shows the whole text as a tooltip when cut.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

MINIMUM_CHARACTERS = 4


class ElidedLabel(QLabel):
    """A QLabel for one line of plain text that elides on the right when squeezed."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setToolTip(text)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        super().setText(text)
        self.setToolTip(text)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        metrics = self.fontMetrics()
        shortest = metrics.horizontalAdvance("…" + "中" * MINIMUM_CHARACTERS)
        margins = self.contentsMargins()
        return QSize(min(shortest, super().sizeHint().width()) + margins.left() + margins.right(), super().minimumSizeHint().height())

    def is_elided(self) -> bool:
        """True when the text does not fit and the label shows it cut."""
        return self.fontMetrics().horizontalAdvance(self.text()) > self.contentsRect().width()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        if not self.is_elided():
            super().paintEvent(event)
            return
        painter = QPainter(self)
        rect = self.contentsRect()
        shown = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(rect, int(self.alignment() | Qt.AlignmentFlag.AlignVCenter), shown)
