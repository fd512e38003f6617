from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_app.services.access import PermissionDenied, Role
from desktop_app.services.accounts import AccountService
from desktop_app.services.audit import AuditService
from desktop_app.store.database import Database
from desktop_app.domain.records import NewTicket
from desktop_app.ui.supervisor.service_actions import ServiceDeskActions

PASSWORD = "correct horse 1"


def test_desk_actions_go_through_the_services_with_the_signed_in_user(
    db: Database,
    make_ticket: Callable[..., NewTicket],
    add_tickets: Callable[[list[NewTicket]], dict[str, int]],
    set_columns: Callable[..., None],
    tmp_path: Path,
) -> None:
    accounts = AccountService(db)
    boss = accounts.add_user("主管", PASSWORD, Role.SUPERVISOR, actor=None)
    agent = accounts.add_user("客服", PASSWORD, Role.AGENT, actor=boss)
    ticket_id = add_tickets([make_ticket(1, text="=1+1 我要投诉")])["T-00001"]
    set_columns(ticket_id, flagged=True)

    as_agent = ServiceDeskActions(db, agent)
    with pytest.raises(PermissionDenied):
        as_agent.unflag(ticket_id, "已安抚")
    with pytest.raises(PermissionDenied):
        as_agent.export(["text"], [["=1+1"]], str(tmp_path / "a.csv"), "csv")
    assert not (tmp_path / "a.csv").exists()

    as_boss = ServiceDeskActions(db, boss)
    as_boss.take_over(ticket_id)
    as_boss.unflag(ticket_id, "已电话安抚")
    as_boss.export(["text"], [["=1+1"]], str(tmp_path / "b.csv"), "csv")
    assert "'=1+1" in (tmp_path / "b.csv").read_text("utf-8-sig")
    actions = [record.action for record in AuditService(db).read(boss)]
    assert {"take_over", "unflag", "export"} <= set(actions)
