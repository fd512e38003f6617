"""Best of several drafts (``nlp.drafting.rerank`` and ``pipeline.draft_ticket``)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace

import pytest

from desktop_app.nlp.drafting.drafter import DraftResult
from desktop_app.nlp.drafting.knowledge_base import KbEntry, KbHit
from desktop_app.nlp.drafting.pipeline import DraftPlan, draft_ticket
from desktop_app.nlp.drafting.prompt import DraftRequest, Turn
from desktop_app.nlp.drafting.rerank import (
    ASKS_ORDER_NUMBER,
    REASK_WEIGHT,
    candidate_seeds,
    coverage,
    han_pairs,
    order_number_known,
    score_draft,
)

ENTRY_TEXT = "签收后7天内可以申请七天无理由退货，在订单详情页点击「申请售后」提交。"
ON_ENTRY = "您好，签收后7天内可以申请七天无理由退货，在订单详情页点击「申请售后」提交就可以。"
OFF_ENTRY = "您好，让您跑了三趟，这边给您补发少的那几天。"


def _plan(sentiment: str = "neutral") -> DraftPlan:
    entry = KbEntry(id="return_7day", title="七天无理由", intents=("return_refund",), keywords=(), text=ENTRY_TEXT)
    request = DraftRequest(
        text="",
        history=(Turn("customer", "衣服不合适，能退吗"),),
        intent="return_refund",
        sentiment=sentiment,
        kb_texts=(ENTRY_TEXT,),
        kb_ids=("return_7day",),
    )
    return DraftPlan(request, (KbHit(entry, 1.0),))


class ScriptedDrafter:
    """Draws ``texts[i]`` for the i-th call, with the mean log-probability given."""

    name = "scripted"

    def __init__(self, draws: list[tuple[str, float]], candidates: int) -> None:
        self.draws = draws
        self.candidates = candidates
        self.seeds: list[int | None] = []
        self.streamed: list[str] = []

    def stream(
        self,
        request: DraftRequest,
        cancel: threading.Event | None = None,
        max_new_tokens: int | None = None,
        on_token: Callable[[str], None] | None = None,
        min_new_tokens: int = 0,
        seed: int | None = None,
    ) -> DraftResult:
        text, logprob = self.draws[len(self.seeds)]
        self.seeds.append(seed)
        if on_token is not None:
            on_token(text)
            self.streamed.append(text)
        return DraftResult(text, text, len(text), 10.0, 1.0, model=self.name, mean_logprob=logprob)


def test_coverage_counts_the_pairs_found_in_the_support() -> None:
    assert han_pairs("七天a无理由") == {"七天", "无理", "理由"}
    assert coverage(ON_ENTRY, [ENTRY_TEXT]) > 0.8 > 0.2 > coverage(OFF_ENTRY, [ENTRY_TEXT])
    assert coverage("OK!", [ENTRY_TEXT]) == 0.0


def test_marks_cost_and_an_apology_counts_only_for_an_upset_customer() -> None:
    plain = score_draft(ON_ENTRY, -1.0, 0, [ENTRY_TEXT], upset=True)
    marked = score_draft(ON_ENTRY, -1.0, 2, [ENTRY_TEXT], upset=True)
    sorry = "很抱歉给您添麻烦了。" + ON_ENTRY
    assert marked.total < plain.total
    assert score_draft(sorry, -1.0, 0, [ENTRY_TEXT], upset=True).total > plain.total
    calm = score_draft(sorry, -1.0, 0, [ENTRY_TEXT], upset=False)
    assert calm.apologises and calm.total < plain.total  # the apology's own pairs are not in the entry
    assert score_draft("  ", 0.0, 0, [ENTRY_TEXT], upset=False).total == float("-inf")


def test_the_draws_are_fixed_without_a_seed_and_new_with_one() -> None:
    assert candidate_seeds(4, None) == [None, 1, 2, 3]  # the greedy draft first: reproducible
    assert candidate_seeds(4, 7) == candidate_seeds(4, 7) != candidate_seeds(4, 8)
    assert None not in candidate_seeds(4, 7)  # 重新生成 never repeats the greedy draft
    assert candidate_seeds(0, None) == [None] and candidate_seeds(1, 7) == [7]


def test_the_draft_written_from_the_entry_wins_over_a_more_fluent_invention() -> None:
    drafter = ScriptedDrafter([(OFF_ENTRY, -0.4), (ON_ENTRY, -0.9), ("", -0.1)], candidates=3)
    outcome = draft_ticket(drafter, _plan())
    assert outcome.text == ON_ENTRY
    assert drafter.seeds == [None, 1, 2] and outcome.candidates == 3
    assert outcome.score is not None and outcome.score.coverage > 0.8
    assert outcome.result.ms == 30.0  # what the agent waited for: all the draws
    assert drafter.streamed == []  # nobody asked for the tokens
    pieces: list[str] = []
    again = ScriptedDrafter([(OFF_ENTRY, -0.4), (ON_ENTRY, -0.9), ("", -0.1)], candidates=3)
    assert draft_ticket(again, _plan(), on_token=pieces.append).text == ON_ENTRY
    assert pieces == [OFF_ENTRY]  # the first draw streams while it is written; the best replaces it


def test_one_candidate_streams_as_before() -> None:
    drafter = ScriptedDrafter([(OFF_ENTRY, -0.4)], candidates=1)
    pieces: list[str] = []
    outcome = draft_ticket(drafter, _plan(), on_token=pieces.append)
    assert outcome.text == OFF_ENTRY and pieces == [OFF_ENTRY] and outcome.score is None


def test_asking_again_for_an_order_number_the_customer_gave_costs() -> None:
    asks = ON_ENTRY + "也请把订单号发给我们，核实后回复您。"
    assert order_number_known("", ["订单128374650192的快递丢件了"])
    assert order_number_known("DD-7", ["衣服不合适"])  # the ticket's own order field
    assert not order_number_known("", ["订单1234丢了", "电话13800000000"][:1])
    known = score_draft(asks, -1.0, 0, [ENTRY_TEXT], upset=False, order_known=True)
    unknown = score_draft(asks, -1.0, 0, [ENTRY_TEXT], upset=False, order_known=False)
    assert known.total == pytest.approx(unknown.total + REASK_WEIGHT)
    plain = score_draft(ON_ENTRY, -1.0, 0, [ENTRY_TEXT], upset=False, order_known=True)
    assert plain.total == score_draft(ON_ENTRY, -1.0, 0, [ENTRY_TEXT], upset=False).total
    assert ASKS_ORDER_NUMBER.search("麻烦提供一下订单号") and not ASKS_ORDER_NUMBER.search("订单号已收到")


def test_the_draft_that_does_not_re_ask_wins_when_the_order_is_known() -> None:
    asks = ON_ENTRY + "请把订单号发给我们。"
    plan = _plan()
    with_order = DraftPlan(replace(plan.request, order_id="DD-7"), plan.hits)
    drafter = ScriptedDrafter([(asks, -0.6), (ON_ENTRY, -1.0)], candidates=2)
    assert draft_ticket(drafter, with_order).text == ON_ENTRY
    again = ScriptedDrafter([(asks, -0.6), (ON_ENTRY, -1.0)], candidates=2)
    assert draft_ticket(again, plan).text == asks  # without a known order, asking is right


def test_the_chosen_draft_apologises_to_an_upset_customer() -> None:
    drafter = ScriptedDrafter([(ON_ENTRY, -0.5), (ON_ENTRY + "谢谢。", -0.9)], candidates=2)
    outcome = draft_ticket(drafter, _plan("negative"))
    assert outcome.text.startswith("您好，给您添麻烦了，真的很抱歉。签收后7天内")
    assert draft_ticket(ScriptedDrafter([(ON_ENTRY, -0.5)], candidates=1), _plan("negative")).text != ON_ENTRY
    assert draft_ticket(ScriptedDrafter([(ON_ENTRY, -0.5)], candidates=1), _plan("neutral")).text == ON_ENTRY
