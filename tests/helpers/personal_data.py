"""Seeded personal data for the tests that check an import report never quotes it raw.

Phones, resident ID numbers and bank cards (valid check digits, so the masker has no excuse),
each in a context an export cell really holds: bare, after a label, glued to letters,
spaced the way people type them.
"""

from __future__ import annotations

import random
import re

from desktop_app.nlp.privacy import id_check_digit, luhn_ok

_CONTEXTS = (
    "{}",
    "电话{}",
    "手机：{}",
    "tel{}",
    "身份证号{}",
    "卡号 {}",
    "联系我{}谢谢",
    "{}（本人）",
    "No.{}",
    "{}\n请回电",
)


def _phone(rng: random.Random) -> str:
    return "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))


def _id_number(rng: random.Random) -> str:
    first17 = f"{rng.choice(['110105', '310104', '440305', '510107'])}{rng.randint(1950, 2005)}"
    first17 += f"{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return first17 + id_check_digit(first17)


def _card(rng: random.Random) -> str:
    body = "62" + "".join(rng.choice("0123456789") for _ in range(rng.choice((13, 16))))
    return next(body + d for d in "0123456789" if luhn_ok(body + d))


def seeded_personal_data(count: int, seed: int = 13) -> list[tuple[str, str]]:
    """``count`` pairs (the digits, a cell holding them), phones, IDs and cards in turn."""
    rng = random.Random(seed)
    makers = (_phone, _id_number, _card)
    pairs = []
    for n in range(count):
        digits = makers[n % 3](rng)
        shown = digits
        if n % 3 == 0 and n % 4 == 1:
            shown = f"{digits[:3]} {digits[3:7]} {digits[7:]}"  # 138 1234 5678
        pairs.append((digits, _CONTEXTS[n % len(_CONTEXTS)].format(shown)))
    return pairs


def leaked(output: str, seeded: list[tuple[str, str]]) -> list[str]:
    """The seeded numbers that appear in ``output``, spaces, dashes and escapes aside."""
    flat = re.sub(r"[\s\-]|\\n", "", output)
    return [digits for digits, _ in seeded if digits in flat or digits.lower() in flat]
