"""``aftersales draft``: reply drafts for JSONL lines ``{"id", "text", "history"?, "intent"?, "sentiment"?}``.

Each line is checked before it is drafted; a bad line stops the run with its line number
(drafts of earlier lines are already written: drafting is slow, so nothing is held back).
Optional ``order_id`` and ``customer`` fields are filled into the draft as in the app.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any, TextIO

from desktop_app.cli.commands.classify import BadLine
from desktop_app.domain.vocabulary import INTENTS, SENTIMENTS
from desktop_app.nlp.drafting.fill import with_policy
from desktop_app.nlp.drafting.prompt import DraftRequest, Turn
from desktop_app.nlp.drafting.drafter import DraftResult, ReplyDrafter
from desktop_app.nlp.drafting.knowledge_base import KnowledgeBase, policy_text

ROLES = ("customer", "agent")


def _string(record: dict[str, Any], key: str, number: int, required: bool = False) -> str:
    value = record.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise BadLine(number, f'"{key}" must be a string')
    return value


def parse_request(number: int, line: str) -> tuple[object, DraftRequest]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BadLine(number, f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(record, dict):
        raise BadLine(number, 'expected an object {"id": …, "text": …}')
    if "id" not in record or isinstance(record["id"], bool) or not isinstance(record["id"], str | int):
        raise BadLine(number, '"id" must be a string or an integer')
    text = _string(record, "text", number, required=True)
    history_value = record.get("history", [])
    if not isinstance(history_value, list):
        raise BadLine(number, '"history" must be a list of {"role", "text"}')
    history = []
    for position, turn in enumerate(history_value, start=1):
        if not isinstance(turn, dict) or turn.get("role") not in ROLES or not isinstance(turn.get("text"), str):
            raise BadLine(number, f'history item {position} must be {{"role": "customer"|"agent", "text": "…"}}')
        history.append(Turn(turn["role"], turn["text"]))
    intent, sentiment = record.get("intent"), record.get("sentiment")
    if intent is not None and intent not in INTENTS:
        raise BadLine(number, f'"intent" must be one of {", ".join(INTENTS)}')
    if sentiment is not None and sentiment not in SENTIMENTS:
        raise BadLine(number, f'"sentiment" must be one of {", ".join(SENTIMENTS)}')
    request = DraftRequest(
        text=text,
        history=tuple(history),
        intent=intent,
        sentiment=sentiment,
        order_id=_string(record, "order_id", number),
        customer=_string(record, "customer", number),
        request_id=str(record["id"]),
    )
    return record["id"], request


def with_knowledge(request: DraftRequest, kb: KnowledgeBase | None) -> tuple[DraftRequest, list[str], str | None]:
    """Add the best knowledge-base entry to the request, as the app does for a ticket; also
    return its text as the policy to append when it matches well."""
    if kb is None:
        return request, [], None
    customer_words = "\n".join(t.text for t in request.turns() if t.role == "customer")[-200:]
    hits = kb.search(customer_words, limit=1, intent=request.intent)
    if not hits:
        return request, [], None
    return replace(request, kb_texts=(hits[0].entry.text,)), [hits[0].entry.id], policy_text(hits)


def compose(request: DraftRequest, result: DraftResult, policy: str | None) -> DraftResult:
    """The draft as the app shows it: the policy text after the model's words when it matches."""
    last = next((t.text for t in reversed(request.turns()) if t.role == "customer"), "")
    return replace(result, text=with_policy(result.text, policy, last))


def _requests(source: TextIO) -> Iterator[tuple[object, DraftRequest]]:
    for number, line in enumerate(source, start=1):
        if line.strip():
            yield parse_request(number, line)


def draft_jsonl(source: TextIO, out: TextIO, drafter: ReplyDrafter, kb: KnowledgeBase | None) -> int:
    written = 0
    for request_id, request in _requests(source):
        request, kb_ids, policy = with_knowledge(request, kb)
        result = compose(request, drafter.draft(request), policy)
        line = {"id": request_id, **result.to_json(), "kb": kb_ids}
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
        out.flush()
        written += 1
    return written
