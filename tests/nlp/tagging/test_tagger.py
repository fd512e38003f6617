"""The ONNX ticket tagger on the toy model folder: verification at load, outputs, flag rule."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from helpers.toy_tagger import INTENT_LABELS, NEGATIVE_THRESHOLD, SENTIMENT_LABELS, write_manifest

from desktop_app.domain.vocabulary import FlagRule
from desktop_app.nlp.model_folder import ModelFolderError
from desktop_app.nlp.tagging.tagger import TagResult, TicketTagger, default_threads, softmax

COMPLAINT = "你们态度太差了我要投诉"
TEXTS = [
    COMPLAINT,
    "我的快递什么时候到",
    "谢谢，太棒了",
    "垃圾，气死了",
    "你好",
    "发票",
    "",
    "请问这个尺码能换吗？我的电话是 13812345678，订单 2024050112345678",
]


# -- verification -----------------------------------------------------------------
def test_loads_and_names_itself(toy_tagger_dir: Path) -> None:
    tagger = TicketTagger.load(toy_tagger_dir, threads=1)
    assert tagger.name == "aftersales-tagger 0.0.1-toy"
    assert tagger.intent_labels == tuple(INTENT_LABELS)
    assert tagger.sentiment_labels == tuple(SENTIMENT_LABELS)
    assert tagger.flag_rule == FlagRule(NEGATIVE_THRESHOLD, ("complaint",))
    assert tagger.max_length == 128


def test_a_flipped_byte_in_the_model_is_refused(toy_tagger_dir: Path) -> None:
    model = toy_tagger_dir / "model.onnx"
    data = bytearray(model.read_bytes())
    data[len(data) // 2] ^= 0xFF
    model.write_bytes(bytes(data))
    with pytest.raises(ModelFolderError, match=r"model\.onnx is corrupt or was changed"):
        TicketTagger.load(toy_tagger_dir)


def test_a_changed_tokenizer_is_refused(toy_tagger_dir: Path) -> None:
    tokenizer = toy_tagger_dir / "tokenizer.json"
    tokenizer.write_text(tokenizer.read_text("utf-8").replace("投", "拒"), "utf-8")
    with pytest.raises(ModelFolderError, match=r"tokenizer\.json is corrupt"):
        TicketTagger.load(toy_tagger_dir)


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(ModelFolderError, match="does not exist"):
        TicketTagger.load(tmp_path / "nowhere")


def test_missing_model_file(toy_tagger_dir: Path) -> None:
    (toy_tagger_dir / "model.onnx").unlink()
    with pytest.raises(ModelFolderError, match=r"model\.onnx is missing"):
        TicketTagger.load(toy_tagger_dir)


def test_wrong_task(toy_tagger_dir: Path) -> None:
    write_manifest(toy_tagger_dir, task="reply-generation")
    with pytest.raises(ModelFolderError, match="'reply-generation' model, not 'ticket-tagging'"):
        TicketTagger.load(toy_tagger_dir)


def test_manifest_must_list_the_tokenizer(toy_tagger_dir: Path) -> None:
    manifest = json.loads((toy_tagger_dir / "manifest.json").read_text("utf-8"))
    del manifest["files"]["tokenizer.json"]
    (toy_tagger_dir / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    with pytest.raises(ModelFolderError, match=r"does not list tokenizer\.json"):
        TicketTagger.load(toy_tagger_dir)


def test_label_count_must_match_the_output(toy_tagger_dir: Path) -> None:
    write_manifest(toy_tagger_dir, labels={"intent": INTENT_LABELS[:-1], "sentiment": SENTIMENT_LABELS})
    with pytest.raises(ModelFolderError, match="intent_logits has 11 columns but the manifest lists 10"):
        TicketTagger.load(toy_tagger_dir)


def test_a_file_onnxruntime_cannot_read_is_refused_with_a_reason(toy_tagger_dir: Path) -> None:
    (toy_tagger_dir / "model.onnx").write_bytes(b"not an onnx graph")
    write_manifest(toy_tagger_dir)  # hashes match: the content itself is wrong
    with pytest.raises(ModelFolderError, match="cannot be loaded by onnxruntime"):
        TicketTagger.load(toy_tagger_dir)


def test_bad_flag_threshold_is_refused(toy_tagger_dir: Path) -> None:
    write_manifest(toy_tagger_dir, flag={"negative_threshold": 7, "intents": ["complaint"]})
    with pytest.raises(ModelFolderError, match="negative_threshold"):
        TicketTagger.load(toy_tagger_dir)


def test_session_options_leave_a_core_for_the_ui(toy_tagger_dir: Path) -> None:
    tagger = TicketTagger.load(toy_tagger_dir)
    assert tagger.threads == default_threads() >= 1
    assert tagger.session.get_providers() == ["CPUExecutionProvider"]
    options = tagger.session.get_session_options()
    assert options.intra_op_num_threads == default_threads()
    assert options.inter_op_num_threads == 1
    assert TicketTagger.load(toy_tagger_dir, threads=3).session.get_session_options().intra_op_num_threads == 3


def test_threshold_override(toy_tagger_dir: Path) -> None:
    tagger = TicketTagger.load(toy_tagger_dir, negative_threshold=0.99)
    assert tagger.flag_rule.negative_threshold == 0.99
    assert tagger.flag_rule.intents == ("complaint",)


# -- outputs ----------------------------------------------------------------------
def test_scores_are_distributions_in_manifest_order(toy_tagger: TicketTagger) -> None:
    results = toy_tagger.tag(TEXTS)
    assert len(results) == len(TEXTS)
    for result in results:
        assert list(result.intent_scores) == INTENT_LABELS
        assert list(result.sentiment_scores) == SENTIMENT_LABELS
        assert sum(result.intent_scores.values()) == pytest.approx(1.0, abs=1e-6)
        assert sum(result.sentiment_scores.values()) == pytest.approx(1.0, abs=1e-6)
        assert result.intent == max(result.intent_scores, key=result.intent_scores.__getitem__)
        assert result.sentiment == max(result.sentiment_scores, key=result.sentiment_scores.__getitem__)
        assert all(isinstance(v, float) for v in result.intent_scores.values())


def test_the_toy_weights_mean_what_they_say(toy_tagger: TicketTagger) -> None:
    by_text = dict(zip(TEXTS, toy_tagger.tag(TEXTS), strict=True))
    assert by_text[COMPLAINT].intent == "complaint"
    assert by_text["我的快递什么时候到"].intent == "logistics"
    assert by_text["谢谢，太棒了"].sentiment == "positive"
    assert by_text["垃圾，气死了"].sentiment == "negative"
    assert by_text["发票"].intent == "invoice"
    assert (by_text["你好"].intent, by_text["你好"].sentiment) == ("other", "neutral")


def test_batching_and_padding_change_nothing(toy_tagger: TicketTagger) -> None:
    batched = toy_tagger.tag(TEXTS, batch_size=3)
    together = toy_tagger.tag(TEXTS, batch_size=64)
    one_by_one = [toy_tagger.tag([text])[0] for text in TEXTS]
    for a, b, c in zip(batched, together, one_by_one, strict=True):
        for task in ("intent_scores", "sentiment_scores"):
            x, y, z = (np.array(list(getattr(r, task).values())) for r in (a, b, c))
            np.testing.assert_allclose(x, z, atol=1e-6)
            np.testing.assert_allclose(y, z, atol=1e-6)
        assert (a.intent, a.sentiment, a.flagged) == (c.intent, c.sentiment, c.flagged)


def test_padding_is_per_batch(toy_tagger: TicketTagger, monkeypatch: pytest.MonkeyPatch) -> None:
    widths: list[int] = []
    run = toy_tagger.session.run

    class Spy:
        def run(self, names, feeds):  # type: ignore[no-untyped-def]
            widths.append(feeds["input_ids"].shape[1])
            assert feeds["input_ids"].dtype == np.int64 and feeds["attention_mask"].dtype == np.int64
            return run(names, feeds)

        def __getattr__(self, name):  # type: ignore[no-untyped-def]
            return getattr(toy_tagger.session, name)

    monkeypatch.setattr(toy_tagger, "session", Spy())
    toy_tagger.tag(
        ["你好", "你", "我的快递什么时候到" * 5, "我的快递什么时候到" * 5 + "了"], batch_size=2,
    )
    assert widths == [4, 48]  # short texts together, long ones together; [CLS] … [SEP]


def test_long_texts_are_truncated_to_max_length(toy_tagger: TicketTagger) -> None:
    assert toy_tagger.tokenizer.encode("快" * 500).ids[-1] == toy_tagger.tokenizer.token_to_id("[SEP]")
    assert len(toy_tagger.tokenizer.encode("快" * 500).ids) == 128
    (result,) = toy_tagger.tag(["快" * 5000])
    assert result.intent == "logistics"


def test_texts_are_cleaned_like_training_data(toy_tagger: TicketTagger) -> None:
    raw, corpus = toy_tagger.tag(["快递 13812345678 到哪里了", "快递 [电话x] 到哪里了"])
    assert raw.intent_scores == pytest.approx(corpus.intent_scores)


def test_empty_input(toy_tagger: TicketTagger) -> None:
    assert toy_tagger.tag([]) == []
    with pytest.raises(ValueError, match="batch_size"):
        toy_tagger.tag(["你好"], batch_size=0)


def test_softmax_is_stable() -> None:
    probs = softmax(np.array([[1000.0, 1000.0], [-1000.0, 0.0]]))
    np.testing.assert_allclose(probs, [[0.5, 0.5], [0.0, 1.0]], atol=1e-12)


# -- flag rule ----------------------------------------------------------------------
def test_complaint_intent_is_flagged_with_its_score(toy_tagger: TicketTagger) -> None:
    (result,) = toy_tagger.tag(["我要投诉"])
    assert result.intent == "complaint"
    assert result.flagged
    assert f"投诉意图 {result.intent_score:.2f}" in result.flag_reasons


def test_negative_over_threshold_is_flagged(toy_tagger: TicketTagger) -> None:
    (result,) = toy_tagger.tag(["垃圾，气死了"])
    p_negative = result.sentiment_scores["negative"]
    assert p_negative >= NEGATIVE_THRESHOLD
    assert result.flagged
    assert result.flag_reasons == [f"负面情绪 {p_negative:.2f}"]


def test_negative_below_threshold_is_not_flagged(toy_tagger_dir: Path) -> None:
    tagger = TicketTagger.load(toy_tagger_dir, negative_threshold=0.999)
    (result,) = tagger.tag(["垃圾，气死了"])
    assert result.sentiment == "negative"
    assert not result.flagged
    assert result.flag_reasons == []


def test_calm_tickets_are_not_flagged(toy_tagger: TicketTagger) -> None:
    for result in toy_tagger.tag(["我的快递什么时候到", "谢谢，太棒了", "你好"]):
        assert not result.flagged
        assert result.flag_reasons == []


def test_flag_rule_reasons() -> None:
    rule = FlagRule(0.7, ("complaint",))
    assert rule.reasons("logistics", 0.9, 0.69) == []
    assert rule.reasons("logistics", 0.9, 0.7) == ["负面情绪 0.70"]
    assert rule.reasons("complaint", 0.81, 0.93) == ["负面情绪 0.93", "投诉意图 0.81"]
    assert rule.reasons("complaint", None, None, intent_by_agent=True) == ["投诉意图（坐席标注）"]
    assert rule.reasons("other", None, 1.0, sentiment_by_agent=True) == ["负面情绪（坐席标注）"]
    assert FlagRule.from_json({"negative_threshold": 0.8}) == FlagRule(0.8, ("complaint",))
    assert FlagRule.from_json(None) == FlagRule()


def test_a_fired_score_never_reads_below_its_threshold() -> None:
    """A reason shows the real score that fired, with the digits it takes to reach the threshold."""
    assert FlagRule(0.0004).reasons("other", 0.5, 0.00041) == ["负面情绪 0.0004"]
    assert FlagRule(0.903).reasons("other", 0.5, 0.9031) == ["负面情绪 0.903"]
    assert FlagRule(0.9).reasons("other", 0.5, 0.9349) == ["负面情绪 0.93"]
    for threshold, score in ((0.0004, 0.0004), (0.62, 0.62), (0.555, 0.5551), (0.999, 0.99901)):
        (reason,) = FlagRule(threshold).reasons("other", 0.5, score)
        assert float(reason.split()[-1]) >= threshold, reason


def test_result_json_round_trip(toy_tagger: TicketTagger) -> None:
    (result,) = toy_tagger.tag([COMPLAINT])
    payload = json.loads(json.dumps(result.to_json(), ensure_ascii=False))
    assert set(payload) == {"intent", "intent_scores", "sentiment", "sentiment_scores", "flagged", "flag_reasons"}
    assert payload["intent"] == "complaint" and payload["flagged"] is True
    assert isinstance(result, TagResult)
