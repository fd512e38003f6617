"""One change bus per window: the tickets other clients (or this one) changed, pushed to the GUI.

A ``ChangeSource`` (PostgreSQL LISTEN, or SQLite's ``data_version`` poll) runs in a
thread of its own, never on the event loop, and is opened there too (connecting to a
server may take a while). What it reports is gathered for a moment
(``COALESCE_MS``: a bulk import or a tagging batch becomes one signal, not thousands) and
emitted in the GUI thread as ``changesArrived(list[Change])`` and
``ticketsChanged(list[int])``. The queue, the open ticket and the supervisor desk
subscribe. When the source cannot be opened or loses the database it is opened again
every ``RETRY_MS``; ``resynced`` then says that changes may have been missed meanwhile.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from desktop_app.domain.changes import Change, ChangeKind
from desktop_app.services.changes import POLL_SLICE_S, ChangeSource, NoChangeFeed

COALESCE_MS = 30
RETRY_MS = 5_000

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Carries the feed thread's news to the GUI thread (queued: it lives in the GUI thread).

    Parentless on purpose: the thread keeps it alive, so it never emits into a deleted object
    even if the window is torn down before the thread has seen the stop request.
    """

    arrived = Signal(list)
    opened = Signal(bool)  # True: opened again after a failure (changes may be missing)
    lost = Signal()  # the source failed; it is opened again shortly


def _feed(open_source: Callable[[], ChangeSource], relay: _Relay, stop: threading.Event) -> None:
    """The feed thread: poll the source until ``stop``; open it again after a failure."""
    failed = False
    while not stop.is_set():
        try:
            source = open_source()
        except NoChangeFeed as exc:  # this database has no feed at all (in-memory SQLite)
            log.info("no change feed: %s", exc)
            return
        except Exception as exc:  # noqa: BLE001 - the server may come back
            log.warning("change feed cannot open: %s", exc)
            failed = True
            stop.wait(RETRY_MS / 1000)
            continue
        try:
            relay.opened.emit(failed)
            while not stop.is_set():
                changes = source.poll(POLL_SLICE_S)
                if changes and not stop.is_set():
                    relay.arrived.emit(changes)
        except Exception as exc:  # noqa: BLE001 - open it again
            log.warning("change feed failed: %s", exc)
            relay.lost.emit()
            failed = True
            stop.wait(RETRY_MS / 1000)
        finally:
            source.close()


class ChangeBus(QObject):
    """``ChangeBus(open_source)``; ``start()`` once the subscribers are connected."""

    changesArrived = Signal(list)  # list[Change], in the order they came
    ticketsChanged = Signal(list)  # list[int]: the tickets those changes name, each once
    resynced = Signal()  # the feed was down for a while: reload everything once

    def __init__(self, open_source: Callable[[], ChangeSource], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._stop = threading.Event()
        self._relay = _Relay()
        self._relay.arrived.connect(self._gather)
        self._relay.opened.connect(self._opened)
        self._relay.lost.connect(self._lost)
        # A daemon thread: it never holds up the end of the process (a QThread torn down while
        # running would abort it); it ends within POLL_SLICE_S of stop().
        self._thread = threading.Thread(
            target=_feed, args=(open_source, self._relay, self._stop), name="change-feed", daemon=True
        )
        self._pending: list[Change] = []
        self._flush = QTimer(self, singleShot=True, interval=COALESCE_MS)
        self._flush.timeout.connect(self._emit)
        self.live = False  # the source is open and being read

    def start(self) -> None:
        if self._thread.ident is None and not self._stop.is_set():
            self._thread.start()

    def stop(self) -> None:
        """Ask the thread to end (it notices within ``POLL_SLICE_S``); see ``wait``."""
        self._stop.set()
        self._flush.stop()
        self._pending.clear()
        self.live = False

    def wait(self, msecs: int) -> bool:
        """True once the thread has ended (or never ran); waits at most ``msecs``."""
        if self._thread.ident is None:
            return True
        self._thread.join(max(0, msecs) / 1000)
        return not self._thread.is_alive()

    def _opened(self, after_failure: bool) -> None:
        if self._stop.is_set():
            return
        self.live = True
        if after_failure:
            self.resynced.emit()

    def _lost(self) -> None:
        self.live = False

    def _gather(self, changes: list[Change]) -> None:
        if self._stop.is_set():
            return
        self._pending.extend(changes)
        if not self._flush.isActive():
            self._flush.start()

    def _emit(self) -> None:
        changes, self._pending = self._pending, []
        if not changes:
            return
        self.changesArrived.emit(changes)
        # Who has a ticket open changes no ticket: the desk and the queue need not re-read.
        changed = list(dict.fromkeys(c.ticket_id for c in changes if c.change != ChangeKind.PRESENCE))
        if changed:
            self.ticketsChanged.emit(changed)
