from __future__ import annotations

import pytest

from desktop_app.nlp.drafting.fill import address_customer, contains_placeholder, form_of_address, polish


def test_polish_uses_chinese_punctuation_and_drops_repeats() -> None:
    assert polish("好的,马上为您处理!!") == "好的，马上为您处理！"
    assert polish("稍等哦，稍等哦，稍等哦，为您查询") == "稍等哦，为您查询"
    assert polish("，亲,") == "亲"


@pytest.mark.parametrize(
    ("customer", "address"),
    [("王女士", "王女士"), ("张三", "张三"), ("jd_8f2a9c", "亲"), ("", "亲"), ("李先生", "李先生")],
)
def test_form_of_address(customer: str, address: str) -> None:
    assert form_of_address(customer) == address


def test_address_customer_replaces_a_generic_greeting() -> None:
    assert address_customer("亲，您的快递在路上", "王女士") == "王女士您好，您的快递在路上"
    assert address_customer("您的快递在路上", "jd_123") == "亲，您的快递在路上"
    assert address_customer("您的快递在路上", "") == "您的快递在路上"


def test_contains_placeholder() -> None:
    assert contains_placeholder("预计[NUM]天")
    assert contains_placeholder("订单[ORDERID_10005629]")
    assert contains_placeholder("共[数字x]件")
    assert not contains_placeholder("预计3天送达")


def test_leftover_emoji_codes_are_stripped() -> None:
    from desktop_app.nlp.drafting.fill import strip_codes

    assert strip_codes("好的#E-s33呢E-s") == "好的呢"
