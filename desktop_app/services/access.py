"""Who is signed in and what their role allows.

The services check roles themselves (``require_supervisor``, ``acting_user``) rather than
trusting the UI to hide buttons: the CLI and any future front end go through the same
checks. Every service method that changes data takes the acting ``User``; ``None`` (nobody
signed in) is refused, and so is a hand-made ``User`` the store does not know.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from desktop_app.store.database import Database
from desktop_app.store.users import UserRepository


class Role(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"


ROLE_NAMES_ZH: dict[Role, str] = {Role.AGENT: "坐席", Role.SUPERVISOR: "主管"}

# The actions the services guard, as the Chinese message names them, with their English.
ACTIONS_EN: dict[str, str] = {
    "添加用户": "adding users",
    "修改角色": "changing roles",
    "查看用户列表": "listing users",
    "查看审计日志": "reading the audit log",
    "查看未脱敏信息": "revealing personal data",
    "导出数据": "exporting data",
    "导出训练数据": "exporting training data",
    "接管工单": "taking over tickets",
    "取消标记": "unflagging tickets",
    "更改其他坐席的工单分配": "changing another agent's assignment",
    "处理其他坐席的工单": "working on a ticket another agent holds",
    "回复工单": "replying to tickets",
    "修改工单状态": "changing a ticket's status",
    "修改工单分配": "assigning tickets",
    "更正标签": "correcting tags",
    "保存草稿": "saving drafts",
    "记录审计日志": "writing the audit log",
    "转派工单": "reassigning tickets",
    "打开工单": "opening tickets",
}


@dataclass(frozen=True)
class User:
    """A signed-in person (what ``AccountService.authenticate`` returns); carries no secret."""

    id: int
    name: str
    role: Role

    @property
    def is_supervisor(self) -> bool:
        return self.role is Role.SUPERVISOR


class PermissionDenied(Exception):
    """The signed-in user's role does not allow this; the message is shown as is (Chinese, then English)."""

    def __init__(self, user: User | None, action: str, needed: Role = Role.SUPERVISOR) -> None:
        self.user = user
        self.action = action
        self.needed = needed
        who = "未登录" if user is None else f"{user.name}（{ROLE_NAMES_ZH[user.role]}）"
        who_en = "not signed in" if user is None else f"{user.name} ({user.role.value})"
        super().__init__(
            f"权限不足：{action}需要{ROLE_NAMES_ZH[needed]}权限，当前用户 {who}。"
            f" / Permission denied: {ACTIONS_EN.get(action, action)} requires the {needed.value} role;"
            f" signed in as {who_en}."
        )


def parse_role(value: str | Role) -> Role:
    """A Role from its id; ValueError naming the valid ones otherwise."""
    try:
        return Role(str(value).strip().lower())
    except ValueError:
        raise ValueError(f"unknown role {value!r}; expected one of {', '.join(r.value for r in Role)}") from None


def acting_user(session: Session, user: User | None, action: str) -> User:
    """``user`` as the store knows them now, read in the caller's transaction.

    PermissionDenied when nobody is signed in (``None``), or the account is unknown,
    disabled or not the one the ``User`` was made from (a different id): a hand-made or
    stale object proves nothing. The returned User carries the stored role, so a
    supervisor demoted meanwhile acts as an agent at once.
    """
    if not isinstance(user, User):  # None, or a bare name: nobody signed in
        raise PermissionDenied(None, action, Role.AGENT)
    stored = UserRepository(session).get(user.name)
    if stored is None or stored.disabled or stored.id != user.id:
        raise PermissionDenied(user, action, Role.AGENT)
    return User(stored.id, stored.name, Role(stored.role))


def require_user(user: User | None, action: str, db: Database) -> User:
    """``acting_user`` in a transaction of its own (for calls that write elsewhere)."""
    with db.session() as session:
        return acting_user(session, user, action)


def require_supervisor(user: User | None, action: str, db: Database | None = None) -> User:
    """Return ``user`` if it is a supervisor; raise PermissionDenied otherwise (before anything is written).

    With ``db`` the role is read again from the store: a supervisor demoted or disabled while
    signed in loses the right at once, and a hand-made ``User`` object proves nothing.
    """
    if not isinstance(user, User):  # None, or a bare name: nobody signed in
        raise PermissionDenied(None, action)
    if user.role is not Role.SUPERVISOR:
        raise PermissionDenied(user, action)
    if db is not None:
        with db.session() as session:
            stored = UserRepository(session).get(user.name)
        if stored is None or stored.disabled or stored.role != Role.SUPERVISOR.value or stored.id != user.id:
            raise PermissionDenied(user, action)
    return user
