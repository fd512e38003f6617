"""Who may change a ticket: the rules shared by ``TicketService``, ``TaggingService`` and
``SupervisionService``, so that no path lets an agent move or work a colleague's ticket.

A ticket is *held* by its assignee, and by whoever has a live claim on it ("next
ticket", ``services.claims``). Agents may change a ticket nobody holds or that they
hold themselves (reply, status, tag correction, taking or releasing it); a ticket held by
a colleague is theirs to work, and only a supervisor may step in (reply on it, change its
status, correct its tags, reassign or take it over). Replying on a colleague's ticket is
therefore refused for agents: two people answering one customer contradict each other,
and the holder's draft would silently go stale.
"""

from __future__ import annotations

from desktop_app.services.access import PermissionDenied, User

__all__ = ["check_assignment", "check_may_work_on", "touches_another"]

WORK_ON_ANOTHERS = "处理其他坐席的工单"


def check_may_work_on(actor: User, *holders: str | None) -> None:
    """Raise PermissionDenied unless ``actor`` may change a ticket held by ``holders`` (the
    assignee, the live claimant; None: nobody)."""
    if actor.is_supervisor or all(holder in (None, "", actor.name) for holder in holders):
        return
    raise PermissionDenied(actor, WORK_ON_ANOTHERS)


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
