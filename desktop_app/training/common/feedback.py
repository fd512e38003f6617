"""Agents' corrections as training data, read from the file ``aftersales export-training`` wrote.

Training never reads the live database: a supervisor exports the de-identified JSONL
(every text masked, nobody named, the export written to the audit log) and training folds
in what it holds: tag corrections (``train tagger --feedback FILE``) and sent replies with
the turns before them (``train drafter --feedback FILE``). So no personal data reaches a
model that the audited export did not let out.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from desktop_app.nlp.drafting.prompt import Turn
from desktop_app.nlp.text import clean_text
from desktop_app.training.common.corpora import Example
from desktop_app.training.drafter.data import DraftPair, clean_reply, is_usable_reply

CONTEXT_TURNS = 6


class FeedbackFileError(ValueError):
    """The file is not an export-training JSONL; the message names the line."""


def export_lines(path: Path) -> Iterator[dict[str, Any]]:
    """The JSON objects of an export-training file, in order."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise FeedbackFileError(f"{path}: not UTF-8 ({exc.reason})") from None
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except ValueError as exc:
            raise FeedbackFileError(f"{path}:{number}: not JSON ({exc})") from None
        if not isinstance(data, dict) or data.get("kind") not in ("ticket", "reply"):
            raise FeedbackFileError(f"{path}:{number}: not an export-training line (no kind ticket/reply)")
        if not isinstance(data.get("ticket"), int):
            raise FeedbackFileError(f"{path}:{number}: no ticket id")
        corrections = data.get("corrections", [])
        if not isinstance(corrections, list) or not all(
            isinstance(c, dict) and {"task", "corrected_label"} <= c.keys() for c in corrections
        ):
            raise FeedbackFileError(f"{path}:{number}: corrections must be objects with task and corrected_label")
        yield data


def feedback_examples(path: Path) -> list[Example]:
    """One example per corrected ticket: the last correction of each task holds (the export
    lists them oldest first); a ticket corrected on both heads gives both labels."""
    examples = []
    for line in export_lines(path):
        if line["kind"] != "ticket" or not line.get("corrections"):
            continue
        latest = {c["task"]: c["corrected_label"] for c in line["corrections"]}
        examples.append(
            Example(
                clean_text(str(line.get("text") or "")),
                intent=latest.get("intent"),
                sentiment=latest.get("sentiment"),
                source="feedback",
            )
        )
    return examples


def reply_feedback_pairs(path: Path) -> list[DraftPair]:
    """Sent replies with the (masked) turns before them in their ticket.

    The final text is the target whether or not the agent edited the draft: what the agent
    sent is what the next model should have written. The turns are the ticket's messages
    up to that reply (matched by its masked text; the whole conversation if it is not found).
    """
    conversations: dict[int, list[Turn]] = {}
    replies: list[tuple[int, str]] = []
    for line in export_lines(path):
        if line["kind"] == "ticket":
            turns = [
                Turn("agent" if m.get("role") == "agent" else "customer", str(m.get("text") or ""))
                for m in line.get("messages", [])
            ]
            conversations[int(line["ticket"])] = turns or [Turn("customer", str(line.get("text") or ""))]
        elif line.get("final"):
            replies.append((int(line["ticket"]), str(line["final"])))
    pairs = []
    searched_from: dict[int, int] = {}  # the same canned reply sent twice matches its own turn
    for ticket_id, final in replies:
        turns = conversations.get(ticket_id, [])
        start = searched_from.get(ticket_id, 0)
        sent_at = next(
            (i for i in range(start, len(turns)) if turns[i].role == "agent" and turns[i].text.strip() == final.strip()),
            None,
        )
        if sent_at is not None:
            searched_from[ticket_id] = sent_at + 1
        before = turns[:sent_at] if sent_at is not None else turns
        reply = clean_reply(final)
        if before and is_usable_reply(reply):
            pairs.append(DraftPair(tuple(before[-CONTEXT_TURNS:]), reply, "feedback", f"ticket-{ticket_id}"))
    return pairs
