from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.config import RESOURCES_DIR
from desktop_app.domain.vocabulary import INTENTS
from desktop_app.nlp.drafting.knowledge_base import KbEntry, KnowledgeBase, KnowledgeBaseError, load_entries, tokenize

SHIPPED = RESOURCES_DIR / "kb"


def test_shipped_knowledge_base_is_valid_and_covers_every_intent() -> None:
    kb = KnowledgeBase.load(SHIPPED)
    assert len(kb) >= 15
    covered = {intent for entry in kb.entries for intent in entry.intents}
    assert covered == set(INTENTS)
    assert all(entry.intents and set(entry.intents) <= set(INTENTS) for entry in kb.entries)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("退款什么时候能到账啊，都好几天了", "refund_timeline"),
        ("我想开个发票，抬头写公司", "invoice_issue"),
        ("买了之后降价了，能补差价吗", "price_protection"),
        ("衣服尺码不合适想换一个大一号的", "exchange_process"),
        ("地址填错了能改一下收货地址吗", "order_address"),
    ],
)
def test_search_finds_the_policy_a_customer_is_asking_about(query: str, expected: str) -> None:
    hits = KnowledgeBase.load(SHIPPED).search(query, limit=1)
    assert [hit.entry.id for hit in hits] == [expected]


def test_intent_boost_prefers_entries_for_the_ticket_intent() -> None:
    entries = [KbEntry("a", "甲", "退货运费由买家承担"), KbEntry("b", "乙", "退货运费说明", intents=("return_refund",))]
    kb = KnowledgeBase(entries)
    assert kb.search("退货运费", limit=1, intent="return_refund")[0].entry.id == "b"


def test_unrelated_text_retrieves_nothing() -> None:
    assert KnowledgeBase.load(SHIPPED).search("zzzz qqqq", limit=2) == []


def test_tokenize_drops_punctuation_and_stopwords() -> None:
    assert "，" not in tokenize("我的快递，到哪了？")
    assert "的" not in tokenize("我的快递")


def _write(folder: Path, text: str, name: str = "a.toml") -> Path:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, "utf-8")
    return folder


def test_broken_toml_names_the_file(tmp_path: Path) -> None:
    folder = _write(tmp_path / "kb", "[[entry]\nid = 'x'")
    with pytest.raises(KnowledgeBaseError, match=r"a\.toml: not valid TOML"):
        load_entries(folder)


def test_entry_without_text_or_with_bad_id_is_refused_with_its_number(tmp_path: Path) -> None:
    folder = _write(tmp_path / "kb", "[[entry]]\nid = 'ok'\ntext = '好'\n[[entry]]\nid = 'empty'\ntext = ''\n")
    with pytest.raises(KnowledgeBaseError, match="entry 2 .empty.: field text is empty"):
        load_entries(folder)
    _write(folder, "[[entry]]\nid = 'has space'\ntext = '好'\n")
    with pytest.raises(KnowledgeBaseError, match="id must be letters"):
        load_entries(folder)


def test_duplicate_ids_across_files_are_refused(tmp_path: Path) -> None:
    folder = _write(tmp_path / "kb", "[[entry]]\nid = 'same'\ntext = '一'\n")
    _write(folder, "[[entry]]\nid = 'same'\ntext = '二'\n", name="b.toml")
    with pytest.raises(KnowledgeBaseError, match="already used"):
        load_entries(folder)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[entry]\nid = 'a'\ntext = 'x'\n", r"\[\[entry\]\] tables"),
        ("entry = 'x'\n", r"\[\[entry\]\] tables"),
        ("[[entry]]\nid = 'a'\ntext = 'x'\nintents = 5\n", "intents must be a list of strings"),
        ("[[entry]]\nid = 'a'\ntext = 'x'\nkeywords = '退货'\n", "keywords must be a list of strings"),
    ],
)
def test_wrongly_shaped_entries_get_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(KnowledgeBaseError, match=message):
        load_entries(_write(tmp_path / "kb", text))


def test_new_fields_are_read_and_checked(tmp_path: Path) -> None:
    folder = _write(
        tmp_path / "kb",
        "[[entry]]\nid = 'a'\ntext = '好'\napplies_when = '签收7天内'\nnever_promise = ['免费维修', '保证明天到']\n",
    )
    (entry,) = load_entries(folder)
    assert entry.applies_when == "签收7天内"
    assert entry.never_promise == ("免费维修", "保证明天到")
    _write(folder, "[[entry]]\nid = 'a'\ntext = '好'\nnever_promise = '免费'\n")
    with pytest.raises(KnowledgeBaseError, match=r"a\.toml, entry 1 \(a\): never_promise must be a list"):
        load_entries(folder)
    _write(folder, "[[entry]]\nid = 'a'\ntext = '好'\napplies_when = 3\n")
    with pytest.raises(KnowledgeBaseError, match="field applies_when must be a string"):
        load_entries(folder)


def test_a_malformed_entry_is_skipped_and_named_while_the_rest_load(tmp_path: Path) -> None:
    folder = _write(
        tmp_path / "kb",
        "[[entry]]\nid = 'good'\ntext = '退货请在订单页申请'\n[[entry]]\nid = 'bad'\ntext = '好'\nintents = 5\n",
    )
    _write(folder, "[[entry]\n", name="broken.toml")
    kb = KnowledgeBase.load(folder)
    assert [e.id for e in kb.entries] == ["good"]
    assert any("a.toml, entry 2 (bad): intents" in problem for problem in kb.problems)
    assert any("broken.toml: not valid TOML" in problem for problem in kb.problems)
    with pytest.raises(KnowledgeBaseError):
        KnowledgeBase.load(folder, strict=True)


def test_shipped_knowledge_base_loads_strictly_and_covers_every_intent() -> None:
    from desktop_app.domain.vocabulary import INTENTS

    kb = KnowledgeBase.load(SHIPPED, strict=True)
    assert len(kb) >= 60
    covered = {intent for entry in kb.entries for intent in entry.intents}
    assert set(INTENTS) <= covered
    assert all(entry.applies_when and entry.never_promise for entry in kb.entries)
