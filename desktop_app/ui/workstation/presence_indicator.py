"""「客服阿杰 正在处理」: who else has the open ticket on screen, kept current.

The ticket pane tells this indicator which ticket is open. It marks the agent present
there (and gone from the one left), renews that on a heartbeat while the ticket stays
open, and shows the colleagues who are present too. It re-reads them when the change
bus reports a presence change on the ticket and on every heartbeat (a crashed
colleague's presence lapses without an event). Every database call runs on the window's
runners; a failure is logged and leaves the label as it was: presence is a courtesy, it
never stops the agent from working.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer

from desktop_app.services.access import User
from desktop_app.services.presence import PresenceService
from desktop_app.ui.common import palette
from desktop_app.ui.common.elided_label import ElidedLabel
from desktop_app.ui.common.workers import TaskRunner

log = logging.getLogger(__name__)
RECHECK_MS = 5_000


class PresenceIndicator(QObject):
    """Owns ``label``: empty when the agent is alone on the ticket."""

    def __init__(
        self, presence: PresenceService, user: User | None, reader: TaskRunner, writer: TaskRunner, parent: QObject
    ) -> None:
        super().__init__(parent)
        self._presence = presence
        self._user = user
        self._reader = reader
        self._writer = writer
        self.ticket_id: int | None = None
        self._stopped = False  # the window is closing: never present again
        self._asked = 0  # the newest read: an older answer (the reader has two threads) is stale
        self.label = ElidedLabel()
        self.label.setObjectName("presenceLabel")
        self.label.setStyleSheet(f"color:{palette.WARNING};font-weight:600;")
        self.label.hide()
        self._heartbeat = QTimer(self, interval=int(presence.heartbeat_interval.total_seconds() * 1000))
        self._heartbeat.timeout.connect(self.beat)
        # While a colleague is shown, look again now and then: a visit that began and ended
        # between two looks of the SQLite poll sends no event, and the name must not linger.
        self._recheck = QTimer(self, interval=RECHECK_MS)
        self._recheck.timeout.connect(self.refresh)

    def opened(self, ticket_id: int) -> None:
        """The pane now shows ``ticket_id``: be present there, and gone from the ticket left."""
        if ticket_id == self.ticket_id or self._stopped:
            return
        leaving, self.ticket_id = self.ticket_id, ticket_id
        self.show_names([])
        presence, user = self._presence, self._user
        if leaving is not None:
            self._writer.submit(
                lambda: presence.left(user, leaving),
                None,
                lambda error: log.warning("leaving ticket %s failed", leaving, exc_info=error),
            )
        self._heartbeat.start()
        self.beat()

    def beat(self) -> None:
        """Renew the presence on the open ticket, then re-read who else is there."""
        ticket_id, presence, user = self.ticket_id, self._presence, self._user
        if ticket_id is None or self._stopped:
            return
        self._writer.submit(
            lambda: presence.here(user, ticket_id),
            lambda _none: self.refresh(),
            lambda error: log.warning("marking presence on ticket %s failed", ticket_id, exc_info=error),
        )

    def refresh(self) -> None:
        """Re-read who else has the open ticket (the change bus said someone came or went)."""
        ticket_id, presence, user = self.ticket_id, self._presence, self._user
        if ticket_id is None:
            return
        self._asked += 1
        asked = self._asked
        self._reader.submit(
            lambda: presence.others(ticket_id, user),
            lambda names: self._answered(asked, ticket_id, names),
            lambda error: log.warning("reading presence on ticket %s failed", ticket_id, exc_info=error),
        )

    def _answered(self, asked: int, ticket_id: int, names: list[str]) -> None:
        if asked == self._asked and ticket_id == self.ticket_id:
            self.show_names(names)

    def show_names(self, names: list[str]) -> None:
        if not names:
            self._recheck.stop()
            self.label.clear()
            self.label.setToolTip("")
            self.label.hide()
            return
        if not self._recheck.isActive():
            self._recheck.start()
        self.label.setText(self.tr("%1 正在处理").replace("%1", self.tr("、").join(names)))
        self.label.show()

    def stop(self) -> None:
        """The window is closing or the agent signs out (the window ends every presence)."""
        self._stopped = True
        self._heartbeat.stop()
        self._recheck.stop()
        self.ticket_id = None
