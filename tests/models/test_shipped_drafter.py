"""The drafter shipped in models/drafter: intact, loadable, writing from the KB, and as good as its
manifest says (the manifest's figures are the evaluation report's)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from desktop_app.config import DATA_ROOT, MODELS_DIR
from desktop_app.nlp.drafting.drafter import ReplyDrafter
from desktop_app.nlp.drafting.fill import contains_placeholder
from desktop_app.nlp.drafting.knowledge_base import KnowledgeBase
from desktop_app.nlp.drafting.pipeline import TicketView, draft_ticket, plan_draft
from desktop_app.nlp.drafting.prompt import Turn
from desktop_app.nlp.drafting.retrieval import Retriever, load_ranker

SHIPPED = MODELS_DIR / "drafter"
REPORTS = Path(__file__).resolve().parents[2] / "reports"
pytestmark = pytest.mark.skipif(
    not (SHIPPED / "manifest.json").is_file(),
    reason="no drafter in models/drafter (train one: aftersales train drafter)",
)


def test_shipped_drafter_answers_from_the_retrieved_entry_with_no_foreign_number() -> None:
    drafter = ReplyDrafter.load(SHIPPED, threads=1)
    assert drafter.format == "aftersales-v3"
    retriever = Retriever(KnowledgeBase.load(DATA_ROOT / "resources" / "kb"), load_ranker(MODELS_DIR / "retriever"))
    ticket = TicketView(
        turns=(Turn("customer", "申请退款三天了还没到账，用的是银行卡付的，到底什么时候能退回来？"),),
        intent="refund_compensation",
        sentiment="negative",
        order_id="JD20240501123",
    )
    plan = plan_draft(ticket, retriever)
    outcome = draft_ticket(drafter, plan)
    text = outcome.text
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text) and not contains_placeholder(text)
    prompt_digits = set(re.findall(r"\d+", " ".join([*plan.request.kb_texts, *(t.text for t in plan.request.turns())])))
    order_digits = "20240501123"  # the ticket's own order number, filled in for [ORDER]
    assert set(re.findall(r"\d+", text)) <= prompt_digits | {order_digits}
    assert any(word in text for word in ("退款", "原路", "到账")), text  # the retrieved refund entry's terms


def test_manifest_metrics_are_the_evaluation_report() -> None:
    manifest = json.loads((SHIPPED / "manifest.json").read_text("utf-8"))
    report = json.loads((REPORTS / "drafter_eval.json").read_text("utf-8"))
    corpus = report["corpus_test"]
    assert manifest["metrics"]["corpus_test"]["kb_recall_at_3"] == corpus["kb_recall_at_3"]
    for key in ("chrf", "bleu4", "with_digit_not_in_prompt", "apology_rate_negative"):
        assert manifest["metrics"]["corpus_test"]["drafter"][key] == corpus["drafter"][key]
    assert manifest["metrics"]["rubric"] == report["rubric"]["by_system"]
    assert report["rubric"]["by_system"]["drafter"]["judged"] == corpus["tickets"]
    assert corpus["drafter"]["with_loop"] == corpus["drafter"]["empty"] == 0
