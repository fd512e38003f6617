"""Evaluating the exported folder through the app's own runtime, and writing its model card."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import numpy as np

from desktop_app.nlp.manifest import Manifest
from desktop_app.nlp.tagging.tagger import TicketTagger
from desktop_app.nlp.text import clean_text
from desktop_app.training.tagger.evaluate import NEG, POS, EvalSets, Predictor


def onnx_predictor(folder: Path, threads: int = 2) -> Predictor:
    tagger = TicketTagger.load(folder, threads=threads)

    def run(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        return tagger.probabilities(list(texts))

    return run


def parity(onnx: Predictor, torch_predict: Predictor, sets: EvalSets) -> dict:
    """How often the shipped int8 model agrees with the fp32 torch model it came from."""
    result = {}
    texts = [clean_text(t.text) for t in sets.test]
    (oi, os_), (ti, ts) = onnx(texts), torch_predict(texts)
    result["tickets_test_intent_agreement"] = round(float((oi.argmax(1) == ti.argmax(1)).mean()), 4)
    result["tickets_test_sentiment_agreement"] = round(float((os_.argmax(1) == ts.argmax(1)).mean()), 4)
    result["tickets_test_max_abs_prob_diff"] = round(float(max(abs(oi - ti).max(), abs(os_ - ts).max())), 4)
    for name, examples in (("online_shopping_heldout", sets.shopping_heldout), ("eprstmt_test", sets.eprstmt_test)):
        (_, o), (_, t) = onnx([e.text for e in examples]), torch_predict([e.text for e in examples])
        agree = ((o[:, POS] > o[:, NEG]) == (t[:, POS] > t[:, NEG])).mean()
        result[f"{name}_binary_agreement"] = round(float(agree), 4)
    return result


def _metrics_summary(report: dict) -> dict:
    summary = {}
    for system in ("model", "baseline"):
        section = report[system]
        summary[system] = {
            "tickets_test_intent_accuracy": section["tickets_test"]["intent"]["accuracy"],
            "tickets_test_intent_macro_f1": section["tickets_test"]["intent"]["macro_f1"],
            "tickets_test_sentiment_accuracy": section["tickets_test"]["sentiment"]["accuracy"],
            "tickets_test_sentiment_macro_f1": section["tickets_test"]["sentiment"]["macro_f1"],
            "online_shopping_heldout_binary_accuracy": section["online_shopping_heldout"]["accuracy"],
            "eprstmt_test_binary_accuracy": section["eprstmt_test"]["accuracy"],
            **{f"flag_{k}": v for k, v in section["tickets_test"]["flag"].items()},
        }
        if "corpus_test" in section:
            corpus = section["corpus_test"]
            summary[system].update(
                {
                    "corpus_test_intent_macro_f1": corpus["intent"]["macro_f1"],
                    "corpus_test_intent_accuracy": corpus["intent"]["accuracy"],
                    "corpus_test_sentiment_macro_f1": corpus["sentiment"]["macro_f1"],
                    "corpus_test_sentiment_accuracy": corpus["sentiment"]["accuracy"],
                    "corpus_test_flag_recall": corpus["flag"]["recall"],
                    "corpus_test_flag_precision": corpus["flag"]["precision"],
                    "corpus_test_flagged_share": corpus["flag"]["flagged_share"],
                    "corpus_test_true_flag_share": corpus["flag"]["true_share"],
                    "corpus_test_sentiment_ece": corpus["calibration_error"]["sentiment_ece"],
                }
            )
    summary["parity_int8_vs_torch"] = report.get("parity", {})
    return summary


def model_card(manifest: dict, metrics: dict) -> str:
    m, b = metrics["model"], metrics["baseline"]
    arch = manifest.get("architecture", {})
    data = manifest.get("training_data", {})
    sizes = manifest.get("evaluation_sizes", {})
    rows = [
        (f"intent macro-F1, corpus test ({sizes.get('corpus_test')})", "corpus_test_intent_macro_f1"),
        ("sentiment macro-F1, corpus test", "corpus_test_sentiment_macro_f1"),
        ("flag recall (negative or complaint), corpus test", "corpus_test_flag_recall"),
        ("flag precision, corpus test", "corpus_test_flag_precision"),
        ("flagged share, corpus test", "corpus_test_flagged_share"),
        ("true negative-or-complaint share, corpus test", "corpus_test_true_flag_share"),
        ("sentiment calibration error (ECE), corpus test", "corpus_test_sentiment_ece"),
        (f"intent macro-F1, tickets test ({sizes.get('tickets_test')})", "tickets_test_intent_macro_f1"),
        ("intent accuracy, tickets test", "tickets_test_intent_accuracy"),
        ("sentiment accuracy, tickets test", "tickets_test_sentiment_accuracy"),
        (
            f"binary sentiment, online_shopping held-out ({sizes.get('online_shopping_heldout')})",
            "online_shopping_heldout_binary_accuracy",
        ),
        (f"binary sentiment, EPRSTMT test_public ({sizes.get('eprstmt_test')})", "eprstmt_test_binary_accuracy"),
        ("negative recall at the flag threshold", "flag_negative_recall"),
        ("negative precision at the flag threshold", "flag_negative_precision"),
    ]
    table = "\n".join(f"| {label} | {m.get(key, '–')} | {b.get(key, '–')} |" for label, key in rows)
    parity = "\n".join(f"- {k}: {v}" for k, v in metrics.get("parity_int8_vs_torch", {}).items())
    chosen_by = json.dumps(manifest["flag"].get("chosen_by", {}), ensure_ascii=False)
    lexical = manifest.get("lexical")
    blend = (
        f"""
