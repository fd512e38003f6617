"""Reply drafts: one row per (ticket, author), overwritten by every autosave."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from desktop_app.store.clock import utcnow
from desktop_app.store.schema import Draft


@dataclass(frozen=True, slots=True)
class DraftRecord:
    ticket_id: int
    author: str
    body: str
    generated: str | None
    updated_at: datetime


class DraftRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, ticket_id: int, author: str) -> DraftRecord | None:
        draft = self.session.scalar(select(Draft).where(Draft.ticket_id == ticket_id, Draft.author == author))
        if draft is None:
            return None
        return DraftRecord(draft.ticket_id, draft.author, draft.body, draft.generated, draft.updated_at)

    def upsert(self, ticket_id: int, author: str, body: str, generated: str | None = None) -> DraftRecord:
        draft = self.session.scalar(select(Draft).where(Draft.ticket_id == ticket_id, Draft.author == author))
        now = utcnow()
        if draft is None:
            draft = Draft(ticket_id=ticket_id, author=author, body=body, generated=generated, updated_at=now)
            self.session.add(draft)
        else:
            draft.body = body
            draft.updated_at = now
            if generated is not None:
                draft.generated = generated
        return DraftRecord(ticket_id, author, body, draft.generated, now)

    def delete(self, ticket_id: int, author: str) -> None:
        self.session.execute(delete(Draft).where(Draft.ticket_id == ticket_id, Draft.author == author))
