"""The authored corpus: line checks, hash splits, near-duplicates, coverage minimums."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from desktop_app.training.common.corpus import (
    CorpusError,
    check_corpus,
    corpus_stats,
    load_corpus,
    near_duplicates,
    parse_line,
    split_of,
)

GOOD = {
    "id": "T-1",
    "turns": [{"role": "agent", "text": "请问订单号是多少？"}, {"role": "customer", "text": "等了一个星期还没到，单号123"}],
    "style": "taobao",
    "intent": "logistics",
    "sentiment": "negative",
    "evidence": ["等了一个星期"],
    "kb": ["delivery_delay_urge"],
    "reply": "亲，让您等了一周还没收到包裹，真的很抱歉。这边已为您联系快递加急核实，物流超过72小时未更新的话3个工作日内给您结果，请留意消息。",
}


def _line(**changes: object) -> str:
    row = {**GOOD, **changes}
    return json.dumps({k: v for k, v in row.items() if v is not ...}, ensure_ascii=False)


def test_a_good_line_parses_into_a_ticket() -> None:
    ticket, errors = parse_line(_line(), "a.jsonl:1", {"delivery_delay_urge"})
    assert errors == []
    assert ticket is not None and ticket.customer_text == "等了一个星期还没到，单号123"
    assert ticket.multi_turn and ticket.split in ("train", "dev", "test")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"intent": "shipping"}, "intent 'shipping' is not one of"),
        ({"sentiment": "angry"}, "sentiment 'angry'"),
        ({"style": "tiktok"}, "style 'tiktok'"),
        ({"evidence": ["没有这句"]}, "evidence '没有这句' does not occur"),
        ({"evidence": []}, "a negative ticket needs evidence"),
        ({"reply": "好的"}, "reply has 2 characters"),
        ({"kb": ["nope"]}, "kb id 'nope' is not in the knowledge base"),
        ({"turns": [{"role": "customer", "text": "在吗"}, {"role": "agent", "text": "在的"}]}, "last turn"),
        ({"turns": [{"role": "boss", "text": "x"}]}, "turn 1 must be"),
        ({"reply": ...}, "missing field reply"),
    ],
)
def test_each_bad_field_is_named(changes: dict, message: str) -> None:
    ticket, errors = parse_line(_line(**changes), "a.jsonl:1", {"delivery_delay_urge"})
    assert ticket is None
    assert any(message in error for error in errors), errors


def test_check_names_file_and_line_and_duplicate_ids(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(
        "\n".join([_line(), "{not json", _line(id="T-2", intent="bogus"), _line()]) + "\n", "utf-8"
    )
    result = check_corpus(tmp_path, {"delivery_delay_urge"})
    wheres = [p.where for p in result.problems]
    assert "a.jsonl:2" in wheres and "a.jsonl:3" in wheres
    assert any(p.where == "a.jsonl:4" and "already used at a.jsonl:1" in p.message for p in result.problems)
    with pytest.raises(CorpusError, match="corpus check"):
        load_corpus(tmp_path, {"delivery_delay_urge"})


def test_split_is_a_pure_function_of_the_id_near_80_10_10() -> None:
    assert split_of("LOG-0001") == split_of("LOG-0001")
    counts = Counter(split_of(f"X-{n}") for n in range(20_000))
    assert 0.78 < counts["train"] / 20_000 < 0.82
    assert 0.09 < counts["dev"] / 20_000 < 0.11


def test_a_train_only_ticket_stays_in_train_whatever_its_id_hashes_to() -> None:
    test_id = next(f"X-{n}" for n in range(1000) if split_of(f"X-{n}") == "test")
    ticket, errors = parse_line(_line(id=test_id, split="train"), "a.jsonl:1", {"delivery_delay_urge"})
    assert errors == [] and ticket is not None
    assert ticket.split == "train"
    plain, _ = parse_line(_line(id=test_id), "a.jsonl:1", {"delivery_delay_urge"})
    assert plain is not None and plain.split == "test"


@pytest.mark.parametrize("split", ["test", "dev", ""])
def test_a_line_may_not_choose_dev_or_test(split: str) -> None:
    ticket, errors = parse_line(_line(split=split), "a.jsonl:1", {"delivery_delay_urge"})
    assert ticket is None
    assert any('split may only be "train"' in error for error in errors), errors


def test_near_duplicates_found_by_character_trigrams() -> None:
    texts = ["快递等了一个星期都没有到，什么情况", "快递等了一个星期都没有到，什么情况啊", "发票抬头开错了怎么换"]
    pairs = near_duplicates(texts)
    assert [(i, j) for i, j, _ in pairs] == [(0, 1)]
    assert near_duplicates(texts, threshold=0.99) == []


def test_stats_report_cells_below_minimum_and_unknown_kb(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(_line() + "\n", "utf-8")
    tickets = check_corpus(tmp_path, None).tickets
    stats = corpus_stats(tickets, {"other_entry"})
    assert any("logistics × neutral has 0" in f for f in stats.failures)
    assert any("'delivery_delay_urge' is referenced but not" in f for f in stats.failures)
    assert stats.kb_unreferenced == ["other_entry"]
