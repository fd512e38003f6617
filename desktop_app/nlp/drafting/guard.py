"""What keeps a draft from promising what the shop never offered.

Three guards, all cheap enough to run on every token or every draft:

- :class:`DigitGuard` (while decoding): a digit string in the draft — an amount, a number
  of days or hours, an order or phone number — may only be one that occurs in the prompt
  (the ticket or a retrieved knowledge-base entry). Tokens that would start, continue or
  end a digit run any other way are banned.
- :func:`banned_phrase_hit` (while decoding): the knowledge base's ``never_promise``
  phrases are never written.
- :func:`promise_check` (after decoding): each sentence that commits the shop (免费, 赔偿,
  保证, 明天, N天内, 补发 …) without support in a retrieved entry or the ticket is marked;
  the reply box underlines it and the agent decides.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

_DIGITS = re.compile(r"\d+")


def digit_strings(texts: Iterable[str]) -> set[str]:
    """Every maximal run of ASCII digits in ``texts`` (after NFKC, so ３ counts as 3)."""
    found: set[str] = set()
    for text in texts:
        found.update(_DIGITS.findall(unicodedata.normalize("NFKC", text)))
    return found


class DigitGuard:
    """Bans the tokens that would make a digit string the prompt does not contain.

    Built once per model (the token texts) and reset per draft (the allowed strings). The
    state is the current run of digits at the end of the draft.
    """

    def __init__(self, token_texts: Sequence[str]) -> None:
        self.token_texts = [unicodedata.normalize("NFKC", t) for t in token_texts]
        self._with_digit = np.array([i for i, t in enumerate(self.token_texts) if any(c.isdigit() for c in t)])
        self._starts_non_digit = np.array(
            [i for i, t in enumerate(self.token_texts) if t and not t[0].isdigit()], dtype=np.int64
        )
        self.allowed: set[str] = set()
        self._prefixes: set[str] = set()
        self.run = ""

    def reset(self, allowed: Iterable[str]) -> None:
        self.allowed = {a for a in allowed if a}
        self._prefixes = {a[:i] for a in self.allowed for i in range(1, len(a) + 1)}
        self.run = ""

    def _token_ok(self, text: str) -> bool:
        run = self.run
        for char in text:
            if char.isdigit():
                run += char
                if run not in self._prefixes:
                    return False
            else:
                if run and run not in self.allowed:
                    return False
                run = ""
        return True

    def banned(self) -> list[int]:
        """Token ids that may not come next."""
        banned = [int(i) for i in self._with_digit if not self._token_ok(self.token_texts[i])]
        if self.run and self.run not in self.allowed:
            banned.extend(int(i) for i in self._starts_non_digit)  # the number must be finished first
        return banned

    @property
    def unfinished(self) -> bool:
        """A digit run is open that is no allowed string yet (only its prefix): the draft may
        not end here either."""
        return bool(self.run) and self.run not in self.allowed

    def feed(self, text: str) -> None:
        """Advance the state by the chosen token's text."""
        for char in unicodedata.normalize("NFKC", text):
            self.run = self.run + char if char.isdigit() else ""


def banned_phrase_hit(draft_so_far: str, piece: str, phrases: Iterable[str]) -> str | None:
    """The ``never_promise`` phrase that ``piece`` would complete, if any."""
    if not piece:
        return None
    tail = draft_so_far[-24:] + piece
    for phrase in phrases:
        if phrase and phrase in tail and phrase not in draft_so_far[-24:]:
            return phrase
    return None


# Words that commit the shop to something. Each needs support (the same word, or for a
# number of days the same number) in a retrieved entry or the ticket.
PROMISE_WORDS = (
    "免费", "赔偿", "补偿", "赔付", "保证", "一定", "肯定", "今天", "明天", "马上", "立刻", "立即",
    "全额", "包邮", "退款", "退货", "换货", "补发", "重新发", "上门", "到账", "承担", "返现",
)
# A quantity: a number or a range with its unit. The digit guard lets through any number the
# prompt has, so 「一般15-24天能送到」 passed because the entry said 15天 and 24小时; a quantity
# needs the same number with the same unit (or a range containing it) in the support.
_NUMBER, _TO = r"\d+(?:\.\d+)?", r"[-~～至到]"
_QUANTITY = re.compile(
    rf"({_NUMBER})(?:\s*{_TO}\s*({_NUMBER}))?\s*(?:个)?(工作日|天|小时|分钟|元|块钱|块|月|年|周|%)(?:内|之内)?"
)


def _canonical(text: str) -> str:
    """NFKC, without the 个 of 个工作日/个月/个小时 and without spaces: how quantities are compared."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"个(?=工作日|月|小时)", "", text).replace(" ", "")


def quantity_supported(quantity: re.Match[str], support: str) -> bool:
    """``quantity`` (a :data:`_QUANTITY` match) occurs in ``support`` (canonical, so no spaces)
    with its unit: a range as the same range, a single number alone or as either end of a range."""
    low, high, unit = (re.escape(g) if g else g for g in quantity.group(1, 2, 3))
    start = rf"(?<![\d.]){low}"
    if high:
        return re.search(rf"{start}{_TO}{high}{unit}", support) is not None
    return re.search(rf"{start}(?:{_TO}{_NUMBER})?{unit}|{_NUMBER}{_TO}{low}{unit}", support) is not None


_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]*")
UNSUPPORTED_NOTE = "未在知识库中找到依据"


@dataclass(frozen=True, slots=True)
class PromiseMark:
    """A sentence of the draft that commits the shop without support."""

    start: int
    end: int
    sentence: str
    terms: tuple[str, ...]


def promise_check(draft: str, support: Sequence[str]) -> list[PromiseMark]:
    """Sentences with a promise word or a quantity (days, hours, an amount) that neither the KB
    entries nor the ticket carry.

    On 200 corpus dev drafts the quantity rule marked 4 drafts the judges had called harmful
    (3) or light (1), e.g. 「核实后180元」 after an entry's 180天; the rule it replaced, which
    let any number the support had pass, marked none of them."""
    supported = unicodedata.normalize("NFKC", "\n".join(support))
    quantities = _canonical(supported)
    marks: list[PromiseMark] = []
    for match in _SENTENCE.finditer(draft):
        sentence = match.group(0)
        normal = unicodedata.normalize("NFKC", sentence)
        missing = [word for word in PROMISE_WORDS if word in normal and word not in supported]
        for quantity in _QUANTITY.finditer(_canonical(sentence)):
            if not quantity_supported(quantity, quantities):
                missing.append(quantity.group(0))
        if missing:
            marks.append(PromiseMark(match.start(), match.end(), sentence.strip(), tuple(dict.fromkeys(missing))))
    return marks


def drop_unfinished_number(text: str, allowed: set[str]) -> str:
    """``text`` without a trailing digit run that is not an allowed string (a draft cut off
    by the token limit in the middle of 2899 must not say 289)."""
    match = re.search(r"\d+$", unicodedata.normalize("NFKC", text))
    if match is None or match.group(0) in allowed:
        return text
    return text[: len(text) - len(match.group(0))]
