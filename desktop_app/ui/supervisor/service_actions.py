"""The desk's actions bound to the signed-in supervisor: the services check the role and audit."""

from __future__ import annotations

from typing import cast

from desktop_app.services.access import User
from desktop_app.services.container import Services
from desktop_app.services.export import ExportFormat


class ServiceDeskActions:
    """:class:`~desktop_app.ui.supervisor.actions.DeskActions` over the supervision and export services."""

    def __init__(self, services: Services, actor: User) -> None:
        self.services = services
        self.actor = actor
        self.supervision = services.supervision

    def reassign(self, ticket_id: int, version: int, to_agent: str | None, reason: str) -> None:
        self.supervision.reassign(self.actor, ticket_id, to_agent, reason, expected_version=version)

    def take_over(self, ticket_id: int, version: int) -> None:
        self.supervision.take_over(self.actor, ticket_id, expected_version=version)

    def unflag(self, ticket_id: int, version: int, reason: str) -> None:
        self.supervision.unflag(self.actor, ticket_id, reason, expected_version=version)

    def export(self, headers: list[str], rows: list[list[str]], path: str, fmt: str) -> None:
        self.services.export_rows(self.actor, headers, rows, path, cast(ExportFormat, fmt))
