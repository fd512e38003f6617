from __future__ import annotations

import shutil
from pathlib import Path

from desktop_app.training.drafter.data import (
    STOCK_REPLY_CAP,
    clean_reply,
    csds_dialogues,
    is_usable_reply,
    jddc2019_dev,
    jddc_pairs_test,
    drafter_lm_texts,
    load_corpus,
)


def test_clean_reply_drops_emoji_codes_and_keeps_placeholders_as_tokens() -> None:
    assert clean_reply("#E-s[数字x]好的呢,请问还有其他还可以帮到您的吗?,") == "好的呢，请问还有其他还可以帮到您的吗?"
    assert clean_reply("预计[数字x]天到,订单[ORDERID_10005629]") == "预计[NUM]天到，订单[ORDER]"
    assert not is_usable_reply(clean_reply("#E-s[数字x]#E-s[数字x],"))
    assert not is_usable_reply("系统提示：本次会话将在两分钟后自动切断")


def test_stock_replies_are_capped_and_duplicates_dropped(toy_corpora: Path, tmp_path: Path) -> None:
    data = Path(shutil.copytree(toy_corpora, tmp_path / "corpora"))
    pairs = data / "dialogues" / "jddc_pairs"
    # 50 distinct contexts (digits would all clean to [NUM]) and one exact duplicate pair.
    contexts = [f"{chr(0x4E00 + i)}问题,还没发货" for i in range(STOCK_REPLY_CAP + 20)] + ["一问题,还没发货"]
    (pairs / "data_train.enc").write_text("\n".join(contexts) + "\n", "utf-8")
    (pairs / "data_train.dec").write_text("请问还有其他还可以帮到您的吗?\n" * len(contexts), "utf-8")
    corpus = load_corpus(data, held_out_sessions=set())
    replies = [p.reply for p in corpus.train if p.source == "jddc_pairs"]
    assert replies.count("请问还有其他还可以帮到您的吗?") == STOCK_REPLY_CAP
    assert corpus.dropped["stock reply over cap"] == 20
    assert corpus.dropped["duplicate pair"] >= 1
    assert len({(p.context, p.reply) for p in corpus.train}) == len(corpus.train)


def test_held_out_sessions_never_reach_training(toy_corpora: Path) -> None:
    everything = load_corpus(toy_corpora, held_out_sessions=set())
    held = {"csds-0", "csds-1", "csds-2", "csds-3", "csds-4"}
    kept = load_corpus(toy_corpora, held_out_sessions=held)
    assert any(p.source == "csds" for p in everything.train)
    assert not any(p.session in held for p in kept.train)


def test_csds_turns_alternate_by_speaker(toy_corpora: Path) -> None:
    _session, turns = next(csds_dialogues(toy_corpora))
    assert [t.role for t in turns] == ["customer", "agent"]
    assert turns[1].text == "马上为您催促。"


def test_dev_items_have_every_reference_and_the_turns_before_them(toy_corpora: Path) -> None:
    items = jddc2019_dev(toy_corpora)
    assert len(items) == 2
    first, second = items
    assert first.references == ("亲，这边为您催促站点", "马上为您催一下")
    assert first.turns[-1].text == "还没到啊，都三天了"
    assert second.references == ("不客气", "不客气哦", "应该的")
    assert [t.role for t in second.turns[-2:]] == ["agent", "customer"]
    assert second.turns[-2].text == "亲，这边为您催促站点"


def test_pairs_test_split_is_read_with_one_reference(toy_corpora: Path) -> None:
    items = jddc_pairs_test(toy_corpora)
    assert [i.references for i in items] == [("亲，正在为您查询物流",), ("电子发票在订单详情页下载哦",)]


def test_lm_texts_add_customers_turns_and_reviews_but_no_held_out_session(toy_corpora: Path) -> None:
    from desktop_app.training.common.corpora import load_reviews

    everything = drafter_lm_texts(toy_corpora, [], [], held_out=set())
    held = {"csds-0", "csds-1", "csds-2", "csds-3", "csds-4"}
    kept = drafter_lm_texts(toy_corpora, [], [], held_out=held)
    held_customer_turns = {
        t.text for p in load_corpus(toy_corpora, set()).train if p.session in held for t in p.turns if t.role == "customer"
    }
    shown = {t.text for p in load_corpus(toy_corpora, held).train for t in p.turns if t.role == "customer"}
    assert held_customer_turns - shown, "the toy corpora need a customer turn only a held-out session has"
    assert not (held_customer_turns - shown) & set(kept)
    assert (held_customer_turns - shown) & set(everything)
    reviews = load_reviews(toy_corpora)
    heldout_reviews = {e.text for e in reviews.shopping_heldout}
    assert not heldout_reviews & set(kept)
    assert {e.text for e in reviews.waimai} & set(kept)
