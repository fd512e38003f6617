"""Running the reply drafter off the GUI thread: one foreground draft, a prefetch queue behind it.

The drafter serialises its requests with a lock and both CPU cores are shared, so the
controller never lets background work delay what the agent is looking at:

* ``request(ticket_id)`` (the open ticket) cancels a running prefetch first, through its
  ``threading.Event``, so that the drafter's lock is free within one token; the stopped
  ticket goes back to the front of the prefetch queue. If the ticket asked for is the one
  being prefetched, that job simply becomes the foreground one (what it streamed so far is
  handed over, nothing is generated twice).
* ``prefetch(ticket_ids)`` drafts the next tickets of the queue, one at a time, at low thread
  priority, and only while no foreground draft runs. ``DraftingService.generate`` stores
  each draft, so it is simply there when the ticket is opened.

Tokens travel from the worker thread to the GUI thread as queued signals carrying the job
and ticket ids; whoever shows them checks both, so a token of a ticket no longer shown is
never appended anywhere.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThread, QThreadPool, Signal, Slot

from desktop_app.domain.records import DraftRecord
from desktop_app.services.drafting import DraftingService
from desktop_app.services.drafts import DraftService

log = logging.getLogger(__name__)

PREFETCH_AHEAD = 3
SHUTDOWN_WAIT_MS = 10_000


@dataclass(frozen=True)
class ExistingDraft:
    """The foreground request found a draft already stored (a prefetch finished just before)."""

    ticket_id: int
    record: DraftRecord | None


@dataclass
class DraftJob:
    id: int
    ticket_id: int
    agent: str
    foreground: bool
    cancel: threading.Event = field(default_factory=threading.Event)
    streamed: list[str] = field(default_factory=list)  # pieces received in the GUI thread


class _JobSignals(QObject):
    token = Signal(int, int, str)  # job id, ticket id, piece
    succeeded = Signal(int, object)
    failed = Signal(int, object)


class _Runnable(QRunnable):
    def __init__(self, job: DraftJob, fn: Callable[[DraftJob, Callable[[str], None]], Any], signals: _JobSignals):
        super().__init__()
        self.job, self.fn, self.signals = job, fn, signals

    def run(self) -> None:
        thread = QThread.currentThread()
        previous = thread.priority()
        background = not self.job.foreground
        if background:
            thread.setPriority(QThread.Priority.LowPriority)
        job, signals = self.job, self.signals
        try:
            result = self.fn(job, lambda piece: signals.token.emit(job.id, job.ticket_id, piece))
        except BaseException as exc:  # noqa: BLE001 - every failure must reach the GUI
            signals.failed.emit(job.id, exc)
        else:
            signals.succeeded.emit(job.id, result)
        finally:
            if background:
                inherit = previous == QThread.Priority.InheritPriority
                thread.setPriority(QThread.Priority.NormalPriority if inherit else previous)


class DraftController(QObject):
    """Owns the drafting service once it is loaded; emits what the foreground draft does.

    Signals carry the job id: a presenter keeps the id ``request`` returned and ignores the rest.
    """

    token = Signal(int, int, str)  # job id, ticket id, piece (foreground jobs only)
    finished = Signal(int, int, object)  # job id, ticket id, GeneratedDraft | ExistingDraft | None
    failed = Signal(int, int, object)  # job id, ticket id, exception
    prefetched = Signal(int)  # ticket id: a background draft was stored
    prefetchIdle = Signal()  # the prefetch queue ran dry

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service: DraftingService | None = None
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(4)  # cancelled jobs end within a token; they never pile up
        self._signals = _JobSignals(self)
        conn = Qt.ConnectionType.QueuedConnection
        self._signals.token.connect(self._on_token, conn)
        self._signals.succeeded.connect(self._on_succeeded, conn)
        self._signals.failed.connect(self._on_failed, conn)
        self._ids = itertools.count(1)
        self._jobs: dict[int, DraftJob] = {}
        self._foreground: DraftJob | None = None
        self._prefetch_job: DraftJob | None = None
        self._prefetch_queue: list[tuple[int, str]] = []
        self._closing = False

    # -- state -----------------------------------------------------------------------
    @property
    def ready(self) -> bool:
        return self.service is not None and not self._closing

    @property
    def foreground(self) -> DraftJob | None:
        return self._foreground

    @property
    def prefetching(self) -> int | None:
        """The ticket being drafted in the background, if any."""
        return self._prefetch_job.ticket_id if self._prefetch_job else None

    def set_service(self, service: DraftingService) -> None:
        self.service = service
        self._pump()

    # -- foreground ------------------------------------------------------------------
    def request(
        self,
        ticket_id: int,
        agent: str,
        only_if_needed: bool = True,
        replace_edited: bool = False,
        seed: int | None = None,
    ) -> int:
        """Draft ``ticket_id`` now; return the job id (0 when drafting is off).

        ``only_if_needed``: skip tickets that have a draft or where the agent spoke last
        (the job then ends with None, or with ``ExistingDraft`` if a draft is stored).
        ``replace_edited``: the agent asked to replace their own text (Regenerate).
        ``seed``: sample a different draft (Regenerate); without it the draft is greedy, the
        same as a prefetched one, which is why only a seedless request adopts a prefetch.
        """
        if not self.ready:
            return 0
        self.cancel_foreground()
        self._remove_queued(ticket_id)
        running = self._prefetch_job
        if (
            running is not None
            and (running.ticket_id, running.agent) == (ticket_id, agent)
            and only_if_needed
            and seed is None
            and not running.cancel.is_set()
        ):
            running.foreground = True  # adopt it: its tokens now go to the editor
            self._prefetch_job = None
            self._foreground = running
            return running.id
        self._pause_prefetch()
        job = self._new_job(ticket_id, agent, foreground=True)
        service = self.service
        assert service is not None

        def work(job: DraftJob, on_token: Callable[[str], None]) -> object:
            if only_if_needed and not service.needs_draft(job.ticket_id, job.agent):
                return ExistingDraft(job.ticket_id, DraftService(service.db).load(job.ticket_id, job.agent))
            return service.generate(
                job.ticket_id, job.agent, job.cancel, on_token, replace_untouched_only=not replace_edited, seed=seed
            )

        self._foreground = job
        self._start(job, work)
        return job.id

    def cancel_foreground(self) -> None:
        """Stop the foreground draft (switching tickets, the agent typing, Stop)."""
        if self._foreground is not None:
            self._foreground.cancel.set()

    def streamed_text(self, job_id: int) -> str:
        job = self._jobs.get(job_id)
        return "".join(job.streamed) if job else ""

    # -- prefetch --------------------------------------------------------------------
    def prefetch(self, ticket_ids: list[int], agent: str) -> None:
        """Replace the prefetch queue with ``ticket_ids`` (the next tickets after the open one).

        A running prefetch goes on (it is one draft, and likely still useful).
        """
        wanted = [(t, agent) for t in ticket_ids[:PREFETCH_AHEAD]]
        running = self._prefetch_job
        self._prefetch_queue = [w for w in wanted if running is None or w != (running.ticket_id, running.agent)]
        self._pump()

    def _pause_prefetch(self) -> None:
        running = self._prefetch_job
        if running is not None:
            running.cancel.set()
            key = (running.ticket_id, running.agent)
            if key not in self._prefetch_queue:
                self._prefetch_queue.insert(0, key)  # resumed from scratch once the foreground is done

    def _remove_queued(self, ticket_id: int) -> None:
        self._prefetch_queue = [w for w in self._prefetch_queue if w[0] != ticket_id]

    def _pump(self) -> None:
        """Start the next prefetch when nothing else is running."""
        if not self.ready or self._foreground is not None or self._prefetch_job is not None:
            return
        if not self._prefetch_queue:
            self.prefetchIdle.emit()
            return
        ticket_id, agent = self._prefetch_queue.pop(0)
        job = self._new_job(ticket_id, agent, foreground=False)
        service = self.service
        assert service is not None

        def work(job: DraftJob, on_token: Callable[[str], None]) -> object:
            if job.cancel.is_set() or not service.needs_draft(job.ticket_id, job.agent):
                return None
            return service.generate(job.ticket_id, job.agent, job.cancel, on_token)

        self._prefetch_job = job
        self._start(job, work)

    # -- plumbing --------------------------------------------------------------------
    def _new_job(self, ticket_id: int, agent: str, foreground: bool) -> DraftJob:
        job = DraftJob(next(self._ids), ticket_id, agent, foreground)
        self._jobs[job.id] = job
        return job

    def _start(self, job: DraftJob, work: Callable[[DraftJob, Callable[[str], None]], Any]) -> None:
        self._pool.start(_Runnable(job, work, self._signals))

    @Slot(int, int, str)
    def _on_token(self, job_id: int, ticket_id: int, piece: str) -> None:
        job = self._jobs.get(job_id)
        if job is None:
            return
        job.streamed.append(piece)
        if job.foreground and not job.cancel.is_set():
            self.token.emit(job_id, ticket_id, piece)

    @Slot(int, object)
    def _on_succeeded(self, job_id: int, result: object) -> None:
        job = self._finish(job_id)
        if job is None:
            return
        saved = getattr(result, "saved", None)
        if job.foreground:
            self.finished.emit(job.id, job.ticket_id, result)
        elif saved is not None:
            self.prefetched.emit(job.ticket_id)
        self._pump()

    @Slot(int, object)
    def _on_failed(self, job_id: int, error: BaseException) -> None:
        job = self._finish(job_id)
        if job is None:
            return
        log.warning("drafting ticket %s failed: %s", job.ticket_id, error, exc_info=error)
        if job.foreground:
            self.failed.emit(job.id, job.ticket_id, error)
        self._pump()

    def _finish(self, job_id: int) -> DraftJob | None:
        job = self._jobs.pop(job_id, None)
        if job is None:
            return None
        if self._foreground is job:
            self._foreground = None
        if self._prefetch_job is job:
            self._prefetch_job = None
        return job

    def shutdown(self, wait_ms: int = SHUTDOWN_WAIT_MS) -> bool:
        """Cancel everything and wait for the worker threads (closing the window)."""
        self._closing = True
        self._prefetch_queue.clear()
        for job in self._jobs.values():
            job.cancel.set()
        return self._pool.waitForDone(wait_ms)
