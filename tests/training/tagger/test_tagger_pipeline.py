"""The whole `train tagger` pipeline on toy data with a toy-sized model: it must produce a
folder the app's runtime loads, whose int8 ONNX agrees with torch, with its report."""

from __future__ import annotations

import json

from desktop_app.nlp.tagging.tagger import TicketTagger
from desktop_app.training.tagger.model import TOY_SIZE
from desktop_app.training.tagger.train import FinetuneSettings
from desktop_app.training.tagger.pipeline import TaggerRecipe, train_tagger
from desktop_app.training.tagger.pretrain import PretrainSettings


def test_toy_pipeline_produces_a_loadable_verified_model(toy_corpora, toy_corpus, tmp_path):
    recipe = TaggerRecipe(
        size=TOY_SIZE, vocab_size=500, pretrain=PretrainSettings(steps=3, batch_tokens=512), seeds=(13, 14)
    )
    settings = FinetuneSettings(epochs=2, reviews_per_epoch=100, ticket_repeats=1, batch_tokens=512)
    result = train_tagger(
        toy_corpora, tmp_path / "tagger", tmp_path / "work", recipe, settings, corpus_dir=toy_corpus
    )

    manifest = json.loads((result.folder / "manifest.json").read_text("utf-8"))
    assert set(manifest["files"]) == {"model.onnx", "tokenizer.json", "README.md", "lexical.npz"}
    assert 0.0 <= manifest["lexical"]["intent_weight"] <= 1.0  # chosen on the toy corpus' dev split
    assert "model_encoder_only" in result.report and "blend" in result.report
    assert manifest["labels"]["sentiment"] == ["negative", "neutral", "positive"]
    assert len(manifest["labels"]["intent"]) == 11
    assert 0.0 <= manifest["flag"]["negative_threshold"] <= 1.0
    assert "baseline" in manifest["metrics"] and "model" in manifest["metrics"]
    assert "Training data and licences" in (result.folder / "README.md").read_text("utf-8")

    tagger = TicketTagger.load(result.folder, threads=1)  # verifies every sha256
    results = tagger.tag(["快递怎么还没到，气死了", "谢谢"])
    assert [r.intent in manifest["labels"]["intent"] for r in results] == [True, True]
    assert abs(sum(results[0].intent_scores.values()) - 1) < 1e-4

    parity = result.report["parity"]
    assert parity["tickets_test_intent_agreement"] >= 0.9
    assert parity["tickets_test_max_abs_prob_diff"] < 0.1
    assert "QAttention" in result.report["onnx_ops"]  # attention was fused, then quantised
    json_report, markdown = result.report_files
    assert json.loads(json_report.read_text("utf-8"))["model"]["tickets_test"]["intent"]["n"] == 22
    assert "TF-IDF" in (result.folder / "README.md").read_text("utf-8")
    assert "| intent macro-F1 (tickets test) |" in markdown.read_text("utf-8")
    # the authored corpus: its test split is reported, its dev split calibrates and sets the flag
    assert [run["seed"] for run in result.report["seeds"]["runs"]] == [13, 14]
    assert set(manifest["calibration"]) == {"intent_temperature", "sentiment_temperature"}
    corpus_test = result.report["model"]["corpus_test"]
    assert corpus_test["intent"]["n"] == sum(v["n"] for v in corpus_test["by_style"].values()) > 0
    assert set(corpus_test["by_style"]) <= {"taobao", "jd", "elderly"}
    assert 0.0 <= corpus_test["flag"]["flagged_share"] <= 1.0
    assert result.report["flag_choice"]["rule"]
    assert "precision" in result.report["triggers"]
    assert "intent macro-F1 (corpus test)" in markdown.read_text("utf-8")
