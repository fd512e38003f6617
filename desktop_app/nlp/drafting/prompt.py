"""What the reply generator is asked: the request, and the prompt formats a model folder may declare.

Training (``desktop_app.training.drafter.data``) and inference build prompts with the same
function, so the default model sees at run time exactly the layout it was trained on. A
swapped-in instruct model declares ``"format": "chat"`` in its manifest instead and is
prompted through its own chat template.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from desktop_app.nlp.text import ORDER, clean_keep_numbers, clean_text

BOS = "<|endoftext|>"
EOS = "<|endoftext|>"
PAD = "<|pad|>"
INTENT, SENTIMENT, KB, USER, AGENT, REPLY = (
    "<|intent|>",
    "<|sentiment|>",
    "<|kb|>",
    "<|user|>",
    "<|agent|>",
    "<|reply|>",
)
FACTS = "<|facts|>"
PROMPT_TOKENS = (PAD, EOS, INTENT, SENTIMENT, KB, USER, AGENT, REPLY, FACTS)
DEFAULT_FORMAT = "aftersales-v1"
V2_FORMAT = "aftersales-v2"  # retrieved entries in full, numbers kept: the model writes from them
V3_FORMAT = "aftersales-v3"  # v2 plus each entry's applies_when: when its answer is true
CHAT_FORMAT = "chat"
PROMPT_FORMATS = (DEFAULT_FORMAT, V2_FORMAT, V3_FORMAT, CHAT_FORMAT)

# Character budgets, not token budgets: Chinese is about one token a character in the
# default tokenizer, and a swapped-in model's tokenizer is unknown here.
CONTEXT_CHARS = 160
KB_CHARS = 80
TURN_CHARS = 80
HISTORY_TURNS = 6
V2_CONTEXT_CHARS = 200
V2_TURN_CHARS = 120
V2_KB_CHARS = 140
V2_KB_ENTRIES = 2
V3_CONDITION_CHARS = 60
CONDITION_OPEN, CONDITION_CLOSE = "（适用：", "）"
NO_ENTRY = "无"


@dataclass(frozen=True, slots=True)
class Turn:
    role: str  # "customer" or "agent"
    text: str


@dataclass(frozen=True, slots=True)
class DraftRequest:
    """One ticket as the generator needs it; order facts are filled in later, never generated."""

    text: str
    history: tuple[Turn, ...] = ()
    intent: str | None = None
    sentiment: str | None = None
    order_id: str = ""
    product: str = ""
    customer: str = ""
    request_id: str = ""
    kb_texts: tuple[str, ...] = field(default=())
    kb_ids: tuple[str, ...] = field(default=())
    kb_conditions: tuple[str, ...] = field(default=())  # each entry's applies_when, same order
    banned_phrases: tuple[str, ...] = field(default=())  # the retrieved entries' never_promise

    def turns(self) -> list[Turn]:
        """History plus the customer's latest text (unless the history already ends with it)."""
        turns = list(self.history)
        latest = self.text.strip()
        if latest and not (turns and turns[-1].role == "customer" and turns[-1].text.strip() == latest):
            turns.append(Turn("customer", latest))
        return turns


