"""``aftersales mask``: JSONL in, one masked line per record out; bad input exits 2."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from desktop_app.cli.main import EXIT_BAD_INPUT, main


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    return path


def test_mask_writes_one_line_per_record(tmp_path: Path, capsys) -> None:
    rows = [
        {"id": "A-1", "text": "收件人：张三，电话13812345678"},
        {"id": 2, "text": "没有个人信息"},
    ]
    path = _write(tmp_path / "in.jsonl", [json.dumps(r, ensure_ascii=False) for r in rows])
    assert main(["mask", "--jsonl", str(path)]) == 0
    out, err = capsys.readouterr()
    results = [json.loads(line) for line in out.splitlines()]
    assert results == [
        {
            "id": "A-1",
            "masked": "收件人：张*，电话138****5678",
            "entities": [{"type": "name", "start": 4, "end": 6}, {"type": "phone", "start": 9, "end": 20}],
        },
        {"id": 2, "masked": "没有个人信息", "entities": []},
    ]
    assert "张*" in out  # ensure_ascii=False
    assert "masked 2 lines" in err


def test_mask_reads_stdin(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO('{"id": 1, "text": "邮箱abc@qq.com"}\n'))
    assert main(["mask", "--jsonl", "-"]) == 0
    out, _ = capsys.readouterr()
    assert json.loads(out)["masked"] == "邮箱a***@qq.com"


@pytest.mark.parametrize(
    ("line", "fragment"),
    [("not json", "not valid JSON"), ('{"text": "x"}', 'no "id"'), ('{"id": 1, "text": 5}', '"text" must be a string')],
)
def test_bad_line_exits_2_with_its_number(tmp_path: Path, line: str, fragment: str, capsys) -> None:
    path = _write(tmp_path / "in.jsonl", ['{"id": 1, "text": "好"}', line])
    assert main(["mask", "--jsonl", str(path)]) == EXIT_BAD_INPUT
    _out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("aftersales: error: ")
    assert "line 2" in lines[0] and fragment in lines[0]


def test_missing_file_exits_2(tmp_path: Path, capsys) -> None:
    assert main(["mask", "--jsonl", str(tmp_path / "nope.jsonl")]) == EXIT_BAD_INPUT
    assert "cannot read" in capsys.readouterr().err


LABELLED = Path(__file__).resolve().parents[1] / "nlp" / "data" / "address_masking.jsonl"


def test_mask_cli_prints_the_figures(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mask", "--evaluate", str(LABELLED)]) == 0
    out = capsys.readouterr().out
    assert "recall 1.000" in out and "false positives 0.000 (0/45" in out and "µs per text" in out


def test_mask_cli_evaluate_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1}\n', encoding="utf-8")
    assert main(["mask", "--evaluate", str(bad)]) == EXIT_BAD_INPUT
    assert main(["mask", "--evaluate", str(tmp_path / "missing.jsonl")]) == EXIT_BAD_INPUT
    assert capsys.readouterr().err.count("aftersales: error:") == 2
