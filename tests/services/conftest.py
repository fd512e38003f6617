"""Accounts for the role tests: one supervisor and two agents, created through the service."""

from __future__ import annotations

import pytest

from desktop_app.services.access import Role, User
from desktop_app.services.accounts import AccountService
from desktop_app.store.database import Database

PASSWORD = "correct horse"


@pytest.fixture
def supervisor(db: Database) -> User:
    return AccountService(db).add_user("主管老王", PASSWORD, Role.SUPERVISOR, actor=None)


@pytest.fixture
def agent(db: Database, supervisor: User) -> User:
    return AccountService(db).add_user("客服小美", PASSWORD, Role.AGENT, actor=supervisor)


@pytest.fixture
def other_agent(db: Database, supervisor: User) -> User:
    return AccountService(db).add_user("客服小李", PASSWORD, Role.AGENT, actor=supervisor)
