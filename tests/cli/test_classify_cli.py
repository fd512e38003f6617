"""``aftersales classify``: JSONL in, one JSON result per line out; bad input exits 2."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from desktop_app.cli.main import EXIT_BAD_INPUT, main
from desktop_app.config import TAGGER_MODEL_ENV_VAR

FIELDS = {"id", "intent", "intent_scores", "sentiment", "sentiment_scores", "flagged", "flag_reasons"}


@pytest.fixture
def jsonl(tmp_path: Path) -> Path:
    path = tmp_path / "in.jsonl"
    lines = [
        {"id": "A-1", "text": "你们态度太差了我要投诉"},
        {"id": 2, "text": "我的快递什么时候到"},
        {"id": "A-3", "text": "谢谢，太棒了", "extra": "ignored"},
    ]
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n\n", encoding="utf-8")
    return path


def _one_line_error(capsys: pytest.CaptureFixture[str], *fragments: str) -> str:
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("aftersales: error: ")
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def test_classify_writes_one_line_per_ticket(jsonl: Path, toy_tagger_dir: Path, capsys) -> None:
    assert main(["classify", "--jsonl", str(jsonl), "--model", str(toy_tagger_dir)]) == 0
    out, err = capsys.readouterr()
    results = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in results] == ["A-1", 2, "A-3"]
    assert all(set(r) == FIELDS for r in results)
    assert results[0]["intent"] == "complaint" and results[0]["flagged"] is True
    assert not any(reason.startswith("触发词：") for reason in results[0]["flag_reasons"])  # only with --explain
    assert results[1]["intent"] == "logistics" and results[1]["flagged"] is False
    assert results[2]["sentiment"] == "positive"
    assert sum(results[1]["intent_scores"].values()) == pytest.approx(1.0, abs=1e-4)
    assert "投诉" in out  # ensure_ascii=False: Chinese stays readable
    assert "classified 3 tickets" in err


def test_explain_adds_the_trigger_words_of_flagged_tickets(jsonl: Path, toy_tagger_dir: Path, capsys) -> None:
    assert main(["classify", "--jsonl", str(jsonl), "--model", str(toy_tagger_dir), "--explain"]) == 0
    results = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert all(set(r) == FIELDS for r in results)
    triggers = [r for r in results[0]["flag_reasons"] if r.startswith("触发词：")]
    assert len(triggers) == 1 and "「投诉」" in triggers[0]
    assert results[1]["flag_reasons"] == [] and results[2]["flag_reasons"] == []  # not flagged: nothing


def test_command_line_uses_every_core_by_default(
    jsonl: Path, toy_tagger_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    import desktop_app.services.tagging as tagging

    asked: list[int | None] = []
    real = tagging.load_tagger

    def load(folder, threads=None):  # type: ignore[no-untyped-def]
        asked.append(threads)
        return real(folder, threads=threads)

    monkeypatch.setattr(tagging, "load_tagger", load)
    monkeypatch.setattr("desktop_app.cli.commands.classify.os.cpu_count", lambda: 2)
    assert main(["classify", "--jsonl", str(jsonl), "--model", str(toy_tagger_dir)]) == 0
    assert main(["classify", "--jsonl", str(jsonl), "--model", str(toy_tagger_dir), "--threads", "1"]) == 0
    assert asked == [2, 1]  # both cores; the app's tagger keeps one for the UI (tagger.default_threads)


def test_classify_stdin_and_out_file(
    jsonl: Path, toy_tagger_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv(TAGGER_MODEL_ENV_VAR, str(toy_tagger_dir))  # the default --model
    monkeypatch.setattr("sys.stdin", io.StringIO(jsonl.read_text("utf-8")))
    target = tmp_path / "out.jsonl"
    assert main(["classify", "--jsonl", "-", "--out", str(target)]) == 0
    assert capsys.readouterr().out == ""
    lines = target.read_text("utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["A-1", 2, "A-3"]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"id": "x", "text": "好"', "not valid JSON"),
        ('["id", "text"]', "expected an object"),
        ('{"text": "你好"}', 'no "id"'),
        ('{"id": "x", "text": 5}', '"text" must be a string'),
        ('{"id": null, "text": "你好"}', '"id" must be a string or an integer'),
    ],
)
def test_bad_line_names_its_number(tmp_path: Path, toy_tagger_dir: Path, capsys, line: str, reason: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": 1, "text": "你好"}\n\n' + line + "\n", encoding="utf-8")
    assert main(["classify", "--jsonl", str(path), "--model", str(toy_tagger_dir)]) == EXIT_BAD_INPUT
    _one_line_error(capsys, "line 3", reason, "bad.jsonl")


def test_missing_model(jsonl: Path, tmp_path: Path, capsys) -> None:
    assert main(["classify", "--jsonl", str(jsonl), "--model", str(tmp_path / "none")]) == EXIT_BAD_INPUT
    _one_line_error(capsys, "does not exist")


def test_default_model_missing_is_a_clear_error(jsonl: Path, capsys) -> None:
    assert main(["classify", "--jsonl", str(jsonl)]) == EXIT_BAD_INPUT
    _one_line_error(capsys, "no-tagger-installed", "does not exist")


def test_corrupt_model(jsonl: Path, toy_tagger_dir: Path, capsys) -> None:
    model = toy_tagger_dir / "model.onnx"
    model.write_bytes(model.read_bytes()[:-1] + b"\x00")
    assert main(["classify", "--jsonl", str(jsonl), "--model", str(toy_tagger_dir)]) == EXIT_BAD_INPUT
    _one_line_error(capsys, "model.onnx is corrupt")


def test_missing_input_file(tmp_path: Path, toy_tagger_dir: Path, capsys) -> None:
    assert main(["classify", "--jsonl", str(tmp_path / "nope.jsonl"), "--model", str(toy_tagger_dir)]) == 2
    _one_line_error(capsys, "cannot read", "nope.jsonl")
