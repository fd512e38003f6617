"""The reply box: typing, sending with Ctrl+Enter, an autosave heartbeat, and the AI draft mark.

The editor itself knows no database: it says when its text should be saved
(``autosaveDue``) and when the agent wants to send (``sendRequested``); the ticket pane
does the work in a worker.

While an AI draft is shown and not yet the agent's (``draft_mode``), the box is tinted;
Tab accepts the draft (``draftAccepted``) and the first edit makes it the agent's
(``draftEdited``). Streamed tokens are appended with ``append_streamed``, which does not
count as an edit, at the end of the text whatever the cursor does.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

AUTOSAVE_INTERVAL_MS = 3000
DRAFT_TINT = "#f3f0ff"  # the background while an AI draft is not yet the agent's


class ReplyEditor(QWidget):
    autosaveDue = Signal(str)
    sendRequested = Signal(str)
    leaveRequested = Signal()
    draftAccepted = Signal()  # Tab while the draft mark is shown
    draftEdited = Signal()  # the agent changed the draft (or typed while it streamed)

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

    def load(self, text: str, saved_note: str = "") -> None:
        """Show another ticket's draft without counting it as an edit (and without the draft mark)."""
        self._autosave.stop()
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
