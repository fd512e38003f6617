from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_app.domain.records import NewTicket
from desktop_app.services.access import PermissionDenied, Role
from desktop_app.services.accounts import AccountService
from desktop_app.services.audit import AuditService
from desktop_app.services.container import Services
from desktop_app.store.database import Database
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

    as_agent = ServiceDeskActions(Services(db), agent)
    with pytest.raises(PermissionDenied):
        as_agent.unflag(ticket_id, 1, "已安抚")
    with pytest.raises(PermissionDenied):
        as_agent.export(["text"], [["=1+1"]], str(tmp_path / "a.csv"), "csv")
    assert not (tmp_path / "a.csv").exists()

    as_boss = ServiceDeskActions(Services(db), boss)
    as_boss.take_over(ticket_id, 1)
    as_boss.unflag(ticket_id, 2, "已电话安抚")
    as_boss.export(["text"], [["=1+1"]], str(tmp_path / "b.csv"), "csv")
    assert "'=1+1" in (tmp_path / "b.csv").read_text("utf-8-sig")
    actions = [record.action for record in AuditService(db).read(boss)]
    assert {"take_over", "unflag", "export"} <= set(actions)


def test_the_desk_names_the_version_it_shows_and_a_ticket_changed_meanwhile_is_refused(
    qtbot,  # type: ignore[no-untyped-def]
    db: Database,
    make_ticket: Callable[..., NewTicket],
    add_tickets: Callable[[list[NewTicket]], dict[str, int]],
    set_columns: Callable[..., None],
) -> None:
    from desktop_app.domain.vocabulary import TicketStatus
    from desktop_app.services.tickets import TicketService
    from desktop_app.ui.supervisor import SupervisorDesk

    accounts = AccountService(db)
    boss = accounts.add_user("主管", PASSWORD, Role.SUPERVISOR, actor=None)
    agent = accounts.add_user("客服", PASSWORD, Role.AGENT, actor=boss)
    ticket_id = add_tickets([make_ticket(1, text="我要投诉")])["T-00001"]
    set_columns(ticket_id, flagged=True)
    desk = SupervisorDesk(Services(db), ServiceDeskActions(Services(db), boss), refresh_ms=60_000)
    qtbot.addWidget(desk)
    desk.show()
    qtbot.waitUntil(lambda: desk.flagged_model.rowCount() == 1, timeout=5000)
    assert desk.select_ticket(ticket_id) and desk.selected_ticket().version == 1
    # The agent answers meanwhile: the desk still shows what it read before.
    TicketService(db).set_status(ticket_id, TicketStatus.OPEN, 1, actor=agent)
    with qtbot.waitSignal(desk.actionFinished, timeout=5000) as finished:
        desk.take_over_button.click()
    assert finished.args == ["take_over", False]
    assert "刚被其他人更新过" in desk.banner_text()
    assert TicketService(db).open(ticket_id, "x").ticket.assignee is None  # nothing was done blind
    # The refusal reloaded the row; now the supervisor acts on what they see.
    qtbot.waitUntil(lambda: desk.selected_ticket() is not None and desk.selected_ticket().version == 2, timeout=5000)
    with qtbot.waitSignal(desk.actionFinished, timeout=5000) as finished:
        desk.take_over_button.click()
    assert finished.args == ["take_over", True]
    assert TicketService(db).open(ticket_id, "x").ticket.assignee == boss.name
    desk.shutdown()
