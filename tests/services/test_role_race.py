"""Role changes are serialised: two supervisors demoting each other at the same moment never
leave the desk without a supervisor (the fault campaign lost the last one in 6 of 25 races).

The race window (between counting the supervisors and writing the new role) is widened
on purpose: ``UserRepository.count`` sleeps after counting. Without the lock both
demotions would pass the count every time; with it the second one waits, then finds it
may no longer change roles (or that it would demote the last supervisor).
"""

from __future__ import annotations

import threading
import time

import pytest

from desktop_app.services.access import PermissionDenied, Role, User
from desktop_app.services.accounts import AccountService, LastSupervisorError
from desktop_app.store.database import Database
from desktop_app.store.users import UserRepository

ROUNDS = 25
WIDENED_S = 0.03


@pytest.fixture
def widened_race(monkeypatch: pytest.MonkeyPatch) -> None:
    real_count = UserRepository.count

    def slow_count(self: UserRepository, *args: object, **kwargs: object) -> int:
        counted = real_count(self, *args, **kwargs)  # type: ignore[arg-type]
        time.sleep(WIDENED_S)  # the other demotion gets every chance to count too
        return counted

    monkeypatch.setattr(UserRepository, "count", slow_count)


def _enabled_supervisors(db: Database) -> list[str]:
    with db.session() as session:
        return sorted(u.name for u in UserRepository(session).all() if u.role == "supervisor" and not u.disabled)


def test_two_supervisors_demoting_each_other_never_leave_none(
    db: Database, supervisor: User, widened_race: None
) -> None:
    accounts = AccountService(db)
    second = accounts.add_user("主管小张", "another pass 1", Role.SUPERVISOR, actor=supervisor)
    outcomes: list[tuple[str, str]] = []
    for _ in range(ROUNDS):
        start = threading.Barrier(2)
        results: dict[str, str] = {}

        def demote(actor: User, target: User) -> None:
            start.wait()
            try:
                accounts.set_role(actor, target.name, Role.AGENT)
                results[actor.name] = "demoted"
            except (PermissionDenied, LastSupervisorError) as exc:
                results[actor.name] = type(exc).__name__

        threads = [
            threading.Thread(target=demote, args=(supervisor, second)),
            threading.Thread(target=demote, args=(second, supervisor)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        remaining = _enabled_supervisors(db)
        assert len(remaining) == 1, f"supervisors left: {remaining} after {results}"
        assert sorted(results.values()).count("demoted") == 1, results
        outcomes.append((remaining[0], next(name for name, what in results.items() if what == "demoted")))
        # Back to two supervisors for the next round, promoted by the one who is left.
        winner = User(supervisor.id, supervisor.name, Role.SUPERVISOR) if remaining[0] == supervisor.name else second
        loser = second if winner is not second else supervisor
        accounts.set_role(winner, loser.name, Role.SUPERVISOR)
    assert len(outcomes) == ROUNDS


def test_a_supervisor_demoted_while_waiting_cannot_change_roles(db: Database, supervisor: User, agent: User) -> None:
    accounts = AccountService(db)
    second = accounts.add_user("主管小张", "another pass 1", Role.SUPERVISOR, actor=supervisor)
    accounts.set_role(supervisor, second.name, Role.AGENT)
    with pytest.raises(PermissionDenied):
        accounts.set_role(second, agent.name, Role.SUPERVISOR)  # the User object still says supervisor
    assert _enabled_supervisors(db) == [supervisor.name]
