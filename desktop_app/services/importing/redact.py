"""Masking what an import report quotes from a file.

Reasons and file errors travel further than the tickets do (``--json`` reports piped into
other tools, the GUI's dialog, a screenshot in a bug report), so they are masked more
strictly than the text an agent sees: personal data as ``mask_text`` finds it, order
numbers included, and then what it leaves because letters touch it (``tel138 1234 5678``):
mobile numbers however spaced, and any run of seven or more digits (an ID number with a
wrong check digit). A reason never needs those digits: the line number says where the row is.
"""

from __future__ import annotations

import re

from desktop_app.nlp.privacy import MASK, mask_text

_GLUED_MOBILE = re.compile(r"(?<!\d)1[3-9]\d(?:[ -]?\d{4}){2}(?!\d)")
_DIGIT_RUN = re.compile(r"\d{7,}")


def _mask_run(match: re.Match[str]) -> str:
    """Keep the first three and last two digits, as a phone is shown; separators stay."""
    token = match.group()
    digits = sum(ch.isdigit() for ch in token)
    out, seen = [], 0
    for ch in token:
        if ch.isdigit():
            out.append(ch if seen < 3 or seen >= digits - 2 else MASK)
            seen += 1
        else:
            out.append(ch)
    return "".join(out)


def redact(text: str) -> str:
    """``text`` with personal data and long digit runs masked; masking twice changes nothing."""
    masked = mask_text(text).masked
    return _DIGIT_RUN.sub(_mask_run, _GLUED_MOBILE.sub(_mask_run, masked))
