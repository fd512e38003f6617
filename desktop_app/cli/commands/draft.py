"""``aftersales draft``: reply drafts for JSONL lines ``{"id", "text", "history"?, "intent"?, "sentiment"?}``.

Each line is checked before it is drafted; a bad line stops the run with its line number
(drafts of earlier lines are already written: drafting is slow, so nothing is held back).
Optional ``order_id`` and ``customer`` fields are filled into the draft as in the app.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any, TextIO

from desktop_app.cli.commands.classify import BadLine
from desktop_app.domain.vocabulary import INTENTS, SENTIMENTS
from desktop_app.nlp.drafting.pipeline import DraftOutcome, Drafter, TicketView, draft_ticket, plan_draft
from desktop_app.nlp.drafting.prompt import DraftRequest, Turn
from desktop_app.nlp.drafting.retrieval import Retriever

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


def view_of(request: DraftRequest) -> TicketView:
    return TicketView(
        turns=tuple(request.turns()),
        intent=request.intent,
        sentiment=request.sentiment,
        order_id=request.order_id,
        customer=request.customer,
        request_id=request.request_id,
    )


def draft_one(
    request: DraftRequest,
    drafter: Drafter,
    retriever: Retriever | None,
    on_token: Callable[[str], None] | None = None,
) -> DraftOutcome:
    """One draft through the app's own pipeline: masking, retrieval, generation, promise check."""
    return draft_ticket(drafter, plan_draft(view_of(request), retriever), on_token=on_token)


def outcome_json(outcome: DraftOutcome) -> dict[str, Any]:
    return {
        **outcome.result.to_json(),
        "kb": list(outcome.plan.request.kb_ids),
        "unsupported": [{"sentence": m.sentence, "terms": list(m.terms)} for m in outcome.marks],
    }


def _requests(source: TextIO) -> Iterator[tuple[object, DraftRequest]]:
    for number, line in enumerate(source, start=1):
        if line.strip():
            yield parse_request(number, line)


def draft_jsonl(source: TextIO, out: TextIO, drafter: Drafter, retriever: Retriever | None) -> int:
    written = 0
    for request_id, request in _requests(source):
        line = {"id": request_id, **outcome_json(draft_one(request, drafter, retriever))}
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
        out.flush()
        written += 1
    return written
