"""The tagger's lexical head: numpy inference equals sklearn's, and the blend is what ships."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from helpers.toy_tagger import INTENT_LABELS, SENTIMENT_LABELS

from desktop_app.nlp.model_folder import ModelFolderError
from desktop_app.nlp.tagging.lexical import LEXICAL_FILE, Blend, LexicalHead
from desktop_app.nlp.tagging.tagger import TicketTagger
from desktop_app.nlp.text import clean_text
from desktop_app.training.tagger.lexical import attach_lexical_head, choose_blend, fit_lexical_head


@dataclass(frozen=True)
class Example:
    text: str
    intent: str | None
    sentiment: str | None


EXAMPLES = [
    Example("发票什么时候开给我", "invoice", "neutral"),
    Example("请帮我开一张发票，公司抬头", "invoice", "neutral"),
    Example("电子发票没收到", "invoice", "negative"),
    Example("快递怎么还没到，一个星期了", "logistics", "negative"),
    Example("物流信息三天没更新了", "logistics", "negative"),
    Example("快递到哪了，谢谢", "logistics", "neutral"),
    Example("东西很好，谢谢客服", "other", "positive"),
    Example("非常满意，下次还来", "other", "positive"),
    Example("你好，在吗", "other", "neutral"),
]
REVIEWS = [Example("质量很差，气死了", None, "negative"), Example("很好用，推荐", None, "positive")]


@pytest.fixture(scope="module")
def head() -> LexicalHead:
    return fit_lexical_head(EXAMPLES, REVIEWS, INTENT_LABELS, SENTIMENT_LABELS)


def test_numpy_probabilities_match_sklearn(head: LexicalHead) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from desktop_app.nlp.char_tfidf import analyzer

    vectorizer = TfidfVectorizer(analyzer=analyzer, min_df=2, sublinear_tf=True, norm="l2", dtype=np.float32)
    vectorizer.fit([clean_text(e.text) for e in (*EXAMPLES, *REVIEWS)])
    model = LogisticRegression(max_iter=2000, C=10.0, class_weight="balanced")
    model.fit(vectorizer.transform([clean_text(e.text) for e in EXAMPLES]), [e.intent for e in EXAMPLES])
    texts = ["发票开了吗", "快递一个星期没到", "谢谢"]
    expected = model.predict_proba(vectorizer.transform(texts))
    intents, sentiments = head.probabilities(texts)
    columns = [INTENT_LABELS.index(c) for c in model.classes_]
    np.testing.assert_allclose(intents[:, columns], expected, atol=2e-3)  # float16 weights
    absent = [i for i in range(len(INTENT_LABELS)) if i not in columns]
    assert intents[:, absent].max() < 1e-6  # labels the data never had get no probability
    np.testing.assert_allclose(sentiments.sum(1), 1.0, rtol=1e-6)
    assert INTENT_LABELS[int(intents[0].argmax())] == "invoice"


def test_blend_is_chosen_on_dev_per_task() -> None:
    gold = [0, 1, 1]
    encoder = np.array([[0.6, 0.4], [0.6, 0.4], [0.4, 0.6]])  # gets the second one wrong
    lexical = np.array([[0.9, 0.1], [0.2, 0.8], [0.1, 0.9]])  # all right
    blend, choice = choose_blend((encoder, encoder), (lexical, encoder), gold, gold)
    # 0.7 is the largest encoder share at which the second ticket flips to the right label.
    assert blend.intent_weight == 0.7
    assert blend.sentiment_weight == 1.0  # no difference: the encoder keeps the task
    assert set(choice["dev_macro_f1_by_encoder_share"]["intent"]) >= {"0.0", "1.0"}
    np.testing.assert_allclose(Blend(0.25, 1.0).mix(encoder, lexical, "intent"), 0.25 * encoder + 0.75 * lexical)


def test_a_tagger_with_a_lexical_head_blends_it_in(toy_tagger_dir: Path, head: LexicalHead, tmp_path: Path) -> None:
    folder = tmp_path / "blended"
    shutil.copytree(toy_tagger_dir, folder)
    plain = TicketTagger.load(folder, threads=1)
    attach_lexical_head(folder, head, Blend(0.0, 1.0), {"dev_macro_f1_by_encoder_share": {}})
    blended = TicketTagger.load(folder, threads=1)
    texts = ["电子发票什么时候开", "快递一个星期没到"]
    intents, sentiments = blended.probabilities(texts)
    lexical_intents, _ = head.probabilities([clean_text(t) for t in texts])
    np.testing.assert_allclose(intents, lexical_intents, atol=1e-6)  # encoder share 0 for intent
    np.testing.assert_allclose(sentiments, plain.probabilities(texts)[1], atol=1e-6)  # share 1 for sentiment
    assert [r.intent for r in blended.tag(texts)] == ["invoice", "logistics"]


def test_a_changed_lexical_head_is_refused(toy_tagger_dir: Path, head: LexicalHead, tmp_path: Path) -> None:
    folder = tmp_path / "blended"
    shutil.copytree(toy_tagger_dir, folder)
    attach_lexical_head(folder, head, Blend(0.5, 0.5), {"dev_macro_f1_by_encoder_share": {}})
    data = bytearray((folder / LEXICAL_FILE).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (folder / LEXICAL_FILE).write_bytes(bytes(data))
    with pytest.raises(ModelFolderError, match="sha256"):
        TicketTagger.load(folder, threads=1)


def test_blend_weights_outside_zero_to_one_are_refused(toy_tagger_dir: Path, head: LexicalHead, tmp_path: Path) -> None:
    folder = tmp_path / "blended"
    shutil.copytree(toy_tagger_dir, folder)
    attach_lexical_head(folder, head, Blend(0.5, 0.5), {"dev_macro_f1_by_encoder_share": {}})
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    manifest["lexical"]["intent_weight"] = 1.5
    (folder / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    with pytest.raises(ModelFolderError, match="intent_weight"):
        TicketTagger.load(folder, threads=1)
