"""User accounts: names, roles and password hashes. Hashing and permission rules live in
``services.accounts``; this module only reads and writes rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from desktop_app.domain.clock import utcnow
from desktop_app.store.schema import User


@dataclass(frozen=True, slots=True)
class UserRecord:
    id: int
    name: str
    role: str
    password_hash: str
    created_at: datetime
    disabled: bool


def _record(user: User) -> UserRecord:
    return UserRecord(user.id, user.name, user.role, user.password_hash, user.created_at, user.disabled)


class UserRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def count(self, role: str | None = None, enabled_only: bool = False) -> int:
        statement = select(func.count()).select_from(User)
        if role is not None:
            statement = statement.where(User.role == role)
        if enabled_only:
            statement = statement.where(User.disabled.is_(False))
        return int(self.session.scalar(statement) or 0)

    def get(self, name: str) -> UserRecord | None:
        user = self.session.scalar(select(User).where(User.name == name))
        return None if user is None else _record(user)

    def all(self) -> list[UserRecord]:
        return [_record(user) for user in self.session.scalars(select(User).order_by(User.name))]

    def add(self, name: str, role: str, password_hash: str) -> UserRecord:
        user = User(name=name, role=role, password_hash=password_hash, created_at=utcnow(), disabled=False)
        self.session.add(user)
        self.session.flush()  # the id, and a duplicate name fails here rather than at commit
        return _record(user)

    def set_role(self, name: str, role: str) -> None:
        self.session.execute(update(User).where(User.name == name).values(role=role))
