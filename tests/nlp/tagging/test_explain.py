"""Occlusion over jieba words: the words that made the toy model flag a ticket."""

from __future__ import annotations

import pytest

from desktop_app.nlp.tagging import explain
from desktop_app.nlp.tagging.explain import candidates, occlusion, trigger_reason, words
from desktop_app.nlp.tagging.tagger import TicketTagger
from desktop_app.nlp.text import clean_text


def test_words_keep_placeholders_whole_and_join_back() -> None:
    cleaned = clean_text("我的电话13812345678，投诉你们")
    pieces = words(cleaned)
    assert "".join(pieces) == cleaned
    assert "[PHONE]" in pieces
    assert "投诉" in pieces
    assert "[PHONE]" not in candidates(pieces)
    assert "，" not in candidates(pieces)


def test_candidates_are_distinct_and_capped() -> None:
    pieces = ["投诉", "，", "投诉", *[f"词{i}" for i in range(100)]]
    chosen = candidates(pieces)
    assert chosen[0] == "投诉" and chosen.count("投诉") == 1
    assert len(chosen) == explain.MAX_WORDS


def test_occlusion_finds_the_complaint_word(toy_tagger: TicketTagger) -> None:
    (result,) = toy_tagger.tag(["你们态度太差了我要投诉"])
    assert result.intent == "complaint"
    complaint = toy_tagger.intent_labels.index("complaint")
    found = occlusion(toy_tagger, "你们态度太差了我要投诉", [("intent", complaint)])
    assert found[0][0] == "投诉"
    assert all(drop >= explain.MIN_DROP for _, drop in found)
    assert [drop for _, drop in found] == sorted((drop for _, drop in found), reverse=True)
    assert len(found) <= explain.TOP_WORDS


def test_occlusion_finds_the_negative_words(toy_tagger: TicketTagger) -> None:
    found = dict(occlusion(toy_tagger, "这个东西是垃圾，我很生气", [("sentiment", toy_tagger.negative_index)]))
    assert "垃圾" in found
    assert "这个" not in found  # removing a neutral word makes it more negative, not less


def test_flagged_tickets_get_trigger_words(toy_tagger: TicketTagger) -> None:
    (result,) = explain.tag_with_trigger_words(toy_tagger, ["你们态度太差了我要投诉"])
    assert result.flagged
    assert result.flag_reasons[-1].startswith("触发词：「投诉」")
    assert trigger_reason(toy_tagger, "你们态度太差了我要投诉", result) == result.flag_reasons[-1]


def test_only_flagged_tickets_are_explained(toy_tagger: TicketTagger, monkeypatch: pytest.MonkeyPatch) -> None:
    explained: list[str] = []
    original = explain.trigger_reason

    def spy(tagger, text, result):  # type: ignore[no-untyped-def]
        explained.append(text)
        return original(tagger, text, result)

    monkeypatch.setattr(explain, "trigger_reason", spy)
    results = explain.tag_with_trigger_words(toy_tagger, ["我的快递什么时候到", "垃圾，气死了", "谢谢"])
    assert [r.flagged for r in results] == [False, True, False]
    assert explained == ["垃圾，气死了"]
    explained.clear()
    toy_tagger.tag(["垃圾，气死了"])  # batch tagging never explains
    assert explained == []


def test_trigger_words_are_content_words_never_particles_or_pronouns() -> None:
    from desktop_app.nlp.tagging.explain import tagged_words

    chosen = candidates(tagged_words("你们到底谁在管啊，等了一个星期都没发货，再不处理我就投诉，给差评"))
    assert {"投诉", "差评", "发货"} <= set(chosen)
    assert not {"都", "了", "谁", "到底", "你们", "我", "的", "啊"} & set(chosen)


def test_no_targets_no_words(toy_tagger: TicketTagger) -> None:
    assert occlusion(toy_tagger, "你们态度太差了我要投诉", []) == []
    assert occlusion(toy_tagger, "[PHONE]，。", [("sentiment", toy_tagger.negative_index)]) == []
