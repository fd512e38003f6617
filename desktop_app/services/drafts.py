"""Autosaving the reply an agent is typing, so that a crash or restart never loses it."""

from __future__ import annotations

from desktop_app.store.database import Database
from desktop_app.domain.records import DraftRecord
from desktop_app.store.drafts import DraftRepository


class DraftService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def save(self, ticket_id: int, agent: str, body: str) -> DraftRecord | None:
        """Keep the latest text; an emptied editor removes the draft."""
        with self.db.session() as session:
            repo = DraftRepository(session)
            if not body.strip():
                repo.delete(ticket_id, agent)
                return None
            return repo.upsert(ticket_id, agent, body)

    def load(self, ticket_id: int, agent: str) -> DraftRecord | None:
        with self.db.session() as session:
            return DraftRepository(session).get(ticket_id, agent)
