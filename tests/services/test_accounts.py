"""Accounts: scrypt hashes, sign-in, first run, role changes (supervisors only, audited)."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from desktop_app.services.access import PermissionDenied, Role, User, parse_role, require_supervisor
from desktop_app.services.accounts import (
    AccountError,
    AccountService,
    AuthenticationFailed,
    LastSupervisorError,
    UserExistsError,
    WeakPasswordError,
    hash_password,
    verify_password,
)
from desktop_app.store.database import Database
from desktop_app.store.schema import User as UserRow

PASSWORD = "correct horse"
passwords = st.text(min_size=1, max_size=40)


def _audit_rows(db: Database) -> list[tuple[str, str, dict]]:
    from desktop_app.store.audit import AuditRepository

    with db.session() as session:
        return [(r.actor, r.action, r.detail) for r in reversed(AuditRepository(session).page(100))]


# -- hashing -------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(password=passwords, other=passwords)
def test_hash_never_contains_the_password_and_only_it_verifies(password: str, other: str) -> None:
    encoded = hash_password(password, n=16)  # small n: the property, not the cost, is under test
    assert encoded.startswith("scrypt$n=16,r=8,p=1$")
    salt_and_hash = "$".join(encoded.split("$")[2:])
    if len(password) >= 8:  # shorter strings may occur in base64 by chance; 8 is the minimum anyway
        assert password not in salt_and_hash
        assert base64.b64encode(password.encode()).decode() not in encoded
    assert verify_password(password, encoded)
    assert verify_password(other, encoded) == (other == password)


def test_default_hash_format_and_salt() -> None:
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first != second  # a fresh salt each time
    algorithm, params, salt, digest = first.split("$")
    assert (algorithm, params) == ("scrypt", "n=16384,r=8,p=1")
    assert len(base64.b64decode(salt)) == 16 and len(base64.b64decode(digest)) == 32
    assert verify_password(PASSWORD, first) and verify_password(PASSWORD, second)
    assert not verify_password(PASSWORD + " ", first)


@pytest.mark.parametrize(
    "encoded",
    [
        "",
        "plain",
        "bcrypt$x$y$z",
        "scrypt$n=16,r=8,p=1$!!$AAAA",
        "scrypt$n=3,r=8,p=1$AAAA$AAAA",
        "scrypt$n=4194304,r=8,p=1$AAAA$AAAA",
    ],
)
def test_unreadable_or_absurd_hashes_never_verify(encoded: str) -> None:
    assert not verify_password(PASSWORD, encoded)


# -- first run and adding users -----------------------------------------------------
def test_first_run_creates_a_supervisor_without_an_actor(db: Database) -> None:
    accounts = AccountService(db)
    assert not accounts.has_users()
    boss = accounts.add_user(" 主管老王 ", PASSWORD, "supervisor", actor=None)
    assert boss == User(boss.id, "主管老王", Role.SUPERVISOR)
    assert accounts.has_users()
    with db.session() as session:
        stored = session.scalar(select(UserRow.password_hash))
    assert stored is not None and PASSWORD not in stored and verify_password(PASSWORD, stored)
    assert _audit_rows(db) == [("主管老王", "user_add", {"role": "supervisor", "user": "主管老王"})]


def test_first_account_must_be_a_supervisor(db: Database) -> None:
    with pytest.raises(AccountError, match="first account must be a supervisor"):
        AccountService(db).add_user("amy", PASSWORD, Role.AGENT, actor=None)
    assert not AccountService(db).has_users()


def test_without_an_actor_only_the_first_account_can_be_added(db: Database, supervisor: User) -> None:
    with pytest.raises(PermissionDenied, match="not signed in"):
        AccountService(db).add_user("intruder", PASSWORD, Role.SUPERVISOR, actor=None)


def test_agents_cannot_add_users(db: Database, agent: User) -> None:
    before = _audit_rows(db)
    with pytest.raises(PermissionDenied, match="权限不足"):
        AccountService(db).add_user("bob", "x", Role.SUPERVISOR, actor=agent)  # refused before the weak password
    assert _audit_rows(db) == before
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(UserRow)) == 2


@pytest.mark.parametrize(
    ("name", "password", "error"),
    [
        ("bob", "short", WeakPasswordError),
        ("", PASSWORD, AccountError),
        ("two words", PASSWORD, AccountError),
        ("x" * 101, PASSWORD, AccountError),
        ("客服小美", PASSWORD, UserExistsError),
    ],
)
def test_bad_accounts_are_refused(db: Database, supervisor: User, agent: User, name: str, password: str, error) -> None:
    with pytest.raises(error):
        AccountService(db).add_user(name, password, Role.AGENT, actor=supervisor)


def test_unknown_role_is_refused() -> None:
    assert parse_role(" Supervisor ") is Role.SUPERVISOR
    with pytest.raises(ValueError, match="agent, supervisor"):
        parse_role("admin")


# -- signing in ----------------------------------------------------------------------
def test_authenticate(db: Database, agent: User) -> None:
    accounts = AccountService(db)
    assert accounts.authenticate("客服小美", PASSWORD) == agent
    with pytest.raises(AuthenticationFailed, match="用户名或密码错误") as wrong_password:
        accounts.authenticate("客服小美", PASSWORD.upper())
    with pytest.raises(AuthenticationFailed) as unknown_name:
        accounts.authenticate("nobody", PASSWORD)
    assert str(wrong_password.value) == str(unknown_name.value)  # no hint which one was wrong


def test_disabled_accounts_cannot_sign_in(db: Database, agent: User) -> None:
    from sqlalchemy import update

    with db.session() as session:
        session.execute(update(UserRow).values(disabled=True).where(UserRow.name == agent.name))
    with pytest.raises(AuthenticationFailed, match="disabled"):
        AccountService(db).authenticate(agent.name, PASSWORD)


# -- roles ---------------------------------------------------------------------------
def test_supervisor_changes_a_role_and_it_is_audited(db: Database, supervisor: User, agent: User) -> None:
    promoted = AccountService(db).set_role(supervisor, agent.name, "supervisor")
    assert promoted.role is Role.SUPERVISOR
    assert _audit_rows(db)[-1] == ("主管老王", "role_change", {"from": "agent", "to": "supervisor", "user": "客服小美"})
    assert AccountService(db).authenticate(agent.name, PASSWORD).role is Role.SUPERVISOR


def test_agents_cannot_change_roles(db: Database, agent: User) -> None:
    before = _audit_rows(db)
    with pytest.raises(PermissionDenied, match="changing roles"):
        AccountService(db).set_role(agent, agent.name, Role.SUPERVISOR)
    assert _audit_rows(db) == before
    assert AccountService(db).authenticate(agent.name, PASSWORD).role is Role.AGENT


def test_the_last_supervisor_cannot_be_demoted(db: Database, supervisor: User, agent: User) -> None:
    accounts = AccountService(db)
    with pytest.raises(LastSupervisorError):
        accounts.set_role(supervisor, supervisor.name, Role.AGENT)
    accounts.set_role(supervisor, agent.name, Role.SUPERVISOR)
    assert accounts.set_role(supervisor, supervisor.name, Role.AGENT).role is Role.AGENT


def test_list_users_is_for_supervisors(db: Database, supervisor: User, agent: User) -> None:
    listed = AccountService(db).list_users(supervisor)
    assert [(u.name, u.role) for u in listed] == sorted([("主管老王", Role.SUPERVISOR), ("客服小美", Role.AGENT)])
    assert not any(hasattr(u, "password_hash") for u in listed)
    with pytest.raises(PermissionDenied):
        AccountService(db).list_users(agent)


def test_require_supervisor() -> None:
    boss, amy = User(1, "boss", Role.SUPERVISOR), User(2, "amy", Role.AGENT)
    assert require_supervisor(boss, "导出数据") is boss
    with pytest.raises(PermissionDenied) as denied:
        require_supervisor(amy, "导出数据")
    message = str(denied.value)
    assert "权限不足：导出数据需要主管权限" in message and "exporting data requires the supervisor role" in message
    with pytest.raises(PermissionDenied, match="未登录"):
        require_supervisor(None, "导出数据")