- Lexical head: `lexical.npz`, character 1–3-gram TF-IDF ({lexical.get("features")} n-grams) with one
  logistic regression per task, trained on the same data; the shipped probabilities are
  `w·encoder + (1 − w)·lexical` with w = {lexical.get("intent_weight")} for intent and
  {lexical.get("sentiment_weight")} for sentiment, chosen on the corpus dev split (best macro-F1)."""
        if isinstance(lexical, dict)
        else ""
    )
    return f"""# aftersales-tagger {manifest.get("version", "")}

Tags a Chinese after-sales ticket with one of 11 intents and one of 3 sentiments
(`shared/TAXONOMY.md`), and flags it for a supervisor when
p(negative) ≥ {manifest["flag"]["negative_threshold"]} or the intent is `complaint`.

- Architecture: BERT encoder trained from scratch, {arch.get("layers")} layers, hidden {arch.get("hidden")},
  {arch.get("heads")} heads, vocabulary {arch.get("vocab_size")} (character-level Chinese WordPiece),
  max {arch.get("max_length")} tokens; mean-pooled, two linear heads.
- Runtime: `model.onnx`, onnxruntime, BERT-fused and dynamically quantised to int8; text goes
  through `desktop_app.nlp.text.clean_text` (placeholders for numbers, phones, links, emoji).{blend}

## Training data and licences

MLM pretraining and fine-tuning used only the corpora of `shared/data/SOURCES.md`:
JDDC customer-service dialogues (jddc_pairs train, JDDC 2019 sessions, CSDS) — JDDC
competition data, research use; review corpora online_shopping_10_cats and waimai_10k
(SophonPlus/ChineseNlpCorpus, no licence stated) and FewCLUE EPRSTMT (licence "being
added"); the labelled tickets of the train split (labels made for this project);
our own hand-written and demo tickets ({data.get("handwritten_and_demo", 0)}); and the train split of the
project's authored corpus (`resources/corpus/`, {data.get("authored_corpus_train", 0)} tickets, written for
this project, no third-party terms). Held out and never trained on: the corpus dev/test splits,
the tickets dev/test splits and their dialogue sessions, a 10 % held-out split of
online_shopping (stratified by category), EPRSTMT test_public. **Because most of these
corpora carry no licence or research-only terms, this model is for evaluation and
internal use; a company deploying it should retrain it on its own tickets.**

Training data counts: `{json.dumps(data, ensure_ascii=False)}`

## How well it does (the shipped model vs. the TF-IDF + logistic-regression baseline on the same data)

