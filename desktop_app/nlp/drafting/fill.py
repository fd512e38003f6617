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
# A run of different marks (「。，」, 「，。」, 「！。」): the first mark that ends a sentence wins,
# else the first mark. "~" is decoration, not punctuation, and is left alone.
_MIXED_PUNCT = re.compile(r"[，。！？；：、]{2,}")
_ENDS_SENTENCE = "。！？"
# A field label with nothing after it (「商品地址：。」): the model's form ran out of facts.
_EMPTY_LABEL = re.compile(r"(?:^|(?<=[，。！？；]))[^，。！？；：\n]{1,12}：\s*(?:[，。！？；]|$)")
_REPEATED_CLAUSE = re.compile(r"(.{2,}?[，。！？~])\1+")
_HONORIFIC = re.compile(r"(先生|女士|小姐|老师|总)$")
_NAME_LIKE = re.compile(rf"^{_CJK}{{2,4}}$")
# Generic ways to address a customer. 亲/客户… only count as a greeting when punctuation or
# 您好 follows (亲自, 客户端 are words); 您好/你好 always do.
_ADDRESSEE = r"(?:(?:尊敬的|亲爱的)?(?:客户|顾客|用户|买家)|亲爱的|亲亲|亲)"
_GREETING_UNIT = rf"(?:{_ADDRESSEE}(?:您好|你好)|{_ADDRESSEE}(?=[,，!！~。\s]|$)|您好|你好)"
_GREETING = re.compile(rf"^(?:{_GREETING_UNIT}[,，!！~。\s]*)+")
# Two forms of address in a row (「亲，亲，」, 「亲，客户，」) at the start of a clause: keep the first.
_DOUBLE_ADDRESS = re.compile(rf"(?:^|(?<=[，。！？~\s]))({_ADDRESSEE}[，！~])(?:{_ADDRESSEE}(?:[，！~]|$))+")
_NO_FINAL_MARK = re.compile(rf"(?:{_CJK}|[0-9A-Za-z）)」』”’])$")
_DANGLING = " ，,；;、：:"


def form_of_address(customer: str) -> str:
    """How to greet the customer: a Chinese name (with or without honorific) as it is, else 亲.

    Platform nicknames and account ids (``jd_8f2a…``) are not names to greet anyone by.
    """
    name = unicodedata.normalize("NFKC", customer or "").strip()
    if (_HONORIFIC.search(name) and len(name) <= 8) or _NAME_LIKE.match(name):
        return name
    return "亲"


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # control characters but tab and line feed


def polish(text: str) -> str:
    """Chinese punctuation, no doubled marks or repeated clauses, no dangling commas, no empty
    field labels, one form of address, and a final mark (a reply that stops mid-air reads as cut off)."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))  # the editor would change them
    while (widened := _PUNCT_AFTER_CJK.sub(lambda m: _HALF_TO_FULL[m.group(1) or m.group(2)], text)) != text:
        text = widened  # a run of marks widens one mark per pass (the look-behind sees the old text)
    text = strip_codes(text)
    text = _EMPTY_LABEL.sub("", text)
    text = _REPEATED_PUNCT.sub(r"\1", text)
    text = _MIXED_PUNCT.sub(_one_mark, text)
    text = _REPEATED_CLAUSE.sub(r"\1", text)
    text = _DOUBLE_ADDRESS.sub(r"\1", text)
    text = text.strip(_DANGLING)
    return text + "。" if _NO_FINAL_MARK.search(text) else text


def _one_mark(run: re.Match[str]) -> str:
    marks = run.group(0)
    return next((m for m in marks if m in _ENDS_SENTENCE), marks[0])


def address_customer(text: str, customer: str) -> str:
    """Open the draft with the customer's form of address, replacing a generic greeting.

    Without a customer field the draft is left as generated (evaluation compares the model's
    own words with the references).
    """
    if not customer.strip():
        return text
    address = form_of_address(customer)
    body = _GREETING.sub("", text).lstrip(_DANGLING + "。！？")
    if address == "亲":
        return f"亲，{body}" if body else "亲。"
    return f"{address}您好，{body}" if body else f"{address}您好。"


_LEFTOVER_EMOJI_CODE = re.compile(r"#?E-[a-z](?:\[[^\]]*\]|\d+)?")
def strip_codes(text: str) -> str:
    """Corpus emoji codes a small model may still write (``#E-s33``)."""
    return _LEFTOVER_EMOJI_CODE.sub("", text)


def contains_placeholder(text: str) -> bool:
    """A corpus placeholder or raw token left in a draft (which must never happen)."""
    return bool(re.search(r"\[(?:[A-Z]+|[^\]]{1,6}x|ORDERID_\d+)\]", text))
