"""``aftersales corpus stats|check`` on the shipped corpus and on a broken one."""

from __future__ import annotations

import json
from pathlib import Path

from desktop_app.cli.main import main


def test_shipped_corpus_passes_check_and_meets_every_minimum(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["corpus", "check"]) == 0
    capsys.readouterr()
    assert main(["corpus", "stats", "--json"]) == 0, capsys.readouterr().out
    stats = json.loads(capsys.readouterr().out)
    assert stats["tickets"] >= 4000
    assert stats["failures"] == [] and stats["duplicates"] == []
    assert stats["multi_turn"] / stats["tickets"] >= 0.2


def test_check_exits_1_naming_the_bad_line(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "mine.jsonl").write_text('{"id": "x"}\n', "utf-8")
    assert main(["corpus", "check", "--corpus", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "mine.jsonl:1: missing field turns" in out
    assert main(["corpus", "stats", "--corpus", str(tmp_path)]) == 1
