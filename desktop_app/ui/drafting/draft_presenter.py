"""Putting AI drafts into the reply box of the open ticket, without ever losing the agent's typing.

The ticket pane tells the presenter when a ticket was opened (with its saved draft), when
it is about to switch away and when a reply was sent; the presenter asks the
``DraftController`` for a draft and shows it:

* no saved draft: a draft streams in (appended token by token), then the polished text
  replaces the streamed one; the box is marked as a draft until the agent edits it or
  presses Tab;
* a saved draft the agent never changed (``DraftRecord.untouched``): shown marked;
* a token or result is shown only if it belongs to the job the presenter started for the
  ticket on screen. Once the agent types, streaming stops (the job is cancelled, so nothing
  is stored over their text) and their text stays;
* 停止 keeps what streamed so far; 重新生成 replaces the text only if the agent has not
  written any of their own, and asks otherwise. It samples with a new seed, so it gives a
  different draft; the draft on open is greedy, so that a prefetched one is the same draft;
* the sentences the promise check marked are underlined (for a stored draft the check runs
  again in the reader) and counted in the strip; sending stays the agent's choice;
* Tab stores that the draft was accepted: it reopens as the agent's text, not as a draft.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_app.domain.records import DraftRecord
from desktop_app.nlp.drafting.guard import PromiseMark
from desktop_app.nlp.drafting.knowledge_base import KbEntry
from desktop_app.services.drafting import GeneratedDraft
from desktop_app.ui.common.workers import TaskRunner
from desktop_app.ui.drafting.draft_bar import DraftBar
from desktop_app.ui.drafting.draft_controller import DraftController, ExistingDraft
from desktop_app.ui.drafting.reply_editor import ReplyEditor

log = logging.getLogger(__name__)

_SEEDS = random.SystemRandom()


def new_seed() -> int:
    """A seed for a regenerated draft: different every time, also across restarts."""
    return _SEEDS.randrange(1, 2**31)


class DraftPresenter(QObject):
    message = Signal(str)  # for the status bar
    draftShown = Signal(int)  # ticket id: a finished draft is in the editor, marked
    draftAccepted = Signal(int)  # ticket id: Tab took the stored draft as the agent's text

    def __init__(
        self,
        controller: DraftController,
        editor: ReplyEditor,
        bar: DraftBar,
        writer: TaskRunner,
        agent: str,
        current_ticket: Callable[[], int | None],
        parent: QWidget | None = None,
        reader: TaskRunner | None = None,
    ) -> None:
        """``reader`` runs the promise check of a stored draft (the writer when not given)."""
        super().__init__(parent)
        self.controller = controller
        self.editor = editor
        self.bar = bar
        self.writer = writer
        self.reader = reader or writer
        self.agent = agent
        self._current = current_ticket
        self._parent_widget = parent
        self.job_id = 0
        self.ticket_id: int | None = None
        self.streaming = False
        self.stopped = False
        self._generated = ""  # the draft text last put in the editor (to tell the agent's own text)
        self._entries: tuple[KbEntry, ...] = ()
        self._start_token = 0
        self._record: DraftRecord | None = None  # the saved draft the open ticket came with
        self.confirm_replace: Callable[[], bool] = self._ask_replace
        self.new_seed: Callable[[], int] = new_seed

        controller.token.connect(self._on_token)
        controller.finished.connect(self._on_finished)
        controller.failed.connect(self._on_failed)
        editor.draftEdited.connect(self._on_edited)
        editor.draftAccepted.connect(self._on_accepted)
        editor.marksChanged.connect(bar.set_unsupported)
        bar.stop_button.clicked.connect(self.stop)
        bar.regenerate_button.clicked.connect(self.regenerate)

    # -- what the pane tells ---------------------------------------------------------
    def drafting_ready(self) -> None:
        """The drafter finished loading: draft the open ticket if it has nothing yet."""
        ticket_id = self._current()
        if ticket_id is None or self.job_id:
            return
        record = self._record if self._record is not None and self._record.ticket_id == ticket_id else None
        if not self.editor.dirty and self.editor.text == (record.body if record else ""):
            self.opened(ticket_id, record)  # nothing typed since it opened: as if it opened now
        else:
            self.bar.set_state(DraftBar.IDLE)

    def opened(self, ticket_id: int, record: DraftRecord | None) -> None:
        """``ticket_id`` is on screen with ``record`` (its saved draft) loaded in the editor."""
        self._forget()
        self.ticket_id = ticket_id
        self._record = record
        if not self.controller.ready:
            self.bar.set_state(DraftBar.OFF)
            return
        if record is None:
            self._start(ticket_id, only_if_needed=True)
        else:
            self._show_record(record)

    def closing(self) -> None:
        """Another ticket is about to be shown: stop the foreground draft of this one."""
        if self.streaming:
            self.controller.cancel_foreground()
        self._forget()

    def sent(self) -> None:
        self._forget()
        if self.controller.ready:
            self.bar.set_state(DraftBar.IDLE)

    def sending(self) -> None:
        """Ctrl+Enter while streaming: what is in the box is what the agent sends."""
        if self.streaming:
            self.controller.cancel_foreground()
            self._forget()
            self.editor.set_draft_mode(False)

    # -- buttons and keys ------------------------------------------------------------
    def stop(self) -> None:
        if not self.streaming:
            return
        self.controller.cancel_foreground()
        self.streaming = False
        self.stopped = True
        self.bar.set_state(DraftBar.STOPPED if self.editor.text.strip() else DraftBar.IDLE)
        if not self.editor.text.strip():
            self.editor.set_draft_mode(False)

    def regenerate(self) -> None:
        ticket_id = self._current()
        if ticket_id is None or not self.controller.ready:
            return
        text = self.editor.text
        own_text = bool(text.strip()) and not self.editor.draft_mode and text != self._generated
        if own_text and not self.confirm_replace():
            return
        self.controller.cancel_foreground()
        self._forget()
        self.ticket_id = ticket_id
        self.editor.load("")
        # Saves already queued for this ticket land first: the new draft is stored after them.
        self._start_token += 1
        token = self._start_token
        self.bar.set_state(DraftBar.STREAMING, ())
        self.editor.set_draft_mode(True)
        self.streaming = True
        seed = self.new_seed()
        self.writer.submit(lambda: None, lambda _: self._start_after_writes(token, ticket_id, own_text, seed))

    def _start_after_writes(self, token: int, ticket_id: int, replace_edited: bool, seed: int) -> None:
        if token != self._start_token or self._current() != ticket_id or not self.streaming or self.job_id:
            return
        self._start(ticket_id, only_if_needed=False, replace_edited=replace_edited, seed=seed)

    def _ask_replace(self) -> bool:
        answer = QMessageBox.question(
            self._parent_widget,
            self.tr("重新生成草稿"),
            self.tr("回复框里有您自己写的内容。用新的 AI 草稿替换它吗？"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _on_edited(self) -> None:
        """The agent typed into the draft: it is theirs now. A running stream stops there."""
        if self.streaming:
            self.controller.cancel_foreground()
            self.job_id = 0
            self.streaming = False
        self.bar.set_state(DraftBar.ACCEPTED, self._entries)

    def _on_accepted(self) -> None:
        """Tab: the draft becomes the agent's text as it is."""
        partial = self.streaming or self.stopped
        if self.streaming:
            self.controller.cancel_foreground()
            self.job_id = 0
            self.streaming = False
        if partial and self.editor.text.strip():
            self.editor.mark_unsaved()  # a partial draft was never stored: save it as the agent's text
        elif not partial:
            self._store_acceptance()
        self.bar.set_state(DraftBar.ACCEPTED, self._entries)

    def _store_acceptance(self) -> None:
        """The stored draft is the agent's now: the pane stores that (on its writer, after the
        saves queued before and before any later edit)."""
        ticket_id = self._current()
        if ticket_id is not None:
            self.draftAccepted.emit(ticket_id)

    # -- what the controller says ----------------------------------------------------
    def _start(
        self, ticket_id: int, only_if_needed: bool, replace_edited: bool = False, seed: int | None = None
    ) -> None:
        job_id = self.controller.request(ticket_id, self.agent, only_if_needed, replace_edited, seed=seed)
        if not job_id:
            self.streaming = False
            self.bar.set_state(DraftBar.OFF)
            return
        self.job_id = job_id
        self.ticket_id = ticket_id
        self.streaming = True
        self.stopped = False
        self.bar.set_state(DraftBar.STREAMING, ())
        self.editor.set_draft_mode(True)
        so_far = self.controller.streamed_text(job_id)  # an adopted prefetch already streamed this
        if so_far:
            self.editor.append_streamed(so_far)

    def _mine(self, job_id: int, ticket_id: int) -> bool:
        return job_id != 0 and job_id == self.job_id and ticket_id == self.ticket_id == self._current()

    def _on_token(self, job_id: int, ticket_id: int, piece: str) -> None:
        if self.streaming and self._mine(job_id, ticket_id) and self.editor.draft_mode:
            self.editor.append_streamed(piece)

    def _on_finished(self, job_id: int, ticket_id: int, result: object) -> None:
        if not self._mine(job_id, ticket_id):
            return
        self.job_id = 0
        self.streaming = False
        if isinstance(result, ExistingDraft):
            if result.record is not None and self.editor.draft_mode and not self.editor.text.strip():
                self.editor.load(result.record.body)
                self._show_record(result.record)
            else:
                self._idle_if_empty()
            return
        if not isinstance(result, GeneratedDraft):
            self._idle_if_empty()
            return
        self._entries = tuple(result.kb_entries)
        # Stop pressed while the last token was being written: the agent keeps what they saw.
        if result.result.stopped or self.stopped:
            self.stopped = True
            self.bar.set_state(DraftBar.STOPPED if self.editor.text.strip() else DraftBar.IDLE, self._entries)
            if not self.editor.text.strip():
                self.editor.set_draft_mode(False)
            return
        if not self.editor.draft_mode:
            return  # the agent took over meanwhile
        if not result.result.text.strip():
            self._idle_if_empty()
            return
        self._generated = result.result.text
        self.editor.show_draft(result.result.text)
        self._show_marks(result.marks)
        if result.saved is None:
            self.editor.mark_unsaved()  # not stored (an edited draft was in the way): the editor's text is saved
        self.bar.set_state(DraftBar.MARKED, self._entries)
        self.draftShown.emit(ticket_id)

    def _on_failed(self, job_id: int, ticket_id: int, error: BaseException) -> None:
        if not self._mine(job_id, ticket_id):
            return
        self.job_id = 0
        self.streaming = False
        self._idle_if_empty()
        self.message.emit(self.tr("AI草稿生成失败：%1").replace("%1", str(error) or type(error).__name__))

    # -- helpers ---------------------------------------------------------------------
    def _show_record(self, record: DraftRecord) -> None:
        self._entries = tuple(self._lookup(record.generated_kb)) if record.generated is not None else ()
        if record.untouched:
            self._generated = record.body
            self.editor.show_draft(record.body)
            self.bar.set_state(DraftBar.MARKED, self._entries)
            self._check_marks(record)
        elif self._entries:
            self.bar.set_state(DraftBar.ACCEPTED, self._entries)
        else:
            self.bar.set_state(DraftBar.IDLE)

    def _show_marks(self, marks: Sequence[PromiseMark]) -> None:
        self.editor.set_marks([(mark.start, mark.end) for mark in marks])

    def _check_marks(self, record: DraftRecord) -> None:
        """Run the promise check of a stored draft off the GUI thread; shown if still on screen."""
        service = self.controller.service
        if service is None:
            return
        token, ticket_id, body, kb_ids = self._start_token, record.ticket_id, record.body, record.generated_kb
        self.reader.submit(
            lambda: service.marks_for(ticket_id, body, kb_ids),
            lambda marks: self._marks_checked(token, ticket_id, body, marks),
            lambda error: log.warning("checking the draft of ticket %s failed", ticket_id, exc_info=error),
        )

    def _marks_checked(self, token: int, ticket_id: int, body: str, marks: Sequence[PromiseMark]) -> None:
        if token == self._start_token and self._current() == ticket_id and self.editor.text == body:
            self._show_marks(marks)  # also after Tab: taking the draft as it is keeps its marks

    def _lookup(self, ids: Sequence[str]) -> list[KbEntry]:
        service = self.controller.service
        return service.entries(tuple(ids)) if service is not None and ids else []

    def _idle_if_empty(self) -> None:
        if not self.editor.text.strip():
            self.editor.set_draft_mode(False)
            self.bar.set_state(DraftBar.IDLE)
        elif self.editor.draft_mode:
            self.bar.set_state(DraftBar.STOPPED, self._entries)

    def _forget(self) -> None:
        self.job_id = 0
        self.streaming = False
        self.stopped = False
        self._generated = ""
        self._entries = ()
        self._start_token += 1
