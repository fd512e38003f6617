"""Personal data masking for tickets (issue #5): phone numbers, landlines, resident ID numbers,
bank cards, e-mail addresses, street addresses, labelled recipient names and order numbers.

``mask_text`` finds every entity, resolves overlaps (higher priority first, then the longer
match), and replaces each with a partly kept form using ``*``. Offsets of the returned
entities refer to the original text. Masked tokens contain ``*`` next to the kept digits, and
every detector refuses a match that touches a ``*``, so masking twice changes nothing.
No Qt, no torch: plain ``re``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from desktop_app.nlp.address_spans import find_addresses

MASK = "*"

PHONE, LANDLINE, ID_CARD, BANK_CARD, EMAIL, ADDRESS, NAME, ORDER_ID = (
    "phone",
    "landline",
    "id_card",
    "bank_card",
    "email",
    "address",
    "name",
    "order_id",
)
ENTITY_TYPES = (PHONE, LANDLINE, ID_CARD, BANK_CARD, EMAIL, ADDRESS, NAME, ORDER_ID)

# An 18-digit string shaped like a resident ID (region, birth date, sequence, check).
_ID_SHAPE = r"[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]"

#: Order-number patterns, name → regex. A named group ``id`` marks the number when the
#: pattern also matches its context (JD numbers only count next to 订单 words).
DEFAULT_PATTERNS: dict[str, str] = {
    # Taobao/Tmall: 18–19 digits, except ones shaped like a resident ID.
    "taobao": rf"(?<![0-9A-Za-z*])(?!{_ID_SHAPE}(?![0-9A-Za-z*]))\d{{18,19}}(?![0-9A-Za-z*])",
    "jd": r"(?:订单号?|单号|订单编号)\s*[:：]?\s*(?:是|为)?\s*(?P<id>(?<![0-9A-Za-z*])\d{12,13})(?![0-9A-Za-z*])",
    "pinduoduo": r"(?<![0-9A-Za-z*])\d{6,7}-\d{15}(?![0-9A-Za-z*-])",
}

_NOT_BEFORE = r"(?<![0-9A-Za-z*+])"
_NOT_AFTER = r"(?![0-9A-Za-z*])"
_PHONE_RE = re.compile(rf"{_NOT_BEFORE}(?:(?:\+|00)?86[- ]?)?1[3-9]\d(?:[- ]?\d{{4}}){{2}}{_NOT_AFTER}")
_LANDLINE_RE = re.compile(
    rf"{_NOT_BEFORE}(?:0\d{{2}}[- ]\d{{8}}|0\d{{3}}[- ]\d{{7,8}})(?:(?:-|转|ext\.?)\d{{1,6}})?{_NOT_AFTER}"
)
_ID_RE = re.compile(rf"{_NOT_BEFORE}{_ID_SHAPE}{_NOT_AFTER}")
_CARD_RE = re.compile(
    rf"{_NOT_BEFORE}(?:[3-69]\d{{15,18}}|[3-69]\d{{3}}(?:[ -]\d{{4}}){{3}}(?:[ -]?\d{{1,3}})?){_NOT_AFTER}"
)
_EMAIL_RE = re.compile(
    r"(?<![A-Za-z0-9._%+*-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
# A recipient name after its label, optionally after the department it works in
# (「收件人：财务部 王小明」, 「联系人：技术部-陈思远」). A name directly before an already masked
# one (「财务部 王**」) is a department, so masking twice changes nothing.
# A department never runs across a contact label: in 「收件人林涛电话公司电话028-…」 the name is 林涛.
_LABEL = r"电话|手机|地址|联系|号码"
_DEPARTMENT = rf"(?:(?!{_LABEL})[\u4e00-\u9fff]){{1,8}}?(?:部|中心|科|处|室|组|办|队|公司|店|仓)"
_NAME_RE = re.compile(
    r"(?:收件人|收货人|姓名|联系人)\s*[:：]?\s*(?:改成|改为|换成|是|为)?\s*"
    rf"(?:[（(]?{_DEPARTMENT}(?:经理|主管|总监|助理|专员|同事|老师)?[）)]?\s*[-—·/]?\s*)?"
    rf"(?!{_LABEL})(?P<name>[\u4e00-\u9fff]{{2,4}}?)(?=[^\u4e00-\u9fff*]|$|电话|手机|联系|地址|先生|女士|收)"
    r"(?![\s\-—·/]*[\u4e00-\u9fff]{1,2}\*)"
)

_PRIORITY = {
    ID_CARD: 90,
    PHONE: 80,
    EMAIL: 80,
    LANDLINE: 70,
    "order_id_context": 65,
    BANK_CARD: 60,
    ORDER_ID: 50,
    NAME: 40,
    ADDRESS: 30,
}
_ORDER_CONTEXT = re.compile(r"(?:订单|单号|订单号|编号)\s*[:：]?\s*(?:是|为)?\s*$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


@dataclass(frozen=True)
class Entity:
    type: str
    start: int
    end: int

    def to_json(self) -> dict[str, object]:
        return {"type": self.type, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class MaskResult:
    masked: str
    entities: list[Entity]


@dataclass(frozen=True)
class _Candidate:
    type: str
    start: int
    end: int
    priority: int
    replacement: str


def id_check_digit(first17: str) -> str:
    """GB 11643 (ISO 7064 MOD 11-2) check character of the first 17 digits."""
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def is_valid_id(number: str) -> bool:
    return (
        len(number) == 18
        and number[:17].isdigit()
        and re.fullmatch(_ID_SHAPE, number) is not None
        and id_check_digit(number[:17]) == number[17].upper()
    )


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _mask_digits(token: str, keep_first: int, keep_last: int) -> str:
    """Replace the digits of ``token`` with ``*`` except the first/last ones; other characters stay."""
    count = sum(ch.isdigit() or ch in "Xx" for ch in token)
    out, seen = [], 0
    for ch in token:
        if ch.isdigit() or ch in "Xx":
            out.append(ch if seen < keep_first or seen >= count - keep_last else MASK)
            seen += 1
        else:
            out.append(ch)
    return "".join(out)


def _phones(text: str) -> list[_Candidate]:
    found = []
    for m in _PHONE_RE.finditer(text):
        token = m.group()
        digits = re.sub(r"\D", "", token)
        prefix_digits = len(digits) - 11  # 86 / 0086
        # Keep the country prefix, the first 3 and the last 4 of the national number.
        found.append(_Candidate(PHONE, m.start(), m.end(), _PRIORITY[PHONE], _mask_digits(token, prefix_digits + 3, 4)))
    return found


def _landlines(text: str) -> list[_Candidate]:
    found = []
    for m in _LANDLINE_RE.finditer(text):
        token = m.group()
        area, sep, rest = re.split(r"([- ])", token, maxsplit=1)
        ext = re.search(r"(?:-|转|ext\.?)\d{1,6}$", rest)
        number, tail = (rest[: ext.start()], rest[ext.start() :]) if ext else (rest, "")
        masked = area + sep + MASK * (len(number) - 2) + number[-2:] + tail
        found.append(_Candidate(LANDLINE, m.start(), m.end(), _PRIORITY[LANDLINE], masked))
    return found


def _ids(text: str) -> list[_Candidate]:
    return [
        _Candidate(ID_CARD, m.start(), m.end(), _PRIORITY[ID_CARD], m.group()[:6] + MASK * 8 + m.group()[-4:])
        for m in _ID_RE.finditer(text)
        if is_valid_id(m.group())
    ]


def _cards(text: str) -> list[_Candidate]:
    found = []
    for m in _CARD_RE.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        # An 18-digit run shaped like a resident ID is an ID (valid or mistyped), not a card.
        id_shaped = len(digits) == 18 == len(m.group()) and re.fullmatch(_ID_SHAPE, digits) is not None
        if 16 <= len(digits) <= 19 and luhn_ok(digits) and not id_shaped:
            found.append(_Candidate(BANK_CARD, m.start(), m.end(), _PRIORITY[BANK_CARD], _mask_digits(m.group(), 6, 4)))
    return found


def _emails(text: str) -> list[_Candidate]:
    found = []
    for m in _EMAIL_RE.finditer(text):
        local, domain = m.group().split("@", 1)
        found.append(_Candidate(EMAIL, m.start(), m.end(), _PRIORITY[EMAIL], f"{local[0]}***@{domain}"))
    return found


def _names(text: str) -> list[_Candidate]:
    return [
        _Candidate(NAME, m.start("name"), m.end("name"), _PRIORITY[NAME], m["name"][0] + MASK * (len(m["name"]) - 1))
        for m in _NAME_RE.finditer(text)
    ]


def _addresses(text: str) -> list[_Candidate]:
    return [
        _Candidate(ADDRESS, span.start, span.end, _PRIORITY[ADDRESS], span.keep + MASK * 3)
        for span in find_addresses(text)
    ]


def _orders(text: str, patterns: Mapping[str, str | re.Pattern[str]]) -> list[_Candidate]:
    found = []
    for pattern in patterns.values():
        regex = re.compile(pattern) if isinstance(pattern, str) else pattern
        has_id = "id" in regex.groupindex
        for m in regex.finditer(text):
            start, end = (m.start("id"), m.end("id")) if has_id else m.span()
            if start < 0 or start == end:
                continue
            in_context = has_id or _ORDER_CONTEXT.search(text[max(0, start - 10) : start]) is not None
            priority = _PRIORITY["order_id_context" if in_context else ORDER_ID]
            found.append(_Candidate(ORDER_ID, start, end, priority, _mask_digits(text[start:end], 0, 4)))
    return found


def find_entities(text: str, patterns: Mapping[str, str | re.Pattern[str]] = DEFAULT_PATTERNS) -> list[_Candidate]:
    candidates = [
        *_ids(text),
        *_phones(text),
        *_emails(text),
        *_landlines(text),
        *_cards(text),
        *_orders(text, patterns),
        *_names(text),
        *_addresses(text),
    ]
    candidates.sort(key=lambda c: (-c.priority, -(c.end - c.start), c.start))
    taken: list[_Candidate] = []
    for cand in candidates:
        if all(cand.end <= t.start or cand.start >= t.end for t in taken):
            taken.append(cand)
    taken.sort(key=lambda c: c.start)
    return taken


def mask_text(text: str, patterns: Mapping[str, str | re.Pattern[str]] = DEFAULT_PATTERNS) -> MaskResult:
    """Mask the personal data in ``text``; entities carry offsets into the original ``text``."""
    taken = find_entities(text, patterns)
    parts, pos = [], 0
    for cand in taken:
        parts.append(text[pos : cand.start])
        parts.append(cand.replacement)
        pos = cand.end
    parts.append(text[pos:])
    return MaskResult("".join(parts), [Entity(c.type, c.start, c.end) for c in taken])


def mask_keep_orders(text: str) -> str:
    """``text`` with personal data masked and order numbers left as they are (what an agent sees)."""
    parts, pos = [], 0
    for entity in find_entities(text):
        if entity.type == ORDER_ID:
            continue
        parts += [text[pos : entity.start], entity.replacement]
        pos = entity.end
    parts.append(text[pos:])
    return "".join(parts)
