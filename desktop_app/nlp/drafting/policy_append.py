"""For decoders in the v1 prompt format only: the shop's policy text after the model's words.

A v1 model (the drafter shipped before the v2 format) saw only the first 80 characters of
one entry and writes the register, not the facts; its drafts are followed by the best
entry's text, word for word, when retrieval is confident. A v2 model writes the whole reply
from the retrieved entries, and nothing is appended to it.
"""

from __future__ import annotations

import re

_CLOSING_WORDS = re.compile(r"^(?:好的?|嗯+|恩+|ok|OK|谢谢|谢了|没了|没有了?|确定|可以|行)[啦了呢哈吧啊的~！!。，, ]*$")
_CLOSING_DRAFT = re.compile(r"还有其他|祝您|再见|荣幸")


def is_closing(customer_text: str) -> bool:
    """The customer is only acknowledging or thanking (no question to answer with a policy)."""
    text = customer_text.strip()
    return bool(_CLOSING_WORDS.match(text)) or (len(text) <= 10 and ("谢" in text or "好的" in text))


def with_policy(draft: str, policy: str | None, customer_last: str) -> str:
    """The model's reply followed by the policy text, unless the customer only thanks or it is said."""
    if not policy or is_closing(customer_last) or _CLOSING_DRAFT.search(draft) or policy[:8] in draft:
        return draft
    body = draft.rstrip("。！!~，, ")
    return f"{body}。{policy}" if body else policy