def _tail(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[-limit:]


def _plain(text: str) -> str:
    """Cleaned text without the prompt's own marker tokens: a customer cannot end the prompt early."""
    for token in PROMPT_TOKENS:
        text = text.replace(token, "")
    return clean_text(text).replace("\n", "，")


def merged_turns(turns: Sequence[Turn], plain: Callable[[str], str] = _plain) -> list[Turn]:
    """Consecutive messages of one side as one turn, as the training sessions were merged."""
    merged: list[Turn] = []
    for turn in turns:
        role = "agent" if turn.role == "agent" else "customer"
        text = plain(turn.text)
        if not text:
            continue
        if merged and merged[-1].role == role:
            merged[-1] = Turn(role, f"{merged[-1].text}，{text}")
        else:
            merged.append(Turn(role, text))
    return merged


def render_context(turns: Sequence[Turn]) -> str:
    """The recent turns, newest last, cut from the front to the context budget."""
    pieces: list[str] = []
    for turn in merged_turns(turns)[-HISTORY_TURNS:]:
        marker = AGENT if turn.role == "agent" else USER
        pieces.append(marker + _tail(turn.text, TURN_CHARS))
    context = "".join(pieces)
    if len(context) <= CONTEXT_CHARS:
        return context
    cut = context[-CONTEXT_CHARS:]
    # Do not start in the middle of a marker token.
    first = min((i for i in (cut.find(USER), cut.find(AGENT)) if i >= 0), default=-1)
    return cut[first:] if first > 0 else cut


def default_prompt(context: str, intent: str | None, sentiment: str | None, kb_texts: Sequence[str]) -> str:
    """The default model's own layout; ``context`` is already rendered by :func:`render_context`."""
    kb = _plain(" ".join(kb_texts))[:KB_CHARS]
    return f"{BOS}{INTENT}{intent or 'unknown'}{SENTIMENT}{sentiment or 'unknown'}{KB}{kb}{context}{REPLY}"


def build_default_prompt(request: DraftRequest) -> str:
    return default_prompt(render_context(request.turns()), request.intent, request.sentiment, request.kb_texts)


def chat_messages(request: DraftRequest) -> list[dict[str, str]]:
    """Messages for an instruct model's chat template: policies and tags in the system turn."""
    system = (
        "你是电商售后客服，请用礼貌、简洁的中文回复顾客。不要编造订单号、金额或日期。"
        f"\n工单意图：{request.intent or '未知'}；情绪：{request.sentiment or '未知'}。"
    )
    if request.kb_texts:
        system += "\n店铺政策：" + "；".join(request.kb_texts)
    messages = [{"role": "system", "content": system}]
    for turn in request.turns()[-HISTORY_TURNS:]:
        messages.append({"role": "assistant" if turn.role == "agent" else "user", "content": turn.text})
    return messages


def _plain_v2(text: str) -> str:
    for token in PROMPT_TOKENS:
        text = text.replace(token, "")
    return clean_keep_numbers(text).replace("\n", "，")


def render_context_v2(turns: Sequence[Turn]) -> str:
    """Like :func:`render_context`, with numbers kept and a longer budget."""
    pieces = [
        (AGENT if turn.role == "agent" else USER) + _tail(turn.text, V2_TURN_CHARS)
        for turn in merged_turns(turns, _plain_v2)[-HISTORY_TURNS:]
    ]
    context = "".join(pieces)
    if len(context) <= V2_CONTEXT_CHARS:
        return context
    cut = context[-V2_CONTEXT_CHARS:]
    first = min((i for i in (cut.find(USER), cut.find(AGENT)) if i >= 0), default=-1)
    return cut[first:] if first > 0 else cut


def render_entries(kb_texts: Sequence[str], kb_conditions: Sequence[str] = ()) -> str:
    """The retrieved entries in full (numbers kept), each with its condition when one is given.

    v2 gives none. v3 gives each entry's ``applies_when``: the v2 model offered a 15-day
    quality exchange on day 30 and a no-reason return for fresh fruit, because the entry's
    text was in its prompt and the condition that rules it out was not.
    """
    pieces = []
    for index, text in enumerate(kb_texts[:V2_KB_ENTRIES]):
        condition = _plain_v2(kb_conditions[index])[:V3_CONDITION_CHARS] if index < len(kb_conditions) else ""
        shown = f"{CONDITION_OPEN}{condition}{CONDITION_CLOSE}" if condition else ""
        pieces.append(KB + _plain_v2(text)[:V2_KB_CHARS] + shown)
    return "".join(pieces) or KB + NO_ENTRY


def _entries_layout(request: DraftRequest, kb_conditions: Sequence[str]) -> str:
    """Tags, the retrieved entries, the order facts, the conversation: the v2 and v3 layout."""
    tags = f"{INTENT}{request.intent or 'unknown'}{SENTIMENT}{request.sentiment or 'unknown'}"
    facts = FACTS + (f"商品:{_plain_v2(request.product)[:40]}" if request.product else "")
    facts += f"订单号:{ORDER}" if request.order_id else ""
    entries = render_entries(request.kb_texts, kb_conditions)
    return f"{BOS}{tags}{entries}{facts}{render_context_v2(request.turns())}{REPLY}"


def build_v2_prompt(request: DraftRequest) -> str:
    """The v2 layout: the entries without their conditions."""
    return _entries_layout(request, ())


def build_v3_prompt(request: DraftRequest) -> str:
    """The v3 layout: v2's, with each entry's ``applies_when`` after its text."""
    return _entries_layout(request, request.kb_conditions)


PROMPT_BUILDERS: dict[str, Callable[[DraftRequest], str]] = {
    DEFAULT_FORMAT: build_default_prompt,
    V2_FORMAT: build_v2_prompt,
    V3_FORMAT: build_v3_prompt,
}


def build_prompt(request: DraftRequest, prompt_format: str) -> str:
    """The prompt as text in ``prompt_format``; for ``chat`` the messages as JSON (what the
    guards count as support; the model itself gets them through its chat template)."""
    if prompt_format == CHAT_FORMAT:
        return json.dumps(chat_messages(request), ensure_ascii=False)
    try:
        return PROMPT_BUILDERS[prompt_format](request)
    except KeyError:
        raise ValueError(f"unknown prompt format {prompt_format!r}") from None
