"""The one drafting pipeline: conversation → masked → KB entries retrieved → decoder writes → checked.

The app's drafting service, ``aftersales draft``, the drafter's training data and its
evaluation all go through :func:`plan_draft` and :func:`finish_draft`, so that the prompt
the model learns from is the prompt it is given, and every draft is checked the same way.
Nothing is appended after the model's words: the retrieved entries are what it writes from.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Protocol

from desktop_app.nlp.drafting.apology import ensure_apology, ground_apology
from desktop_app.nlp.drafting.drafter import DraftResult
from desktop_app.nlp.drafting.fill import form_of_address
from desktop_app.nlp.drafting.guard import PromiseMark, promise_check
from desktop_app.nlp.drafting.knowledge_base import KbEntry, KbHit
from desktop_app.nlp.drafting.policy_append import with_policy
from desktop_app.nlp.drafting.prompt import DEFAULT_FORMAT, V2_KB_ENTRIES, DraftRequest, Turn
from desktop_app.nlp.drafting.rerank import DraftScore, candidate_seeds, is_upset, order_number_known, score_draft
from desktop_app.nlp.drafting.retrieval import Retriever
from desktop_app.nlp.privacy import mask_keep_orders

RECENT_CUSTOMER_CHARS = 300
RETRIEVED = 3  # recall@3 is measured; the best V2_KB_ENTRIES reach the prompt
POLICY_MIN_BM25 = 10.0  # BM25 alone: the score the v1 drafter's appended policy needed
POLICY_MIN_RANKED = 0.5  # ranker probability (+ a little BM25) for the same confidence
UPSET_NEGATIVE_SCORE = 0.3  # see prompt_sentiment


class Drafter(Protocol):
    """What drafting needs of a model: :class:`ReplyDrafter` in-process or in a child process."""

    @property
    def name(self) -> str: ...  # read-only: ReplyDrafter's is its folder's name

    @property
    def candidates(self) -> int: ...  # drafts drawn per reply, the best kept (the manifest says)

    def stream(
        self,
        request: DraftRequest,
        cancel: threading.Event | None = None,
        max_new_tokens: int | None = None,
        on_token: Callable[[str], None] | None = None,
        min_new_tokens: int = 0,
        seed: int | None = None,
    ) -> DraftResult: ...


@dataclass(frozen=True)
class TicketView:
    """What every caller knows of a ticket, before masking."""

    turns: tuple[Turn, ...]
    intent: str | None = None
    sentiment: str | None = None
    order_id: str = ""
    product: str = ""
    customer: str = ""
    request_id: str = ""
    # The tagger's scores, when it tagged the ticket: retrieval averages over its intents and
    # a likely upset customer is drafted for as one (see plan_draft).
    intent_scores: Mapping[str, float] | None = None
    sentiment_scores: Mapping[str, float] | None = None


def _tagger_scores(label: str | None, scores: Mapping[str, float] | None) -> Mapping[str, float] | None:
    """``scores`` when ``label`` is their top one; None when a person set another label (theirs wins)."""
    if not scores or label is None or max(scores, key=lambda k: scores[k]) != label:
        return None
    return scores


def prompt_sentiment(sentiment: str | None, scores: Mapping[str, float] | None) -> str | None:
    """The sentiment the decoder is told: negative already when the tagger gives it ≥ 0.3.

    Drafts follow the prompt's sentiment (an apology opens a reply for a negative one), and
    the tagger's top label misses upset customers who write in mixed languages or with
    irony (「发货速度真是"神速"啊」). On the corpus dev split this threshold finds 159 of the
    166 negative tickets instead of 149, and tells 21 of the 248 others they are upset
    instead of 12: an apology too many costs less than a missing one.
    """
    tagger = _tagger_scores(sentiment, scores)
    if tagger is not None and sentiment != "negative" and tagger.get("negative", 0.0) >= UPSET_NEGATIVE_SCORE:
        return "negative"
    return sentiment


@dataclass(frozen=True)
class DraftPlan:
    request: DraftRequest
    hits: tuple[KbHit, ...]  # retrieved, best first (the first V2_KB_ENTRIES are in the prompt)
    policy: str | None = None  # the best entry's text when retrieval is confident (v1 models only)

    @property
    def kb_entries(self) -> tuple[KbEntry, ...]:
        return tuple(hit.entry for hit in self.hits[:V2_KB_ENTRIES])

    @property
    def support(self) -> tuple[str, ...]:
        """What a promise in the draft may rest on: the entries in the prompt and the ticket."""
        return (*(e.text for e in self.kb_entries), *(t.text for t in self.request.turns()), self.request.product)


@dataclass
class DraftOutcome:
    result: DraftResult
    plan: DraftPlan
    marks: list[PromiseMark]
    score: DraftScore | None = None  # how it was chosen among the candidates (None: the only one)
    candidates: int = 1

    @property
    def text(self) -> str:
        return self.result.text


def plan_draft(
    ticket: TicketView, retriever: Retriever | None, mask: Callable[[str], str] = mask_keep_orders
) -> DraftPlan:
    """The generator's view of a ticket: masked turns, tags, order facts, retrieved entries.

    The model reads what an agent may see: personal data masked (a model could echo it into
    a draft); the order number travels as a field and is filled in, never generated.
    """
    turns = tuple(Turn("agent" if t.role == "agent" else "customer", mask(t.text)) for t in ticket.turns if t.text)
    customer_words = "\n".join(t.text for t in turns if t.role == "customer")[-RECENT_CUSTOMER_CHARS:]
    intent_scores = _tagger_scores(ticket.intent, ticket.intent_scores)
    hits = (
        tuple(retriever.search(customer_words, intent=ticket.intent, limit=RETRIEVED, intent_scores=intent_scores))
        if retriever
        else ()
    )
    entries = [hit.entry for hit in hits[:V2_KB_ENTRIES]]
    request = DraftRequest(
        text="",
        history=turns,
        intent=ticket.intent,
        sentiment=prompt_sentiment(ticket.sentiment, ticket.sentiment_scores),
        order_id=ticket.order_id,
        product=ticket.product,
        customer=ticket.customer,
        request_id=ticket.request_id,
        kb_texts=tuple(e.text for e in entries),
        kb_ids=tuple(e.id for e in entries),
        kb_conditions=tuple(e.applies_when for e in entries),
        banned_phrases=tuple(dict.fromkeys(p for e in entries for p in e.never_promise)),
    )
    confident = POLICY_MIN_RANKED if retriever is not None and retriever.ranker is not None else POLICY_MIN_BM25
    policy = hits[0].entry.text if hits and hits[0].score >= confident else None
    return DraftPlan(request, hits, policy)


def finish_draft(result: DraftResult, plan: DraftPlan) -> DraftOutcome:
    """The draft as the agent sees it (an apology names only what the customer said), with
    the sentences the promise check marks."""
    customer = [t.text for t in plan.request.turns() if t.role == "customer"]
    result = replace(result, text=ground_apology(result.text, customer), kb_ids=plan.request.kb_ids)
    return DraftOutcome(result, plan, promise_check(result.text, plan.support))


def draft_ticket(
    drafter: Drafter,
    plan: DraftPlan,
    *,
    cancel: threading.Event | None = None,
    on_token: Callable[[str], None] | None = None,
    seed: int | None = None,
    candidates: int | None = None,
) -> DraftOutcome:
    """Write and check one draft: the best of ``candidates`` (default: the drafter's, from
    its manifest; see ``rerank``).

    Without ``seed`` the draws are fixed (greedy first), so the prefetched draft is the one
    drawn on open; 重新生成 passes a seed and gets a new set. The first draw streams to
    ``on_token`` as it is written (the agent sees the draft coming); the chosen one then
    replaces it in the editor, as the polished text always does.
    """
    if candidates is None:
        candidates = int(getattr(drafter, "candidates", 1))  # a test double may have none
    seeds = candidate_seeds(candidates, seed)
    upset = is_upset(plan.request.intent, plan.request.sentiment)
    address = form_of_address(plan.request.customer) if plan.request.customer.strip() else ""
    if len(seeds) == 1:
        return _apologised(_draw(drafter, plan, seeds[0], cancel, on_token), upset, address)
    customer = [t.text for t in plan.request.turns() if t.role == "customer"]
    order_known = order_number_known(plan.request.order_id, customer)
    best: DraftOutcome | None = None
    best_total = float("-inf")
    elapsed = 0.0
    for index, draw in enumerate(seeds):
        outcome = _draw(drafter, plan, draw, cancel, on_token if index == 0 else None)
        elapsed += outcome.result.ms
        if outcome.result.stopped:
            return replace(outcome, result=replace(outcome.result, ms=elapsed))
        score = score_draft(
            outcome.text, outcome.result.mean_logprob, len(outcome.marks), plan.support, upset, order_known
        )
        outcome.score = score
        if best is None or score.total > best_total:
            best, best_total = outcome, score.total
    assert best is not None
    return _apologised(replace(best, result=replace(best.result, ms=elapsed), candidates=len(seeds)), upset, address)


def _apologised(outcome: DraftOutcome, upset: bool, address: str) -> DraftOutcome:
    """The chosen draft with an apology for an upset customer (see ``apology.ensure_apology``)."""
    if outcome.result.stopped:
        return outcome
    text = ensure_apology(outcome.result.text, upset, address)
    if text == outcome.result.text:
        return outcome
    return replace(outcome, result=replace(outcome.result, text=text), marks=promise_check(text, outcome.plan.support))


def _draw(
    drafter: Drafter,
    plan: DraftPlan,
    seed: int | None,
    cancel: threading.Event | None,
    on_token: Callable[[str], None] | None,
) -> DraftOutcome:
    """One draft, checked (a v1 model's draft gets the confident entry's text after it)."""
    result = drafter.stream(plan.request, cancel=cancel, on_token=on_token, seed=seed)
    if getattr(drafter, "format", None) == DEFAULT_FORMAT and not result.stopped:
        last = next((t.text for t in reversed(plan.request.history) if t.role == "customer"), "")
        result = replace(result, text=with_policy(result.text, plan.policy, last))
    return finish_draft(result, plan)
