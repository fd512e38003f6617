from __future__ import annotations

import pytest

from desktop_app.nlp.drafting.fill import address_customer, contains_placeholder, form_of_address, polish


def test_polish_uses_chinese_punctuation_and_drops_repeats() -> None:
    assert polish("好的,马上为您处理!!") == "好的，马上为您处理！"
    assert polish("稍等哦，稍等哦，稍等哦，为您查询") == "稍等哦，为您查询。"
    assert polish("，亲,") == "亲。"


@pytest.mark.parametrize(
    ("raw", "polished"),
    [
        ("亲，亲，您的快递在路上。", "亲，您的快递在路上。"),  # one form of address
        ("亲，客户，您的退款已到账。", "亲，您的退款已到账。"),
        ("亲，亲爱的顾客，请稍等。", "亲，请稍等。"),
        ("好的。，我们马上处理。", "好的。我们马上处理。"),  # 。， : the sentence ends there
        ("已为您登记，。", "已为您登记。"),
        ("已为您登记，商品地址：。请您确认。", "已为您登记，请您确认。"),  # an empty field label
        ("已为您登记，商品地址：", "已为您登记。"),
        ("退款已到账", "退款已到账。"),  # a final mark
        ("退款会原路退回（3个工作日）", "退款会原路退回（3个工作日）。"),
        ("已为您补发，请留意物流~", "已为您补发，请留意物流~"),
    ],
)
def test_polish_removes_fill_glitches(raw: str, polished: str) -> None:
    assert polish(raw) == polished


@pytest.mark.parametrize(
    "kept",
    ["订单号：JD9988776655。", "师傅会亲自上门取件。", "请在客户端提交申请。", "亲，您好，快递在路上。"],
)
def test_polish_keeps_what_is_not_a_glitch(kept: str) -> None:
    assert polish(kept) == kept


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


@pytest.mark.parametrize(
    ("draft", "customer", "addressed"),
    [
        ("亲，亲，您的快递在路上。", "jd_123", "亲，您的快递在路上。"),
        ("亲，客户，您的快递在路上。", "jd_123", "亲，您的快递在路上。"),
        ("客户您好，您的快递在路上。", "王女士", "王女士您好，您的快递在路上。"),
        ("亲，您好，您的快递在路上。", "王女士", "王女士您好，您的快递在路上。"),
        ("亲自上门取件。", "张三", "张三您好，亲自上门取件。"),  # 亲自 is a word, not a greeting
        ("亲", "王女士", "王女士您好。"),
        ("亲亲，您和快递员联系一下。", "王女士", "王女士您好，您和快递员联系一下。"),
        ("亲爱的。实在抱歉，让您久等了。", "王女士", "王女士您好，实在抱歉，让您久等了。"),
    ],
)
def test_address_customer_leaves_one_form_of_address(draft: str, customer: str, addressed: str) -> None:
    assert address_customer(draft, customer) == addressed


def test_contains_placeholder() -> None:
    assert contains_placeholder("预计[NUM]天")
    assert contains_placeholder("订单[ORDERID_10005629]")
    assert contains_placeholder("共[数字x]件")
    assert not contains_placeholder("预计3天送达")


def test_leftover_emoji_codes_are_stripped() -> None:
    from desktop_app.nlp.drafting.fill import strip_codes

    assert strip_codes("好的#E-s33呢E-s") == "好的呢"


def test_control_characters_never_reach_the_editor() -> None:
    from desktop_app.nlp.drafting.fill import polish

    assert polish("您好\r\n请稍等\x15哦\r谢谢") == "您好\n请稍等哦\n谢谢。"
