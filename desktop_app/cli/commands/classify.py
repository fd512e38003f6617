"""``aftersales classify``: tag JSONL lines ``{"id", "text"}`` with the ONNX tagger.

Input is read in chunks; each chunk is checked completely before it is tagged, so a bad
line stops the run before any of its chunk is written (earlier chunks of a long input
may already be out). Blank lines are skipped; line numbers count from 1. ``--explain``
adds the trigger words of flagged tickets (``触发词：「…」``, one more batched run each).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from typing import TextIO, cast

from desktop_app.nlp.tagging.explain import tag_with_trigger_words
from desktop_app.nlp.tagging.tagger import TicketTagger
from desktop_app.services.tagging import DEFAULT_BATCH_SIZE, Tagger

CHUNK_LINES = 1024


def command_line_threads() -> int:
    """Every core: from the command line no UI thread needs one kept free (the app keeps one)."""
    return os.cpu_count() or 2


class BadLine(ValueError):
    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


def parse_line(number: int, line: str) -> tuple[object, str]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BadLine(number, f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(record, dict):
        raise BadLine(number, 'expected an object {"id": …, "text": …}')
    if "id" not in record:
        raise BadLine(number, 'no "id"')
    if not isinstance(record["id"], str | int) or isinstance(record["id"], bool):
        raise BadLine(number, '"id" must be a string or an integer')
    text = record.get("text")
    if not isinstance(text, str):
        raise BadLine(number, '"text" must be a string')
    return record["id"], text


def _chunks(lines: Iterable[str]) -> Iterable[list[tuple[object, str]]]:
    chunk: list[tuple[object, str]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        chunk.append(parse_line(number, line))
        if len(chunk) == CHUNK_LINES:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def classify_jsonl(
    source: TextIO, out: TextIO, tagger: Tagger, batch_size: int = DEFAULT_BATCH_SIZE, explain: bool = False
) -> int:
    """Write one result line per input line; return how many were written."""
    written = 0
    for chunk in _chunks(source):
        texts = [text for _id, text in chunk]
        if explain:
            results = tag_with_trigger_words(cast(TicketTagger, tagger), texts, batch_size)
        else:
            results = tagger.tag(texts, batch_size=batch_size)
        for (record_id, _text), result in zip(chunk, results, strict=True):
            out.write(json.dumps({"id": record_id, **result.to_json()}, ensure_ascii=False) + "\n")
        out.flush()
        written += len(chunk)
    return written