| metric | this model | TF-IDF baseline |
|---|---|---|
{table}

Scores are calibrated by temperature scaling on the corpus dev split
(`{json.dumps(manifest.get("calibration", {}), ensure_ascii=False)}`). The flag threshold was chosen on the
corpus dev split for recall ≥ 0.90 of negative-or-complaint tickets at precision ≥ 0.85
(precision ≥ 0.80 when both cannot be met, never a threshold that flags most tickets); here:
`{chosen_by}`.
Full report with per-class precision/recall and confusion matrices:
`aftersales eval tagger --data DIR`.

int8 ONNX vs. the fp32 torch model it was exported from:
{parity}

## Retraining on your own tickets

1. Label tickets in the format of `shared/data/tickets/tickets.jsonl` (`text`, `intent`,
   `sentiment`, `split` = train/dev/test) and point `--data` at a folder of the same layout,
   or simply let agents correct tags in the app: every correction is stored.
2. `aftersales export-training --as SUPERVISOR feedback.jsonl` (masked and audited), then
   `aftersales train tagger --data DIR --feedback feedback.jsonl --out models/tagger` retrains
   (tokenizer, pretraining, fine-tuning, evaluation, export) and folds in the corrections.
3. Check `aftersales eval tagger --data DIR` and `aftersales bench tagger`, then ship the
   folder; the app verifies every file's sha256 from `manifest.json` before loading it.

Built {date.today().isoformat()}.
"""


def finalise_model_folder(
    folder: Path, report: dict, threshold: float, calibration: dict[str, float] | None = None
) -> None:
    """Write the flag threshold, calibration and metrics into the manifest and the card, then re-hash."""
    manifest = Manifest.load(folder)
    flag = {**manifest.section("flag"), "negative_threshold": threshold}
    if "threshold_choice" in report:
        flag["chosen_by"] = report["threshold_choice"]
    metrics = _metrics_summary(report)
    manifest = manifest.replace(
        flag=flag,
        calibration=calibration or manifest.get("calibration"),
        version=manifest.version or date.today().strftime("%Y.%m.%d"),
        metrics=metrics,
        evaluation_sizes={
            "tickets_test": report["model"]["tickets_test"]["intent"]["n"],
            "online_shopping_heldout": report["model"]["online_shopping_heldout"]["n"],
            "eprstmt_test": report["model"]["eprstmt_test"]["n"],
            "corpus_test": report["model"].get("corpus_test", {}).get("intent", {}).get("n"),
        },
    )
    (folder / "README.md").write_text(model_card(manifest.to_json(), metrics), encoding="utf-8")
    manifest.rehashed(folder, manifest.files).write(folder)


def trigger_precision(folder: Path, tickets: Sequence) -> dict:
    """How many shown trigger words lie inside the corpus' ``evidence`` spans (flagged test tickets).

    A shown word is right when it is part of an evidence phrase (「星期」 in 「等了一个星期」) or
    contains one; recall is the share of tickets with evidence whose triggers hit any span.
    """
    from desktop_app.nlp.tagging.explain import occlusion, flag_targets

    tagger = TicketTagger.load(folder, threads=2)
    shown = right = tickets_hit = tickets_seen = 0
    examples: list[dict[str, object]] = []
    for ticket in tickets:
        if not ticket.evidence:
            continue
        (result,) = tagger.tag([ticket.customer_text])
        if not result.flagged:
            continue
        words = [w for w, _ in occlusion(tagger, ticket.customer_text, flag_targets(tagger, result))]
        hits = [w for w in words if any(w in span or span in w for span in ticket.evidence)]
        tickets_seen += 1
        shown += len(words)
        right += len(hits)
        tickets_hit += bool(hits)
        if len(examples) < 8:
            examples.append({"id": ticket.id, "evidence": list(ticket.evidence), "triggers": words})
    return {
        "flagged_test_tickets_with_evidence": tickets_seen,
        "trigger_words_shown": shown,
        "precision": round(right / max(shown, 1), 4),
        "tickets_with_a_hit": round(tickets_hit / max(tickets_seen, 1), 4),
        "examples": examples,
    }
