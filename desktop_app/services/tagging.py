"""Tagging tickets with the ONNX tagger, and agents' corrections of its tags.

The database is read and written in short transactions around the model run, never
during it: a batch of 32 holds no lock while onnxruntime works. The GUI runs one batch
per background task (``tag_next_batch``) so that each batch's rows refresh as it lands;
the CLI and scripts call ``tag_untagged``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from desktop_app.config import default_tagger_dir
from desktop_app.domain.vocabulary import NEGATIVE, TRIGGER_PREFIX, FlagRule
from desktop_app.nlp.model_folder import ModelFolderError
from desktop_app.nlp.tagging.tagger import TagResult, TicketTagger
from desktop_app.services.access import User, acting_user
from desktop_app.domain.clock import utcnow
from desktop_app.services.assignment import check_may_work_on
from desktop_app.services.audit import AuditAction
from desktop_app.services.display import mask_for_display, masked_detail
from desktop_app.store.audit import AuditRepository
from desktop_app.store.database import Database
from desktop_app.domain.records import TicketDetail, TicketTagging
from desktop_app.store.tags import TagRepository
from desktop_app.store.tickets import TicketNotFound, TicketRepository

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "FlagExplanation",
    "ModelFolderError",
    "TaggedBatch",
    "Tagger",
    "TaggerUnavailable",
    "TaggingService",
    "default_tagger_folder",
    "load_tagger",
]

DEFAULT_BATCH_SIZE = 32


class Tagger(Protocol):
    """What the service needs of a tagger (``TicketTagger``, or a stand-in in tests)."""

    @property
    def name(self) -> str: ...

    flag_rule: FlagRule

    def tag(self, texts: Sequence[str], batch_size: int = DEFAULT_BATCH_SIZE) -> list[TagResult]: ...


class TaggerUnavailable(RuntimeError):
    """Tagging was asked for but no model is loaded."""


@dataclass(frozen=True, slots=True)
class TaggedBatch:
    ticket_ids: list[int]  # tagged and stored
    more: bool  # the batch was full: more untagged tickets are probably waiting


def default_tagger_folder() -> Path:
    """``$AFTERSALES_TAGGER_MODEL``, else ``models/tagger`` beside the app."""
    return default_tagger_dir()


def load_tagger(folder: Path | None = None, threads: int | None = None) -> TicketTagger:
    """Verify and load the tagger (seconds for a real model: call it from a worker)."""
    return TicketTagger.load(folder or default_tagger_folder(), threads=threads)


def _tagging(ticket_id: int, result: TagResult) -> TicketTagging:
    return TicketTagging(
        ticket_id=ticket_id,
        intent_scores=result.intent_scores,
        sentiment_scores=result.sentiment_scores,
        flagged=result.flagged,
        flag_reasons=list(result.flag_reasons),
    )


@dataclass(frozen=True, slots=True)
class FlagExplanation:
    """What ``TaggingService.explain`` found for one ticket."""

    ticket_id: int
    flagged: bool
    reasons: list[str]  # the ticket's flag reasons now, masked for display
    trigger: str  # its ``触发词：…`` reason, masked; "" when no word stands out (or not flagged)
    stored: bool  # the trigger words were computed now and written


def _trigger_reason(tagger: Tagger, ticket: TicketDetail) -> str:
    """Occlusion over the words of ``ticket`` for what flagged it (``nlp.tagging.explain``).

    The model tags the text afresh; a label an agent set decides instead of the model's,
    as it does for the flag: their complaint intent is a target, their sentiment counts as
    certain (p(negative) 1 or 0).
    """
    from desktop_app.nlp.tagging.explain import trigger_reason

    (result,) = tagger.tag([ticket.text])
    if ticket.intent_by_agent and ticket.intent is not None:
        result = replace(result, intent=ticket.intent)
    if ticket.sentiment_by_agent:
        certain = 1.0 if ticket.sentiment == NEGATIVE else 0.0
        result = replace(result, sentiment_scores={**result.sentiment_scores, NEGATIVE: certain})
    return trigger_reason(tagger, ticket.text, result)  # type: ignore[arg-type]


class TaggingService:
    """``tagger`` may be None (no model installed): corrections still work, tagging raises."""

    def __init__(self, db: Database, tagger: Tagger | None = None) -> None:
        self.db = db
        self.tagger = tagger

    def _require_tagger(self) -> Tagger:
        if self.tagger is None:
            raise TaggerUnavailable("no ticket tagger is loaded")
        return self.tagger

    def _tag_ids(self, ticket_ids: Sequence[int], retag: bool, batch_size: int) -> list[int]:
        tagger = self._require_tagger()
        with self.db.session() as session:
            texts = TagRepository(session).texts(ticket_ids)
        ordered = [tid for tid in ticket_ids if tid in texts]
        if not ordered:
            return []
        results = tagger.tag([texts[tid] for tid in ordered], batch_size=batch_size)
        taggings = [_tagging(tid, result) for tid, result in zip(ordered, results, strict=True)]
        with self.db.session() as session:
            return TagRepository(session).save_taggings(taggings, tagger.name, tagger.flag_rule, retag=retag)

    def tag_next_batch(self, batch_size: int = DEFAULT_BATCH_SIZE) -> TaggedBatch:
        """Tag the oldest ``batch_size`` untagged tickets."""
        self._require_tagger()
        with self.db.session() as session:
            ids = TagRepository(session).untagged_ids(batch_size)
        return TaggedBatch(self._tag_ids(ids, retag=False, batch_size=batch_size), more=len(ids) == batch_size)

    def tag_untagged(
        self,
        batch_size: int = DEFAULT_BATCH_SIZE,
        max_batches: int | None = None,
        should_stop: Callable[[], bool] | None = None,
        on_batch: Callable[[list[int]], None] | None = None,
    ) -> int:
        """Tag untagged tickets batch by batch until none is left; return how many were tagged.

        ``should_stop`` is asked before every batch; ``on_batch`` gets each batch's ids.
        """
        if batch_size < 1:
            raise ValueError("batch_size must be positive")
        tagged = 0
        batches = 0
        while max_batches is None or batches < max_batches:
            if should_stop is not None and should_stop():
                break
            batch = self.tag_next_batch(batch_size)
            batches += 1
            tagged += len(batch.ticket_ids)
            if on_batch is not None and batch.ticket_ids:
                on_batch(batch.ticket_ids)
            if not batch.more:
                break
        return tagged

    def tag_tickets(
        self, ticket_ids: Sequence[int], retag: bool = False, batch_size: int = DEFAULT_BATCH_SIZE
    ) -> list[int]:
        """Tag these tickets (with ``retag``, also those tagged before); return the ids stored.

        Labels an agent corrected are never replaced by the model's.
        """
        done: list[int] = []
        ids = list(dict.fromkeys(ticket_ids))
        for start in range(0, len(ids), batch_size):
            done += self._tag_ids(ids[start : start + batch_size], retag=retag, batch_size=batch_size)
        return done

    def explain(self, ticket_id: int) -> FlagExplanation:
        """The trigger words of one flagged ticket, computed now and kept in its flag reasons.

        Batch tagging leaves them out (an extra batched run per ticket); the app asks for
        them when someone looks: a flagged ticket opened in the pane, the desk's visible
        rows. A ticket that already has them is returned as it is; its other reasons stay.
        Raises TaggerUnavailable without a model, TicketNotFound for an unknown id.
        """
        tagger = self._require_tagger()
        with self.db.session() as session:
            ticket = TicketRepository(session).detail(ticket_id)
        existing = next((r for r in ticket.flag_reasons if r.startswith(TRIGGER_PREFIX)), "")
        if not ticket.flagged or existing:
            return self._explanation(ticket_id, ticket.flagged, ticket.flag_reasons, existing, stored=False)
        trigger = _trigger_reason(tagger, ticket)
        if not trigger:
            return self._explanation(ticket_id, True, ticket.flag_reasons, "", stored=False)
        with self.db.session() as session:
            reasons = TagRepository(session).store_trigger_reason(ticket_id, trigger, ticket.version, ticket.tagged_at)
        if reasons is None:  # changed meanwhile (re-tagged, unflagged, a new message): try again next look
            return self._explanation(ticket_id, ticket.flagged, ticket.flag_reasons, "", stored=False)
        return self._explanation(ticket_id, True, reasons, trigger, stored=True)

    def explain_many(self, ticket_ids: Sequence[int]) -> list[FlagExplanation]:
        """``explain`` for each ticket (the desk's visible rows); unknown ids are left out."""
        found = []
        for ticket_id in dict.fromkeys(ticket_ids):
            try:
                found.append(self.explain(ticket_id))
            except TicketNotFound:
                continue
        return found

    @staticmethod
    def _explanation(ticket_id: int, flagged: bool, reasons: list[str], trigger: str, stored: bool) -> FlagExplanation:
        return FlagExplanation(
            ticket_id=ticket_id,
            flagged=flagged,
            reasons=[mask_for_display(reason) for reason in reasons],
            trigger=mask_for_display(trigger) if trigger else "",
            stored=stored,
        )

    def correct(
        self, ticket_id: int, task: str, label: str, expected_version: int, *, actor: User | None
    ) -> TicketDetail:
        """``actor``'s label for ``task`` (``intent`` or ``sentiment``); versioned, kept as
        feedback under their name, and audited in the same transaction. Agents correct
        tickets nobody else holds (``services.assignment``). Returns the ticket masked for display."""
        with self.db.session() as session:
            user = acting_user(session, actor, "更正标签")
            before = TicketRepository(session).detail(ticket_id)
            check_may_work_on(user, before.assignee, before.claim_holder(utcnow()))
            TagRepository(session).correct(ticket_id, task, label, user.name, expected_version)
            AuditRepository(session).append(
                user.name,
                AuditAction.TAG_CORRECTION,
                ticket_id,
                {"task": task, "from": getattr(before, task), "to": label},
            )
            session.flush()
            return masked_detail(TicketRepository(session).detail(ticket_id))
