"""Tagging tickets with the ONNX tagger, and agents' corrections of its tags.

The database is read and written in short transactions around the model run, never
during it: a batch of 32 holds no lock while onnxruntime works. The GUI runs one batch
per background task (``tag_next_batch``) so that each batch's rows refresh as it lands;
the CLI and scripts call ``tag_untagged``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from desktop_app.config import default_tagger_dir
from desktop_app.domain.vocabulary import FlagRule
from desktop_app.nlp.model_folder import ModelFolderError
from desktop_app.nlp.tagging.tagger import TagResult, TicketTagger
from desktop_app.services.access import User
from desktop_app.services.audit import AuditAction
from desktop_app.services.display import masked_detail
from desktop_app.store.audit import AuditRepository
from desktop_app.store.database import Database
from desktop_app.domain.records import TicketDetail, TicketTagging
from desktop_app.store.tags import TagRepository
from desktop_app.store.tickets import TicketRepository

__all__ = [
    "DEFAULT_BATCH_SIZE",
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

    def correct(
        self, ticket_id: int, task: str, label: str, agent: str, expected_version: int, actor: User | None = None
    ) -> TicketDetail:
        """An agent's label for ``task`` (``intent`` or ``sentiment``); versioned, kept as
        feedback, and audited (as ``actor`` when given, else as ``agent``) in the same
        transaction. Returns the ticket masked for display."""
        with self.db.session() as session:
            before = TicketRepository(session).detail(ticket_id)
            TagRepository(session).correct(ticket_id, task, label, agent, expected_version)
            AuditRepository(session).append(
                actor.name if actor else agent,
                AuditAction.TAG_CORRECTION,
                ticket_id,
                {"task": task, "from": getattr(before, task), "to": label},
            )
            session.flush()
            return masked_detail(TicketRepository(session).detail(ticket_id))
