"""Tags: which tickets still need the tagger, storing its results, agents' corrections.

Storing tags is not a user edit: it leaves ``version`` and ``updated_at`` alone, so an
agent who is replying while the tagger runs is never told the ticket went stale. It is
optimistic the other way round instead: a ticket whose version moved between the read
and the write (an agent sent, corrected, changed the status) is skipped this time and
tagged on the next pass. A correction is a user edit: versioned like any other, and kept
as a ``feedback`` row (training data for the next fine-tune).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Table, select, update
from sqlalchemy.orm import Session

from desktop_app.domain.clock import utcnow
from desktop_app.domain.records import TicketTagging
from desktop_app.domain.vocabulary import INTENTS, NEGATIVE, SENTIMENTS, TRIGGER_PREFIX, FlagRule
from desktop_app.store.schema import Feedback, Ticket, TicketTag
from desktop_app.store.tickets import TicketNotFound, TicketRepository, load_json, stored_reasons, stored_scores

TASKS: dict[str, dict[str, str]] = {"intent": INTENTS, "sentiment": SENTIMENTS}
SCORE_DIGITS = 6


def _label_with_score(label: str | None, score: float | None) -> tuple[str | None, float | None, bool]:
    """(label, score, set by an agent): a stored label without a score is an agent's."""
    return label, score, label is not None and score is None


def _flag(
    rule: FlagRule,
    intent: str | None,
    intent_score: float | None,
    intent_by_agent: bool,
    sentiment: str | None,
    negative_score: float | None,
    sentiment_by_agent: bool,
    previous_reasons: Sequence[str],
) -> tuple[bool, list[str]]:
    """The flag and its reasons for these labels; trigger words of an earlier tagging stay
    while the ticket remains flagged. An agent's sentiment counts as certain."""
    if sentiment_by_agent:
        negative_score = 1.0 if sentiment == NEGATIVE else 0.0
    reasons = rule.reasons(
        intent,
        intent_score,
        negative_score,
        intent_by_agent=intent_by_agent,
        sentiment_by_agent=sentiment_by_agent,
    )
    if reasons:
        reasons += [r for r in previous_reasons if r.startswith(TRIGGER_PREFIX)]
    return bool(reasons), reasons


def stored_rule(tag_scores: Any) -> FlagRule:
    """The flag rule a ticket was tagged under (the default when untagged or unreadable)."""
    data = load_json(tag_scores)
    try:
        return FlagRule.from_json(data.get("flag") if isinstance(data, dict) else None)
    except ValueError:
        return FlagRule()


class TagRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- the tagger's work list ----------------------------------------------------
    def untagged_ids(self, limit: int) -> list[int]:
        """Tickets never tagged, oldest first (served by the partial index ``ix_tickets_untagged``)."""
        statement = (
            select(Ticket.id).where(Ticket.tagged_at.is_(None)).order_by(Ticket.created_at, Ticket.id).limit(limit)
        )
        return list(self.session.scalars(statement))

    def texts(self, ticket_ids: Sequence[int]) -> dict[int, str]:
        """The customer's text of each ticket, as the tagger reads it."""
        if not ticket_ids:
            return {}
        return dict(self.session.execute(select(Ticket.id, Ticket.text).where(Ticket.id.in_(ticket_ids))).all())

    # -- storing the model's tags --------------------------------------------------
    def save_taggings(
        self, taggings: Sequence[TicketTagging], model: str, rule: FlagRule, retag: bool = False
    ) -> list[int]:
        """Store the tags in the caller's transaction; return the ids actually written.

        Untagged tickets only unless ``retag``. Labels an agent set are kept (the model's
        scores are stored beside them and the flag is worked out again). Every written
        ticket also gets one ``ticket_tags`` row per task with ``model``.
        """
        if not taggings:
            return []
        ids = [t.ticket_id for t in taggings]
        current = {
            row.id: row
            for row in self.session.execute(
                select(
                    Ticket.id,
                    Ticket.version,
                    Ticket.intent,
                    Ticket.intent_score,
                    Ticket.sentiment,
                    Ticket.sentiment_score,
                    Ticket.flag_reasons,
                    Ticket.tagged_at,
                ).where(Ticket.id.in_(ids))
            )
        }
        now = utcnow()
        saved: list[TicketTagging] = []
        for tagging in taggings:
            row = current.get(tagging.ticket_id)
            if row is None or (row.tagged_at is not None and not retag):
                continue
            intent_scores = {k: round(v, SCORE_DIGITS) for k, v in tagging.intent_scores.items()}
            sentiment_scores = {k: round(v, SCORE_DIGITS) for k, v in tagging.sentiment_scores.items()}
            intent, intent_score, intent_by_agent = _label_with_score(row.intent, row.intent_score)
            if not intent_by_agent:
                intent, intent_score = tagging.intent, intent_scores[tagging.intent]
            sentiment, sentiment_score, sentiment_by_agent = _label_with_score(row.sentiment, row.sentiment_score)
            if not sentiment_by_agent:
                sentiment, sentiment_score = tagging.sentiment, sentiment_scores[tagging.sentiment]
            if intent_by_agent or sentiment_by_agent:
                flagged, reasons = _flag(
                    rule,
                    intent,
                    intent_score,
                    intent_by_agent,
                    sentiment,
                    sentiment_scores.get(NEGATIVE),
                    sentiment_by_agent,
                    tagging.flag_reasons,
                )
            else:
                flagged, reasons = tagging.flagged, list(tagging.flag_reasons)
            statement = (
                update(Ticket)
                .where(Ticket.id == tagging.ticket_id, Ticket.version == row.version)
                .values(
                    intent=intent,
                    intent_score=intent_score,
                    sentiment=sentiment,
                    sentiment_score=sentiment_score,
                    flagged=flagged,
                    tag_scores={"intent": intent_scores, "sentiment": sentiment_scores, "flag": rule.to_json()},
                    flag_reasons=reasons,
                    tagged_at=now,
                )
                .execution_options(synchronize_session=False)
            )
            if not retag:
                statement = statement.where(Ticket.tagged_at.is_(None))
            if cast(CursorResult, self.session.execute(statement)).rowcount:
                saved.append(tagging)
        if saved:
            self.session.execute(
                cast(Table, TicketTag.__table__).insert(),
                [
                    {
                        "ticket_id": t.ticket_id,
                        "task": task,
                        "label": label,
                        "score": round(scores[label], SCORE_DIGITS),
                        "model": model[:100],
                        "created_at": now,
                    }
                    for t in saved
                    for task, label, scores in (
                        ("intent", t.intent, t.intent_scores),
                        ("sentiment", t.sentiment, t.sentiment_scores),
                    )
                ],
            )
        return [t.ticket_id for t in saved]

    # -- explanations and re-tagging ----------------------------------------------
    def store_trigger_reason(
        self, ticket_id: int, reason: str, version: int, tagged_at: datetime | None
    ) -> list[str] | None:
        """Put ``reason`` (``触发词：…``) in place of the ticket's trigger words, keeping its other
        reasons; return the reasons stored, or None when the ticket is no longer flagged or
        changed since it was read at ``version`` / ``tagged_at`` (the words may be stale).

        Like tagging this is not an edit: version and ``updated_at`` stay as they are.
        """
        ticket = self.session.get(Ticket, ticket_id)
        if ticket is None or not ticket.flagged or ticket.version != version or ticket.tagged_at != tagged_at:
            return None
        reasons = [r for r in stored_reasons(ticket.flag_reasons) if not r.startswith(TRIGGER_PREFIX)] + [reason]
        same_tagging = Ticket.tagged_at.is_(None) if tagged_at is None else Ticket.tagged_at == tagged_at
        statement = (
            update(Ticket)
            .where(Ticket.id == ticket_id, Ticket.version == version, Ticket.flagged.is_(True), same_tagging)
            .values(flag_reasons=reasons)
            .execution_options(synchronize_session=False)
        )
        return reasons if cast(CursorResult, self.session.execute(statement)).rowcount else None

    def mark_for_retagging(self, ticket_ids: Sequence[int]) -> None:
        """The tickets' text changed (a new customer message): tag them again.

        ``tagged_at`` goes back to NULL, so the background tagger picks them up; until it
        does they keep their tags and flag. Trigger words quoted the old text and go. Labels
        an agent set stay (a stored label without a score), and re-tagging keeps them too.
        """
        if not ticket_ids:
            return
        rows = self.session.execute(select(Ticket.id, Ticket.flag_reasons).where(Ticket.id.in_(ticket_ids))).all()
        for ticket_id, flag_reasons in rows:
            reasons = [r for r in stored_reasons(flag_reasons) if not r.startswith(TRIGGER_PREFIX)]
            self.session.execute(
                update(Ticket)
                .where(Ticket.id == ticket_id)
                .values(tagged_at=None, flag_reasons=reasons)
                .execution_options(synchronize_session=False)
            )

    # -- agents' corrections -------------------------------------------------------
    def correct(self, ticket_id: int, task: str, label: str, author: str, expected_version: int) -> int:
        """Set ``task``'s label as an agent's (versioned), flag again, keep a feedback row.

        Returns the new version; raises StaleTicketError / TicketNotFound like any edit.
        """
        if task not in TASKS:
            raise ValueError(f"unknown task {task!r}; expected one of {', '.join(TASKS)}")
        if label not in TASKS[task]:
            raise ValueError(f"unknown {task} {label!r}; expected one of {', '.join(TASKS[task])}")
        ticket = self.session.get(Ticket, ticket_id)
        if ticket is None:
            raise TicketNotFound(f"ticket {ticket_id} does not exist")
        model_scores = stored_scores(ticket.tag_scores, task)
        model_label = max(model_scores, key=model_scores.__getitem__) if model_scores else None

        intent, intent_score, intent_by_agent = _label_with_score(ticket.intent, ticket.intent_score)
        sentiment, _score, sentiment_by_agent = _label_with_score(ticket.sentiment, ticket.sentiment_score)
        if task == "intent":
            intent, intent_score, intent_by_agent = label, None, True
        else:
            sentiment, sentiment_by_agent = label, True
        flagged, reasons = _flag(
            stored_rule(ticket.tag_scores),
            intent,
            intent_score,
            intent_by_agent,
            sentiment,
            stored_scores(ticket.tag_scores, "sentiment").get(NEGATIVE),
            sentiment_by_agent,
            stored_reasons(ticket.flag_reasons),
        )
        version = TicketRepository(self.session).update_versioned(
            ticket_id,
            expected_version,
            **{task: label, f"{task}_score": None},
            flagged=flagged,
            flag_reasons=reasons,
        )
        self.session.add(
            Feedback(
                ticket_id=ticket_id,
                task=task,
                model_label=model_label,
                corrected_label=label,
                author=author,
                created_at=utcnow(),
            )
        )
        return version
