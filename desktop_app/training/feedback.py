"""Agents' tag corrections as training examples (``aftersales train tagger --feedback``)."""

from __future__ import annotations

from sqlalchemy import select

from desktop_app.nlp.text import clean_text
from desktop_app.store.database import Database
from desktop_app.store.schema import Feedback, Ticket
from desktop_app.training.corpora import Example


def feedback_examples(db: Database) -> list[Example]:
    """The latest correction per ticket and task; a ticket corrected on both heads gives both labels."""
    latest: dict[tuple[int, str], str] = {}
    texts: dict[int, str] = {}
    with db.session() as session:
        rows = session.execute(
            select(Feedback.ticket_id, Feedback.task, Feedback.corrected_label, Ticket.text)
            .join(Ticket, Ticket.id == Feedback.ticket_id)
            .order_by(Feedback.created_at, Feedback.id)
        )
        for ticket_id, task, label, text in rows:
            latest[(ticket_id, task)] = label
            texts[ticket_id] = text
    examples = []
    for ticket_id, text in texts.items():
        examples.append(
            Example(
                clean_text(text),
                intent=latest.get((ticket_id, "intent")),
                sentiment=latest.get((ticket_id, "sentiment")),
                source="feedback",
            )
        )
    return examples
