"""The corpus' second pass: blind sample (no labels) and agreement with Cohen's κ."""

from __future__ import annotations

import json
from pathlib import Path

from desktop_app.config import RESOURCES_DIR
from desktop_app.nlp.drafting.knowledge_base import KnowledgeBase
from desktop_app.training.common.corpus import check_corpus
from desktop_app.training.common.corpus_review import blind_sample, cohen_kappa, opaque_id, review_summary


def test_kappa_is_one_for_agreement_and_zero_for_chance() -> None:
    assert cohen_kappa(["a", "b", "a", "b"], ["a", "b", "a", "b"]) == 1.0
    assert cohen_kappa(["a", "a", "b", "b"], ["a", "b", "a", "b"]) == 0.0


def test_sample_hides_labels_and_review_counts_agreement(toy_corpus: Path, tmp_path: Path) -> None:
    tickets = check_corpus(toy_corpus).tickets
    kb = KnowledgeBase.load(RESOURCES_DIR / "kb")
    rows = blind_sample(tickets, kb, share=0.1, seed=1)
    assert len(rows) == round(len(tickets) * 0.1)
    assert all("intent" not in r and "sentiment" not in r and r["kb"] for r in rows)
    assert all(r["id"].startswith("R-") for r in rows)  # the id prefix would give the intent away
    by_id = {opaque_id(t.id): t for t in tickets}
    review = tmp_path / "review.jsonl"
    lines = []
    for number, row in enumerate(rows):
        gold = by_id[row["id"]]
        sentiment = gold.sentiment if number else ("neutral" if gold.sentiment != "neutral" else "negative")
        lines.append({"id": row["id"], "intent": gold.intent, "sentiment": sentiment, "reply_verdict": "send"})
    review.write_text("".join(json.dumps(x) + "\n" for x in lines), "utf-8")
    summary = review_summary(tickets, review)
    assert summary["intent_agreement"] == 1.0 and summary["intent_kappa"] == 1.0
    assert summary["sentiment_agreement"] == round((len(rows) - 1) / len(rows), 4)
    assert summary["reply_send_share"] == 1.0 and len(summary["disagreements"]) == 1
