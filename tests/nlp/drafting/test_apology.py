"""An apology that names what the customer never said becomes a plain one (``nlp.drafting.apology``)."""

from __future__ import annotations

from desktop_app.nlp.drafting.apology import PLAIN_APOLOGY, ensure_apology, ground_apology

FRIDGE = "快递员把我买的海尔冰箱直接扔在小区门口就走了，电话也不接。我要投诉这个快递员"
REST = "您的投诉已记录并升级给售后主管，24小时内会有专人电话联系您。"


def test_an_invented_situation_is_dropped_and_the_rest_kept() -> None:
    draft = "说好的回电过了四天还没发货，让您着急了，真的很抱歉。" + REST
    assert ground_apology(draft, [FRIDGE]) == "让您着急了，真的很抱歉。" + REST
    invented = "您一个人弄电话还没消息，真对不起。" + REST  # nothing of feeling left but a bare apology
    assert ground_apology(invented, [FRIDGE]) == PLAIN_APOLOGY + "。" + REST


def test_the_greeting_and_a_pure_feeling_stay() -> None:
    draft = "您好，包裹三天没动静，给您添麻烦了，非常抱歉。" + REST
    assert ground_apology(draft, [FRIDGE]) == "您好，给您添麻烦了，非常抱歉。" + REST


def test_an_apology_in_the_customers_own_terms_is_left_alone() -> None:
    draft = "冰箱被扔在小区门口，快递员电话也不接，让您生气了，真的很抱歉。" + REST
    assert ground_apology(draft, [FRIDGE]) == draft


def test_plain_apologies_and_drafts_without_one_are_unchanged() -> None:
    for draft in ("让您久等了，真的很抱歉。" + REST, REST, ""):
        assert ground_apology(draft, [FRIDGE]) == draft


def test_only_the_first_apology_sentence_is_checked() -> None:
    draft = "快递三天没动静，真的很抱歉。" + REST + "页面写错了价格，再次抱歉。"
    assert ground_apology(draft, ["快递三天没动静了"]) == draft


def test_an_upset_customer_gets_a_plain_apology_after_the_greeting_when_the_draft_has_none() -> None:
    assert ensure_apology("您好，三个月在保修期内。", upset=True) == "您好，给您添麻烦了，真的很抱歉。三个月在保修期内。"
    assert ensure_apology("请把照片发给我们。", upset=True) == "给您添麻烦了，真的很抱歉。请把照片发给我们。"
    assert ensure_apology("王女士，请把照片发给我们。", upset=True, address="王女士") == (
        "王女士，给您添麻烦了，真的很抱歉。请把照片发给我们。"
    )
    already = "您好，让您久等了，很抱歉。退款已原路退回。"
    assert ensure_apology(already, upset=True) == already  # the model's own apology stays
    assert ensure_apology("您好，三个月在保修期内。", upset=False) == "您好，三个月在保修期内。"
    assert ensure_apology("您好，谢谢您的认可！", upset=True) == "您好，谢谢您的认可！"  # thanks, not sorry
    assert ensure_apology("", upset=True) == ""
