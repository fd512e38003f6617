"""Who may change a ticket's assignee: the one rule shared by ``TicketService.assign``
and ``SupervisionService.reassign``, so that no path lets an agent move a colleague's ticket."""

from __future__ import annotations

from desktop_app.services.access import PermissionDenied, User

__all__ = ["check_assignment", "touches_another"]


def check_assignment(actor: User, current: str | None, to: str | None) -> None:
    """Raise PermissionDenied unless ``actor`` may move the ticket from ``current`` to ``to``.

    Agents may take an unassigned ticket (for themselves) or release their own;
    supervisors may do anything. Leaving the assignee as it is is always allowed.
    """
    if actor.is_supervisor or current == to:
        return
    if (current is None and to == actor.name) or (current == actor.name and to is None):
        return
    raise PermissionDenied(actor, "更改其他坐席的工单分配")


def touches_another(actor: User, current: str | None, to: str | None) -> bool:
    """True when the change takes a ticket from, or gives it to, someone other than ``actor``."""
    return current not in (None, actor.name) or to not in (None, actor.name)
