"""The drafter shipped in models/drafter: intact, loadable, safe, and as good as its manifest says."""

from __future__ import annotations

import json

import pytest

from desktop_app.config import MODELS_DIR, REPO_DIR
from desktop_app.nlp.drafting.fill import contains_placeholder
from desktop_app.nlp.drafting.prompt import DraftRequest, Turn
from desktop_app.nlp.drafting.drafter import ReplyDrafter

SHIPPED = MODELS_DIR / "drafter"
pytestmark = pytest.mark.skipif(
    not (SHIPPED / "manifest.json").is_file(),
    reason="no drafter in models/drafter (train one: aftersales train drafter)",
)


def test_shipped_drafter_writes_chinese_with_the_tickets_order_number_and_no_placeholder() -> None:
    drafter = ReplyDrafter.load(SHIPPED, threads=1)
    request = DraftRequest(
        text="我的订单怎么还没发货？订单号是多少你们查一下",
        history=(Turn("agent", "您好，请问有什么可以帮您？"),),
        intent="logistics",
        order_id="JD20240501123",
        customer="王女士",
    )
    result = drafter.draft(request)
    assert result.tokens > 0 and result.text.startswith("王女士您好")
    assert not contains_placeholder(result.text)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in result.raw)


def test_manifest_metrics_are_the_evaluation_reports() -> None:
    manifest = json.loads((SHIPPED / "manifest.json").read_text("utf-8"))
    report = json.loads((REPO_DIR / "reports" / "drafter_eval.json").read_text("utf-8"))
    for name in ("jddc2019_dev", "jddc_pairs_test"):
        assert manifest["metrics"][name]["drafter"] == report["sets"][name]["scores"]["drafter"]
    assert manifest["metrics"]["safety"] == report["safety"]
    assert manifest["metrics"]["safety"]["with_placeholder"] == 0
