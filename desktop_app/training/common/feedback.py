"""Agents' corrections as training data: tag corrections (``train tagger --feedback``) and
sent replies next to their drafts (``train drafter --feedback``)."""

from __future__ import annotations

from sqlalchemy import select

from desktop_app.nlp.drafting.prompt import Turn
from desktop_app.nlp.privacy import mask_text
from desktop_app.nlp.text import clean_text
from desktop_app.store.database import Database
from desktop_app.store.schema import Feedback, Message, ReplyOutcome, Ticket
from desktop_app.training.common.corpora import Example
from desktop_app.training.drafter.data import DraftPair, clean_reply, is_usable_reply


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


def reply_feedback_pairs(db: Database) -> list[DraftPair]:
    """Sent replies (``reply_outcomes``) with the turns before them, personal data masked first.

    The final text is the target whether or not the agent edited the draft: what the agent
    sent is what the next model should have written.
    """
    pairs: list[DraftPair] = []
    with db.session() as session:
        outcomes = session.execute(
            select(ReplyOutcome.ticket_id, ReplyOutcome.message_id, ReplyOutcome.final).order_by(ReplyOutcome.id)
        ).all()
        for ticket_id, message_id, final in outcomes:
            query = select(Message.role, Message.text).where(Message.ticket_id == ticket_id).order_by(Message.id)
            if message_id is not None:
                query = query.where(Message.id < message_id)
            turns = tuple(
                Turn("agent" if role == "agent" else "customer", mask_text(text).masked)
                for role, text in session.execute(query)
            )
            if not turns:
                ticket_text = session.scalar(select(Ticket.text).where(Ticket.id == ticket_id)) or ""
                turns = (Turn("customer", mask_text(ticket_text).masked),)
            reply = clean_reply(mask_text(final).masked)
            if is_usable_reply(reply):
                pairs.append(DraftPair(turns[-6:], reply, "feedback", f"ticket-{ticket_id}"))
    return pairs
