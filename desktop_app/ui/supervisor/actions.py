"""What the desk's buttons do, as a protocol: the desk never writes to the database itself.

The application adapts its supervision service (which checks the signed-in user's role,
writes the audit rows and escapes exported cells) to this protocol, binding the acting
user. Every method runs in a worker thread; any exception it raises (a permission
refusal, a stale ticket, a full disk) is shown in the desk's banner.

The ticket actions name the ``version`` of the row the supervisor was looking at: if
anyone changed the ticket since (an agent replied, another supervisor reassigned it),
the action is refused as stale and the desk reloads, rather than acting on what the
supervisor has not seen.
"""

from __future__ import annotations

from typing import Protocol


class DeskActions(Protocol):
    def reassign(self, ticket_id: int, version: int, to_agent: str | None, reason: str) -> None:
        """Give the ticket to ``to_agent`` (None: nobody holds it any more)."""

    def take_over(self, ticket_id: int, version: int) -> None:
        """The supervisor takes the ticket."""

    def unflag(self, ticket_id: int, version: int, reason: str) -> None:
        """Clear the ticket's flag; ``reason`` is never empty."""

    def export(self, headers: list[str], rows: list[list[str]], path: str, fmt: str) -> None:
        """Write the rows to ``path``; ``fmt`` is ``"csv"`` or ``"xlsx"``."""
