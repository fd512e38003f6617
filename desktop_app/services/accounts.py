"""User accounts: scrypt password hashes, sign-in, roles.

Passwords are hashed with ``hashlib.scrypt`` (standard library, memory-hard) and a random
16-byte salt; the stored string names the algorithm and its parameters
(``scrypt$n=16384,r=8,p=1$<salt>$<hash>``, base64), so stronger parameters can be
adopted later without breaking old hashes. n=16384 takes about 50 ms: fast enough to
sign in from the GUI thread, slow enough to make guessing expensive.

Every sign-in and every failed one is audited (``sign_in`` / ``sign_in_failed``, the
failure's reason in the detail). Account changes that depend on a count (the first
account, demoting a supervisor) read the count and write in one transaction that holds
the ``users`` lock (``lock_for_write``), so two of them never both see the old count.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy.exc import IntegrityError

from desktop_app.services.access import PermissionDenied, Role, User, parse_role, require_supervisor
from desktop_app.services.audit import AuditAction
from desktop_app.store.audit import AuditRepository
from desktop_app.store.database import Database, lock_for_write
from desktop_app.store.users import UserRecord, UserRepository

USERS_LOCK = "users"

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "AccountError",
    "AccountService",
    "AuthenticationFailed",
    "LastSupervisorError",
    "UserExistsError",
    "UserInfo",
    "WeakPasswordError",
    "hash_password",
    "verify_password",
]

MIN_PASSWORD_LENGTH = 8
MAX_NAME_LENGTH = 100
SALT_BYTES = 16
HASH_BYTES = 32
SCRYPT_N, SCRYPT_R, SCRYPT_P = 16384, 8, 1
_MAX_N = 2**20  # refuse absurd parameters from a hand-edited row (memory exhaustion)
_HASH_RE = re.compile(r"scrypt\$n=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)")


class AccountError(ValueError):
    """A problem with an account request; the message is for the person at the screen."""


class AuthenticationFailed(AccountError):
    """Wrong name or password (deliberately not saying which), or a disabled account."""


class WeakPasswordError(AccountError):
    pass


class UserExistsError(AccountError):
    pass


class LastSupervisorError(AccountError):
    """Demoting the last supervisor would leave nobody able to manage accounts."""


@dataclass(frozen=True, slots=True)
class UserInfo:
    """An account as listed to supervisors: no password hash."""

    name: str
    role: Role
    created_at: datetime
    disabled: bool


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=256 * r * n + 1024 * 1024, dklen=HASH_BYTES
    )


def hash_password(password: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    """``scrypt$n=…,r=…,p=…$<salt b64>$<hash b64>`` with a fresh random salt."""
    salt = secrets.token_bytes(SALT_BYTES)
    return f"scrypt$n={n},r={r},p={p}${_b64(salt)}${_b64(_scrypt(password, salt, n, r, p))}"


def verify_password(password: str, encoded: str) -> bool:
    """True if ``password`` matches; False for a wrong password or an unreadable hash.

    The comparison is constant-time (``hmac.compare_digest``).
    """
    match = _HASH_RE.fullmatch(encoded)
    if match is None:
        return False
    n, r, p = (int(match[i]) for i in (1, 2, 3))
    if not (1 < n <= _MAX_N and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 16):
        return False
    try:
        salt, expected = base64.b64decode(match[4], validate=True), base64.b64decode(match[5], validate=True)
    except ValueError:
        return False
    return hmac.compare_digest(_scrypt(password, salt, n, r, p), expected)


@cache
def _dummy_hash() -> str:
    """Checked when the name is unknown, so that a wrong name costs as long as a wrong password."""
    return hash_password(secrets.token_hex(8))


def _user(record: UserRecord) -> User:
    return User(record.id, record.name, Role(record.role))


def _clean_name(name: str) -> str:
    cleaned = name.strip()
    if not cleaned or len(cleaned) > MAX_NAME_LENGTH or any(ch.isspace() or not ch.isprintable() for ch in cleaned):
        raise AccountError(
            f"用户名须为 1–{MAX_NAME_LENGTH} 个字符且不含空白"
            f" / a user name is 1–{MAX_NAME_LENGTH} characters without spaces"
        )
    return cleaned


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPasswordError(
            f"密码至少 {MIN_PASSWORD_LENGTH} 个字符 / the password needs at least {MIN_PASSWORD_LENGTH} characters"
        )


class AccountService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def has_users(self) -> bool:
        """False on first run: the app then asks for the first supervisor account."""
        with self.db.session() as session:
            return UserRepository(session).count() > 0

    def add_user(self, name: str, password: str, role: Role | str, actor: User | None) -> User:
        """Create an account. Supervisors add users; with no accounts yet (first run) nobody
        is signed in, ``actor`` is None and the account must be a supervisor's."""
        if actor is not None:
            require_supervisor(actor, "添加用户", self.db)
        role = parse_role(role)
        name = _clean_name(name)
        check_password_strength(password)
        with self.db.session() as session:
            lock_for_write(session, USERS_LOCK)
            users = UserRepository(session)
            if actor is None:
                if users.count() > 0:
                    raise PermissionDenied(None, "添加用户")
                if role is not Role.SUPERVISOR:
                    raise AccountError("第一个账号必须是主管 / the first account must be a supervisor")
            if users.get(name) is not None:
                raise UserExistsError(f"用户 {name} 已存在 / user {name} already exists")
            try:
                record = users.add(name, role.value, hash_password(password))
            except IntegrityError as exc:  # added by someone else meanwhile
                raise UserExistsError(f"用户 {name} 已存在 / user {name} already exists") from exc
            AuditRepository(session).append(
                actor.name if actor else name, AuditAction.USER_ADD, None, {"user": name, "role": role.value}
            )
        return _user(record)

    def authenticate(self, name: str, password: str) -> User:
        """The signed-in user, or AuthenticationFailed (same message for a wrong name or
        password). Both outcomes are written to the audit log."""
        name = name.strip()
        with self.db.session() as session:
            record = UserRepository(session).get(name)
        if record is None:
            verify_password(password, _dummy_hash())
            self._audit_sign_in(name, AuditAction.SIGN_IN_FAILED, "unknown user")
            raise AuthenticationFailed("用户名或密码错误 / wrong user name or password")
        if not verify_password(password, record.password_hash):
            self._audit_sign_in(record.name, AuditAction.SIGN_IN_FAILED, "wrong password")
            raise AuthenticationFailed("用户名或密码错误 / wrong user name or password")
        if record.disabled:
            self._audit_sign_in(record.name, AuditAction.SIGN_IN_FAILED, "account disabled")
            raise AuthenticationFailed(f"账号 {record.name} 已停用 / the account {record.name} is disabled")
        self._audit_sign_in(record.name, AuditAction.SIGN_IN, None)
        return _user(record)

    def _audit_sign_in(self, name: str, action: AuditAction, reason: str | None) -> None:
        """The name as typed for a failed attempt (truncated): who is trying matters."""
        with self.db.session() as session:
            AuditRepository(session).append(name or "?", action, None, {"reason": reason} if reason else {})

    def set_role(self, actor: User, name: str, role: Role | str) -> User:
        """Supervisors only; audited. The last enabled supervisor cannot be demoted.

        The actor's right, the supervisor count and the change are one transaction under
        the ``users`` lock: two supervisors demoting each other at the same moment are
        served one after the other, and the second finds they are no longer a supervisor
        (or the last one), so the desk is never left without one.
        """
        require_supervisor(actor, "修改角色", self.db)  # refuse early, before waiting on the lock
        role = parse_role(role)
        with self.db.session() as session:
            lock_for_write(session, USERS_LOCK)
            users = UserRepository(session)
            stored = users.get(actor.name)
            if stored is None or stored.disabled or stored.id != actor.id or stored.role != Role.SUPERVISOR.value:
                raise PermissionDenied(actor, "修改角色")
            record = users.get(name.strip())
            if record is None:
                raise AccountError(f"没有用户 {name} / no user named {name}")
            if record.role == role.value:
                return _user(record)
            if (
                record.role == Role.SUPERVISOR.value
                and not record.disabled
                and users.count(Role.SUPERVISOR.value, enabled_only=True) <= 1
            ):
                raise LastSupervisorError("不能取消最后一位主管 / cannot demote the last supervisor")
            users.set_role(record.name, role.value)
            AuditRepository(session).append(
                actor.name, AuditAction.ROLE_CHANGE, None, {"user": record.name, "from": record.role, "to": role.value}
            )
        return User(record.id, record.name, role)

    def list_users(self, actor: User) -> list[UserInfo]:
        """Supervisors only (account administration): names, roles, no hashes."""
        require_supervisor(actor, "查看用户列表", self.db)
        with self.db.session() as session:
            return [UserInfo(r.name, Role(r.role), r.created_at, r.disabled) for r in UserRepository(session).all()]
