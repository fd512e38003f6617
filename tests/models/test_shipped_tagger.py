"""The tagger shipped in models/tagger: intact, loadable, and as good as its manifest says."""

from __future__ import annotations

import json

import pytest

from desktop_app.config import MODELS_DIR
from desktop_app.nlp.tagging.tagger import TicketTagger

SHIPPED = MODELS_DIR / "tagger"
pytestmark = pytest.mark.skipif(
    not (SHIPPED / "manifest.json").is_file(), reason="no tagger in models/tagger (train one: aftersales train tagger)"
)


def test_shipped_tagger_verifies_and_tags_chinese_tickets():
    tagger = TicketTagger.load(SHIPPED, threads=1)
    results = tagger.tag(
        ["我的快递三天了还没到，物流一直不更新", "发票抬头开错了，麻烦重新开一张增值税专用发票"],
    )
    assert results[0].intent == "logistics"
    assert results[1].intent == "invoice"


def test_manifest_metrics_reproduce_on_the_tickets_test_split():
    from desktop_app.training.common.corpora import DataMissingError, load_tickets, resolve_data_dir

    try:
        data = resolve_data_dir(None)
    except DataMissingError as exc:
        pytest.skip(f"corpora not available: {exc}")
    pytest.importorskip("sklearn", reason="metrics need the [train] extras")
    from desktop_app.domain.vocabulary import INTENTS
    from desktop_app.training.tagger.metrics import classification_report

    manifest = json.loads((SHIPPED / "manifest.json").read_text("utf-8"))
    test = [t for t in load_tickets(data) if t.split == "test"]
    intents, _ = TicketTagger.load(SHIPPED, threads=2).probabilities([t.text for t in test])
    report = classification_report(
        [t.intent for t in test], [list(INTENTS)[i] for i in intents.argmax(1)], list(INTENTS)
    )
    assert report["macro_f1"] == pytest.approx(manifest["metrics"]["model"]["tickets_test_intent_macro_f1"], abs=2e-3)
