"""The audit log's hash chain: how a row's hash is computed, and checking a whole log.

Each row stores ``prev_hash`` (the ``row_hash`` of the row before it; ``GENESIS`` for the
first) and ``row_hash = sha256(prev_hash + canonical content)``. Changing a row's content
breaks its own hash; deleting, inserting or reordering rows, or recomputing one row's
hash, breaks the link of the row after it. What the chain cannot show on its own is the
newest rows being cut off, or someone rewriting the whole chain from the point they
changed with this very code: it is tamper-evidence for the database file, not a
signature (PostgreSQL deployments also keep the app's role from altering the table).

The canonical form must never change: the hashes of old rows depend on it. The
migration that filled in the chain for existing rows (0006) imports it from here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

GENESIS = "0" * 64


def canonical_content(at: datetime, actor: str, action: str, ticket_id: int | None, detail: str) -> bytes:
    """The bytes a row's hash covers: its time (microseconds), actor, action, ticket and
    detail as stored (the JSON text, byte for byte)."""
    stamp = at.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    return json.dumps([stamp, actor, action, ticket_id, detail], ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8"
    )


def chain_hash(prev_hash: str, at: datetime, actor: str, action: str, ticket_id: int | None, detail: str) -> str:
    content = canonical_content(at, actor, action, ticket_id, detail)
    return hashlib.sha256(prev_hash.encode("ascii") + content).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainRow:
    id: int
    at: datetime
    actor: str
    action: str
    ticket_id: int | None
    detail: str
    prev_hash: str | None
    row_hash: str | None


@dataclass(frozen=True, slots=True)
class ChainReport:
    """``ok`` with the number of rows checked, or the first row that fails and why."""

    rows: int  # rows checked before the first problem (all of them when ok)
    bad_id: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


def verify_rows(rows: Iterable[ChainRow]) -> ChainReport:
    """Walk ``rows`` in id order and report the first one whose hash or link is wrong."""
    expected_prev, previous_id, checked = GENESIS, None, 0
    for row in rows:
        if not row.row_hash or not row.prev_hash:
            return ChainReport(checked, row.id, f"row {row.id} has no hash: it was not written by the app")
        if row.row_hash != chain_hash(row.prev_hash, row.at, row.actor, row.action, row.ticket_id, row.detail):
            return ChainReport(checked, row.id, f"row {row.id} was changed after it was written")
        if row.prev_hash != expected_prev:
            if previous_id is None:
                problem = f"row {row.id} is not the start of the chain: the rows before it are missing"
            else:
                problem = (
                    f"row {row.id} does not follow row {previous_id}: a row between them is missing, "
                    "or one of them was replaced"
                )
            return ChainReport(checked, row.id, problem)
        expected_prev, previous_id, checked = row.row_hash, row.id, checked + 1
    return ChainReport(checked)
