"""The reply box: typing, sending with Ctrl+Enter, an autosave heartbeat, and the AI draft mark.

The editor itself knows no database: it says when its text should be saved
(``autosaveDue``) and when the agent wants to send (``sendRequested``); the ticket pane
does the work in a worker.

While an AI draft is shown and not yet the agent's (``draft_mode``), the box is tinted;
Tab accepts the draft (``draftAccepted``) and the first edit makes it the agent's
(``draftEdited``). Streamed tokens are appended with ``append_streamed``, which does not
count as an edit, at the end of the text whatever the cursor does.

Sentences of a draft that promise what neither the knowledge base nor the ticket supports
are underlined (``set_marks``: extra selections, the text itself is not changed) with a
tooltip; a mark goes as soon as the agent edits inside its sentence (``marksChanged``).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QHelpEvent, QKeyEvent, QKeySequence, QShortcut, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from desktop_app.ui.common import palette

AUTOSAVE_INTERVAL_MS = 3000
DRAFT_TINT = palette.AI_TINT  # the background while an AI draft is not yet the agent's
MARK_COLOUR = palette.PROMISE_UNDERLINE  # the wavy underline of an unsupported promise


def _utf16(text: str, index: int) -> int:
    """A Python string index as a document position (Qt counts UTF-16 units: an emoji is two)."""
    return len(text[:index].encode("utf-16-le")) // 2


class ReplyEditor(QWidget):
    autosaveDue = Signal(str)
    sendRequested = Signal(str)
    leaveRequested = Signal()
    draftAccepted = Signal()  # Tab while the draft mark is shown
    draftEdited = Signal()  # the agent changed the draft (or typed while it streamed)
    marksChanged = Signal(int)  # how many promise marks are left

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text_edit = QPlainTextEdit()
        self.text_edit.setObjectName("replyText")
        self.text_edit.installEventFilter(self)
        self.text_edit.setPlaceholderText(self.tr("在此输入回复……（Ctrl+Enter 发送，Esc 返回队列）"))
        self.send_button = QPushButton(self.tr("发送"))
        self.send_button.setToolTip(self.tr("发送回复 (Ctrl+Enter)"))
        self.send_button.setDefault(True)
        self.state_label = QLabel()
        self.state_label.setObjectName("draftState")

        buttons = QHBoxLayout()
        buttons.addWidget(self.state_label, 1)
        buttons.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text_edit, 1)
        layout.addLayout(buttons)

        self._dirty = False
        self._loading = False
        self._draft_mode = False
        self._marks: list[tuple[int, int, str]] = []  # document positions and the sentence marked
        self._marks_counted = 0  # what marksChanged said last
        self.text_edit.document().contentsChange.connect(self._on_contents_change)
        self.text_edit.viewport().installEventFilter(self)
        self._autosave = QTimer(self, interval=AUTOSAVE_INTERVAL_MS, singleShot=True)
        self._autosave.timeout.connect(self.flush)
        self.text_edit.textChanged.connect(self._on_text_changed)
        self.send_button.clicked.connect(self._request_send)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self.text_edit)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self._request_send)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.text_edit)
        escape.setContext(Qt.ShortcutContext.WidgetShortcut)
        escape.activated.connect(self.leaveRequested)

    @property
    def text(self) -> str:
        return self.text_edit.toPlainText()

    @property
    def dirty(self) -> bool:
        return self._dirty

    @property
    def draft_mode(self) -> bool:
        """An AI draft is shown that the agent has neither edited nor accepted."""
        return self._draft_mode

    @property
    def mark_note(self) -> str:
        """The tooltip of a marked sentence (the guard's UNSUPPORTED_NOTE, translated)."""
        return self.tr("未在知识库中找到依据")

    @property
    def marked_sentences(self) -> list[str]:
        return [sentence for _start, _end, sentence in self._marks]

    def set_marks(self, spans: Sequence[tuple[int, int]]) -> None:
        """Underline ``spans`` (start, end offsets into ``text``): sentences that promise
        without support. Replaces any marks shown before."""
        text = self.text
        self._marks = []
        for start, end in spans:
            start, end = max(0, start), min(len(text), end)
            if start < end:
                self._marks.append((_utf16(text, start), _utf16(text, end), text[start:end]))
        self._show_marks()

    def clear_marks(self) -> None:
        if self._marks:
            self._marks = []
            self._show_marks()

    def mark_tooltip(self, position: int) -> str:
        """What hovering document ``position`` shows: the note inside a marked sentence."""
        return self.mark_note if any(start <= position <= end for start, end, _ in self._marks) else ""

    def _show_marks(self) -> None:
        selections = []
        for start, end, _sentence in self._marks:
            selection = QTextEdit.ExtraSelection()
            fmt = QTextCharFormat()
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            fmt.setUnderlineColor(QColor(MARK_COLOUR))
            fmt.setToolTip(self.mark_note)
            cursor = QTextCursor(self.text_edit.document())
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            selection.format = fmt
            selections.append(selection)
        self.text_edit.setExtraSelections(selections)
        if len(self._marks) != self._marks_counted:
            self._marks_counted = len(self._marks)
            self.marksChanged.emit(self._marks_counted)

    def _on_contents_change(self, position: int, removed: int, added: int) -> None:
        """Keep the marks on their sentences: those after the change move, one the change
        touches goes (the agent rewrote it; typing just before or after a sentence is not
        an edit of it). A change that leaves a sentence's text as it was (Qt reports
        format-only changes too) keeps its mark."""
        if not self._marks:
            return
        changed_end = position + removed
        kept: list[tuple[int, int, str]] = []
        for start, end, sentence in self._marks:
            touched = (start < position < end) if removed == 0 else (position < end and changed_end > start)
            if not touched:
                shift = added - removed if start >= changed_end else 0
                kept.append((start + shift, end + shift, sentence))
            elif removed == added and self._text_at(start, end) == sentence:
                kept.append((start, end, sentence))
        if kept != self._marks:
            self._marks = kept
            self._show_marks()

    def _text_at(self, start: int, end: int) -> str:
        cursor = QTextCursor(self.text_edit.document())
        cursor.setPosition(min(start, self.text_edit.document().characterCount() - 1))
        cursor.setPosition(min(end, self.text_edit.document().characterCount() - 1), QTextCursor.MoveMode.KeepAnchor)
        return cursor.selectedText()

    def load(self, text: str, saved_note: str = "") -> None:
        """Show another ticket's draft without counting it as an edit (and without the draft mark)."""
        self._autosave.stop()
        self.clear_marks()
        self._loading = True
        self.text_edit.setPlainText(text)
        self._loading = False
        self._dirty = False
        self.set_draft_mode(False)
        self.state_label.setText(saved_note)

    def show_draft(self, text: str) -> None:
        """Show a generated draft (already stored), marked as a draft."""
        note = self.state_label.text()
        self.load(text, note)
        self.set_draft_mode(True)

    def append_streamed(self, piece: str) -> None:
        """Append a streamed piece at the end; not an edit, the agent's cursor stays where it is."""
        self._loading = True
        try:
            cursor = QTextCursor(self.text_edit.document())
            cursor.movePosition(QTextCursor.MoveOperation.End)
            cursor.insertText(piece)
        finally:
            self._loading = False

    def set_draft_mode(self, on: bool) -> None:
        self._draft_mode = on
        self.text_edit.setStyleSheet(f"QPlainTextEdit#replyText {{ background: {DRAFT_TINT}; }}" if on else "")

    def accept_draft(self) -> None:
        """The agent takes the draft as their own text (Tab)."""
        if not self._draft_mode:
            return
        self.set_draft_mode(False)
        self.text_edit.moveCursor(QTextCursor.MoveOperation.End)
        self.draftAccepted.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.text_edit.viewport() and isinstance(event, QHelpEvent) and self._marks:
            note = self.mark_tooltip(self.text_edit.cursorForPosition(event.pos()).position())
            if note:
                QToolTip.showText(event.globalPos(), note, self.text_edit.viewport())
            else:
                QToolTip.hideText()
            return True
        if (
            watched is self.text_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Tab
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
            and self._draft_mode
        ):
            self.accept_draft()
            return True
        return super().eventFilter(watched, event)

    def set_busy(self, busy: bool) -> None:
        self.send_button.setEnabled(not busy)

    def mark_saved(self, note: str) -> None:
        if not self._dirty:
            self.state_label.setText(note)

    def mark_unsaved(self) -> None:
        """The last save failed: count the text as changed again, so the next heartbeat
        (or switching tickets, or closing the window) saves it once more."""
        self._dirty = True
        if not self._autosave.isActive():
            self._autosave.start()

    def mark_clean(self) -> None:
        """The text was saved some other way (at shutdown): no heartbeat save is due."""
        self._autosave.stop()
        self._dirty = False

    def flush(self) -> None:
        """Ask for a save now if anything changed since the last one."""
        self._autosave.stop()
        if self._dirty:
            self._dirty = False
            self.autosaveDue.emit(self.text)

    def _on_text_changed(self) -> None:
        if self._loading:
            return
        self._dirty = True
        if self._draft_mode:
            self.set_draft_mode(False)
            self.draftEdited.emit()
        self.state_label.setText(self.tr("正在编辑……"))
        if not self._autosave.isActive():  # not restarted per key: saves every few seconds while typing
            self._autosave.start()

    def _request_send(self) -> None:
        if self.text.strip() and self.send_button.isEnabled():
            self.sendRequested.emit(self.text)
