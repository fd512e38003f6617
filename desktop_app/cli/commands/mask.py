"""``aftersales mask``: mask personal data in JSONL lines ``{"id", "text"}``.

Each line is checked before it is masked; a bad line stops the run with its line number
(lines before it are already written). Blank lines are skipped; line numbers count from 1.
``--evaluate FILE`` scores the masker on a labelled set instead (see ``nlp.privacy_eval``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TextIO

from pathlib import Path

from desktop_app.cli.commands.classify import BadLine, parse_line
from desktop_app.cli.common import CliError
from desktop_app.nlp.privacy import mask_text
from desktop_app.nlp.privacy_eval import load_labelled, score

__all__ = ["BadLine", "evaluate_file", "mask_jsonl"]


def mask_jsonl(source: Iterable[str], out: TextIO) -> int:
    """Write ``{"id", "masked", "entities"}`` for each input line; return how many were written."""
    written = 0
    for number, line in enumerate(source, start=1):
        if not line.strip():
            continue
        record_id, text = parse_line(number, line)
        result = mask_text(text)
        payload = {"id": record_id, "masked": result.masked, "entities": [e.to_json() for e in result.entities]}
        out.write(json.dumps(payload, ensure_ascii=False) + "\n")
        written += 1
    out.flush()
    return written


def evaluate_file(path: Path, out: TextIO) -> int:
    """Print recall, survival, false positives and time per text on the labelled set, then each miss."""
    try:
        rows = load_labelled(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"cannot read {path}: {exc}") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise CliError(f"{path} is not a labelled set of {{id, text, mask, keep}} lines: {exc}") from exc
    result = score(rows)
    print(result.summary(), file=out)
    for miss in result.misses:
        print(f"  {miss}", file=out)
    return 0
