"""One cleaning for training and inference, so the model sees the same text either way.

The public corpora replace personal data with placeholders (``[数字x]``, ``[姓名x]``,
``[ORDERID_123]``) and emoji with codes (``#E-s[数字x]``); live tickets carry the real
digits, phone numbers, links and emoji. Both are mapped onto the same few special tokens.
"""

from __future__ import annotations

import re
import unicodedata

NUM, MONEY, DATE, TIME, NAME, ADDR, PHONE, ORDER, LINK, EMOJI, SITE, ORG, IDNO, EMAIL = (
    "[NUM]",
    "[MONEY]",
    "[DATE]",
    "[TIME]",
    "[NAME]",
    "[ADDR]",
    "[PHONE]",
    "[ORDER]",
    "[LINK]",
    "[EMOJI]",
    "[SITE]",
    "[ORG]",
    "[IDNO]",
    "[EMAIL]",
)
PLACEHOLDER_TOKENS = (NUM, MONEY, DATE, TIME, NAME, ADDR, PHONE, ORDER, LINK, EMOJI, SITE, ORG, IDNO, EMAIL)

_CORPUS_PLACEHOLDERS = {
    "数字": NUM,
    "金额": MONEY,
    "日期": DATE,
    "时间": TIME,
    "姓名": NAME,
    "地址": ADDR,
    "电话": PHONE,
    "订单": ORDER,
    "订单编号": ORDER,
    "链接": LINK,
    "站点": SITE,
    "组织机构": ORG,
    "身份证号": IDNO,
    "邮箱": EMAIL,
}

_CORPUS_EMOJI = re.compile(r"#E-[a-z]\[[^\]]*\]")
_PLACEHOLDER_NAMES = "|".join(sorted(_CORPUS_PLACEHOLDERS, key=len, reverse=True))
_CORPUS_TAG = re.compile(rf"\[({_PLACEHOLDER_NAMES})x?\]")
_CORPUS_IDS = re.compile(r"\[(?:ORDERID|USERID|SKUID)_\d+\]")
_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)")
_MONEY = re.compile(r"(?:[¥￥]\s*\d+(?:\.\d+)?|\d+(?:\.\d+)?\s*元)")
_LONG_NUMBER = re.compile(r"\d{7,}(?:-\d+)*")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_SPACES = re.compile(r"[ \t\u3000]+")
_REPEATS = re.compile(r"(.)\1{4,}")
# Pictographs, dingbats and symbols: one token whatever the emoji.
_EMOJI_CHARS = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f\u200d]+")


def clean_text(text: str) -> str:
    """Normalise a ticket or corpus text for the models (idempotent)."""
    text = unicodedata.normalize("NFKC", text)
    text = _CORPUS_EMOJI.sub(EMOJI, text)
    text = _CORPUS_IDS.sub(ORDER, text)
    text = _CORPUS_TAG.sub(lambda m: _CORPUS_PLACEHOLDERS[m.group(1)], text)
    text = _URL.sub(LINK, text)
    text = _EMAIL.sub(EMAIL, text)
    text = _PHONE.sub(PHONE, text)
    text = _MONEY.sub(MONEY, text)
    text = _LONG_NUMBER.sub(ORDER, text)
    text = _DIGITS.sub(NUM, text)
    text = _EMOJI_CHARS.sub(EMOJI, text)
    text = _REPEATS.sub(lambda m: m.group(1) * 4, text)
    text = _SPACES.sub(" ", text)
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


_MASKED_PHONE = re.compile(r"1[3-9]\d\*{4}\d{4}")
_TRACKING = re.compile(r"(?<![A-Za-z])(?:SF|YT|JT|ZTO|YD|STO|EMS|JDV|JD|YUNDA)\d{8,}(?![0-9A-Za-z])", re.IGNORECASE)


def clean_keep_numbers(text: str) -> str:
    """Like :func:`clean_text` for the drafter's prompt, but short numbers stay as they are.

    The drafter may only write digit strings that occur in its prompt (the ticket's
    「等了3天」, the policy's 「48小时」), so they must reach it; order, tracking and phone
    numbers become placeholders that are filled from the ticket's own fields, never generated.
    """
    text = unicodedata.normalize("NFKC", text)
    text = _CORPUS_EMOJI.sub("", text)
    text = _CORPUS_IDS.sub(ORDER, text)
    text = _CORPUS_TAG.sub(lambda m: _CORPUS_PLACEHOLDERS[m.group(1)], text)
    text = _URL.sub(LINK, text)
    text = _EMAIL.sub(EMAIL, text)
    text = _MASKED_PHONE.sub(PHONE, text)
    text = _PHONE.sub(PHONE, text)
    text = _TRACKING.sub(ORDER, text)
    text = _LONG_NUMBER.sub(ORDER, text)
    text = _EMOJI_CHARS.sub("", text)
    text = _REPEATS.sub(lambda m: m.group(1) * 4, text)
    text = _SPACES.sub(" ", text)
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())
