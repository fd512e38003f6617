"""The supervisor desk: the flagged queue with its actions, charts, and model health."""

from __future__ import annotations

from desktop_app.ui.supervisor.actions import DeskActions
from desktop_app.ui.supervisor.desk import SupervisorDesk

__all__ = ["DeskActions", "SupervisorDesk"]
