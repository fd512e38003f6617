"""The v1 drafter's appended policy text (v2 models write from the entries; nothing is appended)."""

from __future__ import annotations

from desktop_app.nlp.drafting.policy_append import is_closing, with_policy


def test_policy_text_follows_the_draft_unless_the_customer_is_only_thanking() -> None:
    policy = "退款审核通过后会原路返回，银行卡1-7个工作日到账。"
    assert with_policy("亲，请稍等哈~", policy, "退款多久到账") == f"亲，请稍等哈。{policy}"
    assert with_policy("", policy, "退款多久到账") == policy
    assert with_policy("请问还有其他还可以帮到您的吗？", policy, "退款多久到账") == "请问还有其他还可以帮到您的吗？"
    assert with_policy("好的亲", policy, "好的 谢谢") == "好的亲"
    assert with_policy("好的亲", None, "退款多久到账") == "好的亲"
    assert with_policy(f"亲，{policy}", policy, "退款多久到账") == f"亲，{policy}"  # said already
    assert is_closing("嗯嗯") and is_closing("没有啦 谢了") and not is_closing("退款呢？都三天了")


def test_only_v1_format_drafts_get_the_policy(toy_drafter) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.config import RESOURCES_DIR
    from desktop_app.nlp.drafting.knowledge_base import KnowledgeBase
    from desktop_app.nlp.drafting.pipeline import TicketView, draft_ticket, plan_draft
    from desktop_app.nlp.drafting.prompt import Turn
    from desktop_app.nlp.drafting.retrieval import Retriever

    plan = plan_draft(TicketView(turns=(Turn("customer", "退款什么时候到账，退到银行卡要多久"),)), Retriever(KnowledgeBase.load(RESOURCES_DIR / "kb")))
    assert plan.policy is not None
    outcome = draft_ticket(toy_drafter, plan)
    assert (plan.policy in outcome.text) == (toy_drafter.format == "aftersales-v1")
