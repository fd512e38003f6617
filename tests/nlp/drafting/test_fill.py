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


def test_policy_text_follows_the_draft_unless_the_customer_is_only_thanking() -> None:
    from desktop_app.nlp.drafting.fill import is_closing, strip_codes, with_policy

    policy = "退款审核通过后会原路返回，银行卡1-7个工作日到账。"
    assert with_policy("亲，请稍等哈~", policy, "退款多久到账") == f"亲，请稍等哈。{policy}"
    assert with_policy("", policy, "退款多久到账") == policy
    assert with_policy("请问还有其他还可以帮到您的吗？", policy, "退款多久到账") == "请问还有其他还可以帮到您的吗？"
    assert with_policy("好的亲", policy, "好的 谢谢") == "好的亲"
    assert with_policy("好的亲", None, "退款多久到账") == "好的亲"
    assert with_policy(f"亲，{policy}", policy, "退款多久到账") == f"亲，{policy}"  # said already
    assert is_closing("嗯嗯") and is_closing("没有啦 谢了") and not is_closing("退款呢？都三天了")
    assert strip_codes("好的#E-s33呢E-s") == "好的呢"
