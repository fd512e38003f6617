"""Reading tickets, corrections and reply pairs in id order, a batch at a time, for the
training export (the store hands out raw text; the service masks it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.store.schema import Feedback, Message, ReplyOutcome, Ticket
from desktop_app.store.tickets import load_json


@dataclass(frozen=True, slots=True)
class TicketSample:
    id: int
    text: str
    intent: str | None
    intent_by_agent: bool
    sentiment: str | None
    sentiment_by_agent: bool
    messages: list[tuple[str, str]] = field(default_factory=list)  # (role, text)


@dataclass(frozen=True, slots=True)
class Correction:
    ticket_id: int
    task: str
    model_label: str | None
    corrected_label: str


@dataclass(frozen=True, slots=True)
class ReplyPair:
    id: int
    ticket_id: int
    generated: str | None
    final: str
    model: str | None
    kb_entries: list[object]


class TrainingDataRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def tickets(self, after_id: int, limit: int) -> list[TicketSample]:
        rows = self.session.execute(
            select(Ticket.id, Ticket.text, Ticket.intent, Ticket.intent_score, Ticket.sentiment, Ticket.sentiment_score)
            .where(Ticket.id > after_id)
            .order_by(Ticket.id)
            .limit(limit)
        ).all()
        messages: dict[int, list[tuple[str, str]]] = {row.id: [] for row in rows}
        if rows:
            for ticket_id, role, text in self.session.execute(
                select(Message.ticket_id, Message.role, Message.text)
                .where(Message.ticket_id.in_(list(messages)))
                .order_by(Message.ticket_id, Message.created_at, Message.id)
            ):
                messages[ticket_id].append((role, text))
        return [
            TicketSample(
                r.id,
                r.text,
                r.intent,
                r.intent is not None and r.intent_score is None,
                r.sentiment,
                r.sentiment is not None and r.sentiment_score is None,
                messages[r.id],
            )
            for r in rows
        ]

    def corrections(self, ticket_ids: Sequence[int]) -> list[Correction]:
        """Oldest first, so the last one per (ticket, task) is the label that holds."""
        if not ticket_ids:
            return []
        statement = (
            select(Feedback.ticket_id, Feedback.task, Feedback.model_label, Feedback.corrected_label)
            .where(Feedback.ticket_id.in_(ticket_ids))
            .order_by(Feedback.created_at, Feedback.id)
        )
        return [Correction(*row) for row in self.session.execute(statement)]

    def reply_pairs(self, after_id: int, limit: int) -> list[ReplyPair]:
        statement = select(ReplyOutcome).where(ReplyOutcome.id > after_id).order_by(ReplyOutcome.id).limit(limit)
        pairs = []
        for outcome in self.session.scalars(statement):
            entries = load_json(outcome.kb_entries)
            pairs.append(
                ReplyPair(
                    outcome.id,
                    outcome.ticket_id,
                    outcome.generated,
                    outcome.final,
                    outcome.model,
                    entries if isinstance(entries, list) else [],
                )
            )
        return pairs
