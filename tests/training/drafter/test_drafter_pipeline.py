"""``train drafter --toy`` end to end on toy corpora, then the folder it wrote through the CLI:
``draft``, ``eval drafter`` and ``bench drafter`` (torch, the model builder and onnxruntime-genai)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app.cli.main import main
from desktop_app.nlp.drafting.drafter import ReplyDrafter

pytest.importorskip("torch", reason="training needs the [train] extras")


@pytest.fixture(scope="module")
def trained(toy_corpora: Path, toy_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("drafter-pipeline")
    paths = {"out": root / "drafter", "work": root / "work", "reports": root / "reports"}
    argv = ["train", "drafter", "--toy", "--data", str(toy_corpora), "--out", str(paths["out"])]
    argv += ["--work", str(paths["work"]), "--report-dir", str(paths["reports"]), "--precision", "int4"]
    argv += ["--tagger", str(root / "no-tagger"), "--corpus", str(toy_corpus)]
    # First the language-model stage alone (as while a corpus is still being written), then the rest from it.
    assert main([*argv, "--pretrain-only"]) == 0
    assert (paths["work"] / "pretrained-hf" / "config.json").is_file()
    assert not (paths["work"] / "hf").exists() and not paths["out"].exists()
    assert main(argv) == 0
    return paths


def test_the_fine_tuning_reuses_the_pretrained_stage(trained: dict[str, Path]) -> None:
    summary = json.loads((trained["work"] / "training_summary.json").read_text("utf-8"))
    pretrain = json.loads((trained["work"] / "pretrain_stats.json").read_text("utf-8"))
    assert summary["pretrain"]["result"] == pretrain
    assert summary["training"]["precision"] in ("fp32", "bf16 autocast")
    assert summary["training"]["threads"] >= 1


def test_training_writes_a_verified_folder_with_metrics_and_card(trained: dict[str, Path]) -> None:
    manifest = json.loads((trained["out"] / "manifest.json").read_text("utf-8"))
    assert manifest["task"] == "reply-drafting" and manifest["runtime"] == "onnxruntime-genai"
    assert {"genai_config.json", "tokenizer.json", "README.md"} <= set(manifest["files"])
    assert manifest["training_data"]["corpus_train_tickets"] > 0
    assert manifest["prompt"]["format"] == "aftersales-v3"  # the recipe's layout: entries with their applies_when
    assert set(manifest["metrics"]) == {"corpus_test", "jddc2019_dev", "speed"}
    assert manifest["metrics"]["speed"]["engines"][0]["tokens_per_s_p50"] > 0
    assert "licence" in (trained["out"] / "README.md").read_text("utf-8")
    genai = json.loads((trained["out"] / "genai_config.json").read_text("utf-8"))
    assert genai["model"]["decoder"]["session_options"]["intra_op_num_threads"] == 2
    ReplyDrafter.load(trained["out"], threads=1)  # verifies every sha256


def test_report_measures_the_drafter_next_to_the_retrieval_only_baseline(trained: dict[str, Path]) -> None:
    report = json.loads((trained["reports"] / "drafter_eval.json").read_text("utf-8"))
    corpus = report["corpus_test"]
    assert corpus["tickets"] > 0 and corpus["tags"].startswith("gold")
    for system in ("drafter", "retrieval_only_baseline"):
        figures = corpus[system]
        assert figures["drafts"] == corpus["tickets"]
        assert 0.0 <= figures["chrf"] <= 1.0
        assert figures["with_digit_not_in_prompt"] == 0 or system == "retrieval_only_baseline"
    assert 0.0 <= corpus["kb_recall_at_3"]["recall"] <= 1.0
    assert report["jddc2019_dev"]["most_frequent_reply"] == "亲，已经为您催促仓库尽快发货哦"
    drafts = (trained["reports"] / "drafter_test_drafts.jsonl").read_text("utf-8").splitlines()
    assert len(drafts) == corpus["tickets"] and "baseline" in json.loads(drafts[0])
    assert (trained["out"].parent / "retriever" / "manifest.json").is_file()
    markdown = (trained["reports"] / "drafter_eval.md").read_text("utf-8")
    assert "retrieval-only baseline" in markdown


def test_verdicts_become_rubric_shares(trained: dict[str, Path], tmp_path: Path) -> None:
    from desktop_app.training.drafter.evaluate import merge_verdicts

    verdicts = tmp_path / "v.jsonl"
    rows = [("a", "drafter", "send"), ("b", "drafter", "harmful"), ("a", "baseline", "light"), ("b", "baseline", "rewrite")]
    verdicts.write_text(
        "".join(json.dumps({"id": i, "system": s, "verdict": v, "reason": "."}) + "\n" for i, s, v in rows), "utf-8"
    )
    rubric = merge_verdicts({}, verdicts)["rubric"]["by_system"]
    assert rubric["drafter"]["send_or_light"] == 0.5 and rubric["drafter"]["harmful_share"] == 0.5
    assert rubric["baseline"]["send_or_light"] == 0.5 and rubric["baseline"]["harmful"] == 0


def test_draft_cli_writes_one_line_per_request(trained: dict[str, Path], tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "in.jsonl"
    lines = [
        {"id": "a", "text": "快递到哪了", "history": [{"role": "agent", "text": "您好"}], "intent": "logistics"},
        {"id": 2, "text": "发票怎么开", "order_id": "JD123456789", "customer": "王女士"},
    ]
    source.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n", "utf-8")
    assert main(["draft", "--jsonl", str(source), "--model", str(trained["out"])]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [o["id"] for o in out] == ["a", 2]
    assert all({"draft", "tokens", "ms"} <= set(o) for o in out)
    assert out[1]["draft"].startswith("王女士您好")


def test_bench_cli_measures_both_engines(trained: dict[str, Path], toy_corpora: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    argv = ["bench", "drafter", "--model", str(trained["out"]), "--torch-model", str(trained["work"] / "hf")]
    argv += ["--data", str(toy_corpora), "--prompts", "2", "--new-tokens", "6", "--json"]
    assert main(argv) == 0
    measured = json.loads(capsys.readouterr().out)
    lines = measured["engines"]
    assert [line["engine"].split(" ")[0] for line in lines] == ["onnxruntime-genai", "torch"]
    assert all(line["tokens_per_s_p50"] > 0 and line["new_tokens"] == 6 for line in lines)
    whole = measured["whole_replies"]  # the manifest's best of N next to one greedy draft, same tickets
    assert [w["setting"] for w in whole] == ["best of 4 drafts", "one greedy draft"]
    assert all(w["ms_p50"] > 0 and w["rounds"] == 2 for w in whole)
