from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.cli.main import main


def _run(tmp_path: Path, content: str, model: Path, capsys) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    source = tmp_path / "in.jsonl"
    source.write_text(content, "utf-8")
    code = main(["draft", "--jsonl", str(source), "--model", str(model), "--no-kb"])
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "line 2: not valid JSON"),
        ('{"text": "你好"}', 'line 2: "id" must be'),
        ('{"id": 1}', 'line 2: "text" must be a string'),
        ('{"id": 1, "text": "你好", "history": [{"role": "bot", "text": "x"}]}', "line 2: history item 1"),
        ('{"id": 1, "text": "你好", "intent": "weather"}', 'line 2: "intent" must be one of'),
    ],
)
def test_a_bad_line_is_reported_with_its_number(
    tmp_path: Path, toy_drafter_dir: Path, capsys, line: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    code, err = _run(tmp_path, '{"id": 0, "text": "你好"}\n' + line + "\n", toy_drafter_dir, capsys)
    assert code == 2 and message in err


def test_missing_model_folder_is_a_one_line_error(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code = main(["draft", "--text", "你好", "--model", str(tmp_path / "nowhere")])
    assert code == 2 and "does not exist" in capsys.readouterr().err


def test_text_mode_prints_one_json_result(toy_drafter_dir: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["draft", "--text", "退款什么时候到账", "--model", str(toy_drafter_dir)]) == 0
    out = capsys.readouterr().out
    assert '"draft"' in out and '"kb": ["refund_timeline"' in out and '"unsupported"' in out


def test_adopt_turns_a_builder_export_into_a_drafter_folder(
    foreign_drafter_dir: Path,
    tmp_path: Path,
    capsys,  # type: ignore[no-untyped-def]
) -> None:
    import json
    import shutil

    folder = Path(shutil.copytree(foreign_drafter_dir, tmp_path / "exported"))
    (folder / "manifest.json").unlink()  # as the builder leaves it
    assert main(["drafter", "adopt", str(folder), "--name", "our-qwen"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["name"] == "our-qwen" and result["format"] == "chat"
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert manifest["task"] == "reply-drafting" and "model.onnx" in manifest["files"]


def test_adopt_refuses_a_folder_without_a_genai_config(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["drafter", "adopt", str(tmp_path)]) == 2
    assert "model builder" in capsys.readouterr().err
