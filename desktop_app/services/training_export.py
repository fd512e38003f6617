"""``aftersales export-training``: de-identified ticket and reply data for retraining.

One JSON object per line. ``{"kind": "ticket", …}`` lines carry the masked text and
messages, the current labels (and whether an agent set them) and every tag correction;
``{"kind": "reply", …}`` lines carry a generated draft next to the reply actually sent.
Every text goes through ``mask_text`` (order numbers included), and nothing names a
customer or an agent: tickets are known by their database id only. Supervisors only,
audited ('export_training'); written beside the target and renamed into place.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from desktop_app.nlp.privacy import mask_text
from desktop_app.services.access import User, require_supervisor
from desktop_app.services.audit import AuditAction
from desktop_app.store.audit import AuditRepository
from desktop_app.store.database import Database
from desktop_app.store.training_data import Correction, TrainingDataRepository

__all__ = ["TrainingExportResult", "export_training"]

BATCH = 500


@dataclass(frozen=True, slots=True)
class TrainingExportResult:
    path: Path
    tickets: int
    replies: int


def _mask(text: str | None) -> str | None:
    return None if text is None else mask_text(text).masked


def _ticket_lines(db: Database) -> Iterator[dict[str, object]]:
    after = 0
    while True:
        with db.session() as session:
            repo = TrainingDataRepository(session)
            batch = repo.tickets(after, BATCH)
            corrections: dict[int, list[Correction]] = defaultdict(list)
            for correction in repo.corrections([t.id for t in batch]):
                corrections[correction.ticket_id].append(correction)
        if not batch:
            return
        for t in batch:
            yield {
                "kind": "ticket",
                "ticket": t.id,
                "text": _mask(t.text),
                "messages": [{"role": role, "text": _mask(text)} for role, text in t.messages],
                "intent": t.intent,
                "intent_by_agent": t.intent_by_agent,
                "sentiment": t.sentiment,
                "sentiment_by_agent": t.sentiment_by_agent,
                "corrections": [
                    {"task": c.task, "model_label": c.model_label, "corrected_label": c.corrected_label}
                    for c in corrections[t.id]
                ],
            }
        after = batch[-1].id


def _reply_lines(db: Database) -> Iterator[dict[str, object]]:
    after = 0
    while True:
        with db.session() as session:
            batch = TrainingDataRepository(session).reply_pairs(after, BATCH)
        if not batch:
            return
        for pair in batch:
            yield {
                "kind": "reply",
                "ticket": pair.ticket_id,
                "generated": _mask(pair.generated),
                "final": _mask(pair.final),
                "unchanged": pair.generated is not None and pair.generated.strip() == pair.final.strip(),
                "model": pair.model,
                "kb_entries": pair.kb_entries,
            }
        after = batch[-1].id


def _write(out: TextIO, lines: Iterator[dict[str, object]]) -> int:
    count = 0
    for line in lines:
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
        count += 1
    return count


def export_training(db: Database, actor: User, path: str | os.PathLike[str]) -> TrainingExportResult:
    """Write the de-identified JSONL to ``path``; supervisors only, audited."""
    require_supervisor(actor, "导出训练数据", db)
    target = Path(path)
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            tickets = _write(out, _ticket_lines(db))
            replies = _write(out, _reply_lines(db))
        with db.session() as session:
            AuditRepository(session).append(
                actor.name,
                AuditAction.EXPORT_TRAINING,
                None,
                {"path": str(target.resolve()), "tickets": tickets, "replies": replies},
            )
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    return TrainingExportResult(target, tickets, replies)
