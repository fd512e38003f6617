"""Autosaving the reply an agent is typing, so that a crash or restart never loses it."""

from __future__ import annotations

from desktop_app.domain.records import DraftRecord
from desktop_app.services.access import User, acting_user
from desktop_app.store.database import Database
from desktop_app.store.drafts import DraftRepository


class DraftService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def save(self, ticket_id: int, body: str, *, actor: User | None) -> DraftRecord | None:
        """Keep ``actor``'s latest text (their own draft: nobody writes another's); an
        emptied editor removes the draft."""
        with self.db.session() as session:
            agent = acting_user(session, actor, "保存草稿").name
            repo = DraftRepository(session)
            if not body.strip():
                repo.delete(ticket_id, agent)
                return None
            return repo.upsert(ticket_id, agent, body)

    def accept(self, ticket_id: int, *, actor: User | None) -> DraftRecord | None:
        """``actor`` took their AI draft as it is (Tab): it reopens as their text, not as a
        draft; the generated text stays for the (generated, sent) pair. None without a draft."""
        with self.db.session() as session:
            agent = acting_user(session, actor, "接受草稿").name
            return DraftRepository(session).accept(ticket_id, agent)

    def load(self, ticket_id: int, agent: str) -> DraftRecord | None:
        with self.db.session() as session:
            return DraftRepository(session).get(ticket_id, agent)
