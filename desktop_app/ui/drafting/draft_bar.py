"""The strip above the reply box that says what the AI draft is doing, and its two buttons.

States: ``off`` (no drafter: hidden), ``idle`` (no draft shown: only 重新生成), ``streaming``
(停止 enabled), ``marked`` (a draft not yet accepted: "AI草稿 · Tab 接受 · 编辑即接受"),
``stopped`` (the part streamed before 停止, still marked) and ``accepted`` (the agent took
or edited it: only the knowledge-base sources stay). The knowledge-base entries the draft
drew on are listed by title; hovering one shows its text. While the draft (taken or not)
still has sentences the promise check marked, the strip counts them.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from desktop_app.nlp.drafting.knowledge_base import KbEntry
from desktop_app.ui.common import palette

_MARK_STYLE = f"color:{palette.AI};font-weight:600;"
_PROMISE_STYLE = f"color:{palette.PROMISE};font-weight:600;"


class DraftBar(QFrame):
    OFF, IDLE, STREAMING, MARKED, STOPPED, ACCEPTED = "off", "idle", "streaming", "marked", "stopped", "accepted"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("draftBar")
        self.state = self.OFF
        self.mark_label = QLabel()
        self.mark_label.setObjectName("draftMark")
        self.mark_label.setStyleSheet(_MARK_STYLE)
        self.promise_label = QLabel()
        self.promise_label.setObjectName("draftPromises")
        self.promise_label.setStyleSheet(_PROMISE_STYLE)
        self.promise_label.setToolTip(
            self.tr("草稿里划波浪线的句子做了知识库和工单都没有依据的承诺，发送前请核实或修改")
        )
        self.unsupported = 0
        self.sources_caption = QLabel(self.tr("参考："))
        self.sources_caption.setStyleSheet(f"color:{palette.TEXT_MUTED};")
        self.stop_button = QPushButton(self.tr("停止"))
        self.stop_button.setToolTip(self.tr("停止生成，保留已生成的部分"))
        self.regenerate_button = QPushButton(self.tr("重新生成"))
        self.regenerate_button.setToolTip(self.tr("重新生成 AI 草稿（已编辑的回复会先询问）"))
        self.source_labels: list[QLabel] = []
        self._sources = QHBoxLayout()
        self._sources.setContentsMargins(0, 0, 0, 0)
        self._sources.setSpacing(6)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.addWidget(self.mark_label)
        layout.addSpacing(8)
        layout.addWidget(self.promise_label)
        layout.addSpacing(8)
        layout.addWidget(self.sources_caption)
        layout.addLayout(self._sources)
        layout.addStretch(1)
        layout.addWidget(self.stop_button)
        layout.addWidget(self.regenerate_button)
        self.set_state(self.OFF)

    def set_state(self, state: str, entries: Sequence[KbEntry] | None = None) -> None:
        """Show ``state``; ``entries`` (when given) replace the listed knowledge-base sources."""
        self.state = state
        self.setVisible(state != self.OFF)
        marks = {
            self.STREAMING: self.tr("AI草稿生成中…"),
            self.MARKED: self.tr("AI草稿 · Tab 接受 · 编辑即接受"),
            self.STOPPED: self.tr("AI草稿（已停止）· Tab 接受 · 编辑即接受"),
        }
        self.mark_label.setText(marks.get(state, ""))
        self.mark_label.setVisible(state in marks)
        self.stop_button.setEnabled(state == self.STREAMING)
        self.stop_button.setVisible(state == self.STREAMING)
        if state in (self.OFF, self.IDLE):
            entries = ()
        if entries is not None:
            self.set_sources(entries)
        self._show_unsupported()

    def set_unsupported(self, count: int) -> None:
        """``count`` sentences of the draft in the box promise without support."""
        self.unsupported = count
        self._show_unsupported()

    def _show_unsupported(self) -> None:
        shown = self.unsupported > 0 and self.state in (self.MARKED, self.STOPPED, self.ACCEPTED)
        self.promise_label.setText(self.tr("%n 句承诺无依据", "", self.unsupported) if shown else "")
        self.promise_label.setVisible(shown)

    def set_sources(self, entries: Sequence[KbEntry]) -> None:
        for label in self.source_labels:
            self._sources.removeWidget(label)
            label.deleteLater()
        self.source_labels = []
        for entry in entries:
            label = QLabel(entry.title)
            label.setObjectName("draftSource")
            label.setToolTip(entry.text)
            label.setStyleSheet(f"background:{palette.CHIP_BACKGROUND};color:{palette.CHIP_TEXT};padding:1px 6px;border-radius:3px;")
            self._sources.addWidget(label)
            self.source_labels.append(label)
        self.sources_caption.setVisible(bool(entries))

    @property
    def source_titles(self) -> list[str]:
        return [label.text() for label in self.source_labels]
