from __future__ import annotations

import pytest

from desktop_app.training.drafter.metrics import (
    bleu4,
    distinct_2,
    has_loop,
    invented_numbers,
    normalise,
    rouge_l,
    score_system,
)


def test_normalise_treats_widths_and_placeholders_alike() -> None:
    assert normalise("好的，[数字x]天") == normalise("好的,[NUM]天")
    assert len(normalise("[数字x]")) == 1


def test_bleu_is_one_for_an_exact_match_and_averages_over_references() -> None:
    assert bleu4("亲，请您稍等一下哦", ["亲，请您稍等一下哦"]) == pytest.approx(1.0)
    both = bleu4("亲，请您稍等一下哦", ["亲，请您稍等一下哦", "完全无关的句子内容"])
    assert 0.4 < both < 0.6
    assert bleu4("退款", ["发票开好了"]) < 0.05


def test_rouge_l_uses_the_longest_common_subsequence() -> None:
    assert rouge_l("ab", ["ab"]) == pytest.approx(1.0)
    # LCS of 稍等哦 and 请稍等 is 稍等: P = R = 2/3.
    assert rouge_l("稍等哦", ["请稍等"]) == pytest.approx(2 / 3)
    assert rouge_l("", ["请稍等"]) == 0.0


def test_distinct_2_falls_when_every_output_is_the_same() -> None:
    varied = distinct_2(["退款已到账", "发票已开好", "快递在路上"])
    same = distinct_2(["请问还有其他可以帮到您的吗"] * 10)
    assert varied == pytest.approx(1.0) and same < 0.15


def test_score_system_reports_every_metric() -> None:
    scores = score_system(["好的", "稍等"], [["好的"], ["请稍等", "稍等哦"]]).to_json()
    assert set(scores) == {"bleu4", "rouge_l", "distinct_2", "mean_length", "count"}
    assert scores["count"] == 2 and scores["mean_length"] == 2.0


def test_loops_and_invented_order_numbers_are_detected() -> None:
    assert has_loop("好的好的好的呢")
    assert not has_loop("好的，马上为您处理")
    assert invented_numbers("订单1234567890已发货", allowed=["我的订单 1234567890"]) == []
    assert invented_numbers("订单9876543210已发货", allowed=["我的订单 1234567890"]) == ["9876543210"]
