from __future__ import annotations

from desktop_app.training.common.corpora import load_reviews, load_tickets, pretraining_texts, resolve_data_dir


def test_heldout_split_is_disjoint_stratified_and_stable(toy_corpora):
    first, second = load_reviews(toy_corpora), load_reviews(toy_corpora)
    train_texts = {e.text for e in first.shopping_train}
    heldout_texts = {e.text for e in first.shopping_heldout}
    assert not train_texts & heldout_texts
    assert len(first.shopping_heldout) == 20  # 10 % of 200
    assert [e.text for e in first.shopping_heldout] == [e.text for e in second.shopping_heldout]


def test_pretraining_never_reads_evaluation_text(toy_corpora):
    tickets = load_tickets(toy_corpora)
    reviews = load_reviews(toy_corpora)
    texts = pretraining_texts(toy_corpora, tickets, reviews)
    joined = "\n".join(texts)
    assert any(t.session == "s70" and t.split == "test" for t in tickets)
    assert "这是测试集的会话不能用于预训练" not in joined  # session s70 is a test ticket's dialogue
    assert "我的快递到哪了" in joined  # train sessions are read
    assert not {e.text for e in reviews.shopping_heldout} & set(texts)
    test_sentences = {e.text for e in reviews.eprstmt_test}
    assert "太失望了不会再买tes一" in test_sentences
    assert not test_sentences & set(texts)  # not even the copy in unlabeled.json


def test_missing_data_folder_is_a_clear_error(tmp_path):
    import pytest

    from desktop_app.training.common.corpora import DataMissingError

    with pytest.raises(DataMissingError, match="pass --data DIR"):
        resolve_data_dir(tmp_path)
