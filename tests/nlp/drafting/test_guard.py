"""The drafting guards: digit strings only from the prompt, never_promise phrases, the promise check."""

from __future__ import annotations

from desktop_app.nlp.drafting.guard import (
    DigitGuard,
    banned_phrase_hit,
    digit_strings,
    drop_unfinished_number,
    promise_check,
)

TOKENS = ["", "2", "28", "9", "99", "7天", "。", "您好", "3"]


def _guard(*allowed: str) -> DigitGuard:
    guard = DigitGuard(TOKENS)
    guard.reset(allowed)
    return guard


def test_digit_strings_are_maximal_runs_after_nfkc() -> None:
    assert digit_strings(["价格２９９９元，签收4天", "订单 12"]) == {"2999", "4", "12"}


def test_only_numbers_the_prompt_has_can_be_written() -> None:
    guard = _guard("2899", "7")
    banned = {TOKENS[i] for i in guard.banned()}
    assert "3" in banned and "9" in banned and "99" in banned  # no number starts with 3 or 9
    assert "28" not in banned and "7天" not in banned
    guard.feed("28")
    assert guard.unfinished  # 28 is only the start of 2899
    banned = {TOKENS[i] for i in guard.banned()}
    assert "。" in banned and "您好" in banned and "99" not in banned  # the number must be finished
    guard.feed("99")
    assert not guard.unfinished and not {TOKENS[i] for i in guard.banned()} & {"。", "您好"}


def test_a_draft_cut_off_mid_number_loses_the_half_number() -> None:
    assert drop_unfinished_number("您签收第289", {"2899", "4"}) == "您签收第"
    assert drop_unfinished_number("签收4", {"2899", "4"}) == "签收4"
    assert drop_unfinished_number("您好。", {"2899"}) == "您好。"


def test_never_promise_phrases_are_caught_as_they_complete() -> None:
    assert banned_phrase_hit("这边保证", "全额退款", ["保证全额退款"]) == "保证全额退款"
    assert banned_phrase_hit("这边", "核实", ["保证全额退款"]) is None


def test_unsupported_promises_are_marked_and_supported_ones_not() -> None:
    support = ["质量问题签收15天内可以申请换货，运费由我们承担。"]
    marks = promise_check("您好，可以换货，运费我们承担。明天一定给您补发。", support)
    assert [m.sentence for m in marks] == ["明天一定给您补发。"]
    assert set(marks[0].terms) == {"明天", "一定", "补发"}
    assert promise_check("3天内到账。", support)[0].terms == ("到账", "3天内")
    assert promise_check("15天内可以换货。", support) == []


def test_a_quantity_needs_its_number_with_its_unit_in_the_support() -> None:
    support = ["服务单24小时内审核，签收15天内可以换货；退款1-7个工作日原路退回，订单完成后180天内可换开。"]
    assert promise_check("一般15-24天能送到。", support)[0].terms == ("15-24天",)  # 15天 and 24小时 exist apart
    assert promise_check("核实后180元。", support)[0].terms == ("180元",)
    assert promise_check("退款1-7工作日原路退回。", support) == []  # 个 or not, the same range
    assert promise_check("最快1个工作日退回。", support) == []  # an end of the entry's range
    assert promise_check("服务单24小时内审核。", support) == []
    assert promise_check("3天内审核。", ["顾客：都3天了还没审核"]) == []  # the ticket is support too
