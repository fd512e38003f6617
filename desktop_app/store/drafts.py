"""Reply drafts: one row per (ticket, author), overwritten by every autosave.

A draft the generator wrote keeps the generated text, the model and the knowledge-base
entries beside the agent's edits, so that sending can store the (generated, sent) pair.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from desktop_app.domain.clock import utcnow
from desktop_app.domain.records import DraftRecord
from desktop_app.store.schema import Draft, ReplyOutcome


def _record(draft: Draft) -> DraftRecord:
    kb = tuple(str(entry) for entry in draft.generated_kb) if isinstance(draft.generated_kb, list) else ()
    return DraftRecord(
        draft.ticket_id,
        draft.author,
        draft.body,
        draft.generated,
        draft.updated_at,
        draft.generated_model,
        kb,
        draft.accepted_at,
    )


class DraftRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _row(self, ticket_id: int, author: str) -> Draft | None:
        return self.session.scalar(select(Draft).where(Draft.ticket_id == ticket_id, Draft.author == author))

    def get(self, ticket_id: int, author: str) -> DraftRecord | None:
        draft = self._row(ticket_id, author)
        return None if draft is None else _record(draft)

    def upsert(self, ticket_id: int, author: str, body: str, generated: str | None = None) -> DraftRecord:
        draft = self._row(ticket_id, author)
        now = utcnow()
        if draft is None:
            draft = Draft(ticket_id=ticket_id, author=author, body=body, generated=generated, updated_at=now)
            self.session.add(draft)
        else:
            draft.body = body
            draft.updated_at = now
            if generated is not None:
                draft.generated = generated
        self.session.flush()
        return _record(draft)

    def put_generated(
        self, ticket_id: int, author: str, generated: str, model: str, kb_ids: tuple[str, ...], body: str | None = None
    ) -> DraftRecord:
        """Store a generated draft (as the body too, unless the agent's own text is given)."""
        draft = self._row(ticket_id, author)
        now = utcnow()
        if draft is None:
            draft = Draft(ticket_id=ticket_id, author=author, body=generated, updated_at=now)
            self.session.add(draft)
        draft.body = generated if body is None else body
        draft.generated = generated
        draft.generated_model = model
        draft.generated_kb = list(kb_ids)
        draft.updated_at = now
        draft.accepted_at = None  # a new AI draft, not yet the agent's
        self.session.flush()
        return _record(draft)

    def accept(self, ticket_id: int, author: str) -> DraftRecord | None:
        """The agent took the AI draft as their own text (Tab): it reopens as theirs, and the
        generated text stays beside it for the (generated, sent) pair. None without a draft."""
        draft = self._row(ticket_id, author)
        if draft is None:
            return None
        if draft.generated is not None and draft.accepted_at is None:
            draft.accepted_at = utcnow()
            self.session.flush()
        return _record(draft)

    def delete(self, ticket_id: int, author: str) -> None:
        self.session.execute(delete(Draft).where(Draft.ticket_id == ticket_id, Draft.author == author))


def record_outcome(
    session: Session, ticket_id: int, message_id: int | None, author: str, final: str, draft: DraftRecord | None
) -> None:
    """Keep the sent reply next to the generated draft it started from (feedback data)."""
    session.add(
        ReplyOutcome(
            ticket_id=ticket_id,
            message_id=message_id,
            author=author,
            generated=draft.generated if draft else None,
            final=final,
            model=draft.generated_model if draft else None,
            kb_entries=list(draft.generated_kb) if draft and draft.generated_kb else None,
            created_at=utcnow(),
        )
    )
