"""The labelled-set scorer counts what it claims: masked spans, surviving spans, changed negatives."""

from __future__ import annotations

import json
from pathlib import Path

from desktop_app.nlp.privacy_eval import LabelledText, load_labelled, score

ROWS = [
    LabelledText("p1", "寄到朝阳区望京西园1号", ("望京西园", "1号"), ("朝阳区",)),
    LabelledText("n1", "3号发货", (), ("3号发货",)),
]


def test_a_masker_that_hides_nothing_has_no_recall() -> None:
    result = score(ROWS, masker=lambda text: text, repeat=1)
    assert (result.recall, result.false_positive_rate, result.keep_rate) == (0.0, 0.0, 1.0)
    assert len(result.misses) == 2


def test_a_masker_that_hides_everything_has_false_positives() -> None:
    result = score(ROWS, masker=lambda text: "*" * len(text), repeat=1)
    assert (result.recall, result.false_positive_rate, result.keep_rate) == (1.0, 1.0, 0.0)
    assert "recall 1.000 (2/2" in result.summary() and "(1/1 texts" in result.summary()


def test_load_labelled_skips_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "set.jsonl"
    row = {"id": 7, "text": "t", "mask": ["t"], "keep": []}
    path.write_text("\n" + json.dumps(row) + "\n\n", encoding="utf-8")
    assert load_labelled(path) == [LabelledText("7", "t", ("t",), ())]
