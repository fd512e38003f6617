"""Turning generated text into a draft an agent can send: order facts filled in, never invented.

The generator writes the slot token ``[ORDER]`` where an order number belongs; it is replaced
with the ticket's own order number (and banned outright when the ticket has none). Every
other corpus placeholder is banned while generating, so the model cannot emit a number,
date or name it does not know. The form of address comes from the ticket's customer field.
"""

from __future__ import annotations

import re
import unicodedata

from desktop_app.nlp.text import ORDER, PLACEHOLDER_TOKENS

FILLABLE = {ORDER: "order_id"}
UNFILLABLE = tuple(t for t in PLACEHOLDER_TOKENS if t not in FILLABLE)

_CJK = r"[\u3400-\u9fff\uf900-\ufaff]"
_HALF_TO_FULL = {",": "，", "?": "？", "!": "！", ":": "：", ";": "；"}
_PUNCT_AFTER_CJK = re.compile(rf"(?<={_CJK}|[，？！：；])([,?!:;])|([,?!:;])(?={_CJK})")
_REPEATED_PUNCT = re.compile(r"([，。！？~])\1+")
_REPEATED_CLAUSE = re.compile(r"(.{2,}?[，。！？~])\1+")
_HONORIFIC = re.compile(r"(先生|女士|小姐|老师|总)$")
_NAME_LIKE = re.compile(rf"^{_CJK}{{2,4}}$")
_GREETING = re.compile(r"^(?:亲爱的|亲|您好|你好)[,，!！~]*")


def form_of_address(customer: str) -> str:
    """How to greet the customer: a Chinese name (with or without honorific) as it is, else 亲.

    Platform nicknames and account ids (``jd_8f2a…``) are not names to greet anyone by.
    """
    name = unicodedata.normalize("NFKC", customer or "").strip()
    if (_HONORIFIC.search(name) and len(name) <= 8) or _NAME_LIKE.match(name):
        return name
    return "亲"


def polish(text: str) -> str:
    """Chinese punctuation, no doubled marks or repeated clauses, no dangling commas."""
    while (widened := _PUNCT_AFTER_CJK.sub(lambda m: _HALF_TO_FULL[m.group(1) or m.group(2)], text)) != text:
        text = widened  # a run of marks widens one mark per pass (the look-behind sees the old text)
    text = _REPEATED_PUNCT.sub(r"\1", text)
    text = _REPEATED_CLAUSE.sub(r"\1", text)
    return strip_codes(text).strip(" ，,")


def address_customer(text: str, customer: str) -> str:
    """Open the draft with the customer's form of address, replacing a generic greeting.

    Without a customer field the draft is left as generated (evaluation compares the model's
    own words with the references).
    """
    if not customer.strip():
        return text
    address = form_of_address(customer)
    body = _GREETING.sub("", text).lstrip("，, ")
    if address == "亲":
        return f"亲，{body}" if body else "亲"
    return f"{address}您好，{body}" if body else f"{address}您好"


_LEFTOVER_EMOJI_CODE = re.compile(r"#?E-[a-z](?:\[[^\]]*\]|\d+)?")
def strip_codes(text: str) -> str:
    """Corpus emoji codes a small model may still write (``#E-s33``)."""
    return _LEFTOVER_EMOJI_CODE.sub("", text)


def contains_placeholder(text: str) -> bool:
    """A corpus placeholder or raw token left in a draft (which must never happen)."""
    return bool(re.search(r"\[(?:[A-Z]+|[^\]]{1,6}x|ORDERID_\d+)\]", text))
