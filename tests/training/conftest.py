"""A toy copy of the shared/data layout, written by hand: tests train only toy models on it."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest

pytest.importorskip("torch", reason="training tests need the [train] extras (torch==2.13.0)")

from desktop_app.domain.vocabulary import INTENTS  # noqa: E402

PHRASES = {
    "logistics": ["快递怎么还没到", "什么时候发货", "物流不更新了"],
    "return_refund": ["我要退货退款", "怎么申请七天无理由退货", "退货上门取件"],
    "exchange": ["尺码不对想换货", "换个颜色", "换一个新的"],
    "refund_compensation": ["退回去了钱什么时候到", "少发了一件", "降价了能价保吗"],
    "repair_warranty": ["坏了能保修吗", "开不了机要维修", "预约师傅上门安装"],
    "order_change": ["帮我取消订单", "地址填错了要改", "订单一直在审核"],
    "invoice": ["发票抬头开错了", "要开增值税发票", "发票没收到"],
    "product_inquiry": ["这个支持快充吗", "有没有现货", "是不是正品"],
    "account_payment": ["优惠券用不了", "付款失败了", "账号登录不上"],
    "complaint": ["我要投诉你们客服", "再不处理就打12315", "给差评曝光你们"],
    "other": ["你好", "谢谢", "转人工"],
}
MOODS = {"negative": "气死了太慢了", "neutral": "麻烦看一下", "positive": "速度太快了给五星"}


def write_toy_corpora(root: Path, seed: int = 3) -> Path:
    rng = random.Random(seed)
    (root / "tickets").mkdir(parents=True)
    rows, number = [], 0
    for split, per_intent in (("train", 4), ("dev", 2), ("test", 2)):
        for intent in INTENTS:
            for _ in range(per_intent):
                sentiment = rng.choice(["negative", "neutral", "neutral", "positive"])
                text = f"{rng.choice(PHRASES[intent])}，{MOODS[sentiment]}，订单[数字x]"
                rows.append(
                    {
                        "id": f"T{number:05d}",
                        "source": "jddc2019",
                        "session": f"s{number}",
                        "text": text,
                        "intent": intent,
                        "sentiment": sentiment,
                        "confidence": "high",
                        "split": split,
                    }
                )
                number += 1
    (root / "tickets" / "tickets.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", "utf-8"
    )
    reviews = root / "reviews"
    (reviews / "eprstmt").mkdir(parents=True)
    with (reviews / "online_shopping_10_cats.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["cat", "label", "review"])
        for i in range(200):
            positive = i % 2 == 0
            writer.writerow(
                [
                    rng.choice(["书籍", "手机", "水果"]),
                    int(positive),
                    ("很好用，质量不错" if positive else "太差了，质量不行") + chr(0x4E00 + i),
                ]
            )
    with (reviews / "waimai_10k.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["label", "review"])
        for i in range(40):
            writer.writerow([i % 2, "送得快，好吃" if i % 2 else "送太慢了，凉了"])
    for name, count in (
        ("train_few_all.json", 10),
        ("dev_few_all.json", 10),
        ("test_public.json", 20),
        ("unlabeled.json", 10),
    ):
        lines = [
            json.dumps(
                {
                    "id": i,
                    "sentence": ("物流很快很满意" if i % 2 else "太失望了不会再买") + name[:3] + chr(0x4E00 + i),
                    "label": "Positive" if i % 2 else "Negative",
                },
                ensure_ascii=False,
            )
            for i in range(count)
        ]
        if name == "unlabeled.json":  # the real unlabeled.json repeats some test_public sentences
            lines.append(json.dumps({"id": 99, "sentence": "太失望了不会再买tes一"}, ensure_ascii=False))
        (reviews / "eprstmt" / name).write_text("\n".join(lines) + "\n", "utf-8")
    dialogues = root / "dialogues"
    (dialogues / "jddc_pairs").mkdir(parents=True)
    (dialogues / "jddc2019").mkdir()
    (dialogues / "csds").mkdir()
    (dialogues / "jddc_pairs" / "data_train.enc").write_text(
        "什么时候发货,亲稍等,好的\n我要退货,可以的\n" * 20, "utf-8"
    )
    (dialogues / "jddc_pairs" / "data_train.dec").write_text("亲，已经为您催促仓库尽快发货哦\n" * 40, "utf-8")
    chat = [
        f"s{i}\tU{i}\t{i % 2}\t0\t0\tnan\t{'你好，请问有什么可以帮您' if i % 2 else '我的快递到哪了'}"
        for i in range(30)
    ]
    chat.append("s70\tU0\t0\t0\t0\tnan\t这是测试集的会话不能用于预训练")
    (dialogues / "jddc2019" / "chat_0.1per.txt").write_text("\n".join(chat) + "\n", "utf-8")
    (dialogues / "csds" / "final_ext_gold_refs.txt").write_text("用户:怎么还没发货。客服:马上为您催促。\n" * 5, "utf-8")
    (dialogues / "jddc_pairs" / "data_test.enc").write_text("快递到哪了,亲稍等\n发票怎么开,可以的\n", "utf-8")
    (dialogues / "jddc_pairs" / "data_test.dec").write_text(
        "亲，正在为您查询物流\n电子发票在订单详情页下载哦\n", "utf-8"
    )
    (dialogues / "jddc2019" / "dev_question.txt").write_text(
        "<session d_1>\n<context>\nQ:\t我的快递到哪了\nA:\t稍等<sep>请稍等<sep>NULL\n</context>\n"
        "<Q1>还没到啊!@@@!都三天了</Q1>\n<Q2>好的谢谢</Q2>\n</session d_1>\n",
        "utf-8",
    )
    (dialogues / "jddc2019" / "dev_answer.txt").write_text(
        "<session d_1>\n亲，这边为您催促站点<sep>马上为您催一下<sep>NULL\n"
        "不客气<sep>不客气哦<sep>应该的\n</session d_1>\n",
        "utf-8",
    )
    return root


@pytest.fixture(scope="session")
def toy_corpora(tmp_path_factory) -> Path:
    return write_toy_corpora(tmp_path_factory.mktemp("corpora"))


TOY_CORPUS_LINES = {
    "logistics": ("快递怎么还没到，都等了一个星期了", "请问我的包裹到哪里了", "快递小哥送得真快，谢谢"),
    "return_refund": ("这破衣服质量太差我要退货", "七天无理由退货怎么申请", "退货流程很顺利，想再问下运费"),
    "exchange": ("尺码不对，烦死了，赶紧给我换", "能换一个大一号的吗", "客服很耐心，我想换个颜色"),
    "refund_compensation": ("退款到现在还没到账，太过分了", "退款一般几天到账", "价保很方便，差价什么时候退"),
    "repair_warranty": ("刚买就坏了，气死人", "空调不制冷了怎么报修", "师傅修得很好，想问保修多久"),
    "order_change": ("地址填错了怎么都改不了，急死了", "能帮我改一下收货地址吗", "谢谢你们，想取消一个订单"),
    "invoice": ("发票催了三次还不开，什么态度", "怎么开电子发票", "开票很快，想换一下抬头"),
    "product_inquiry": ("说明书写得一塌糊涂，根本看不懂", "这款手机支持快充吗", "东西很好用，想问另一款的尺寸"),
    "account_payment": ("扣了两次钱，你们是骗子吗", "优惠券怎么用不了", "会员很划算，积分怎么兑换"),
    "complaint": ("我要投诉你们的客服，态度恶劣", "我要投诉，请主管联系我", "客服人很好，但我要投诉快递员"),
    "other": ("人呢？？？", "你好，在吗", "谢谢你们，服务太好了"),
}


TOY_KB = {
    "logistics": "delivery_delay_urge", "return_refund": "return_7day", "exchange": "exchange_process",
    "refund_compensation": "refund_timeline", "repair_warranty": "warranty_repair", "order_change": "order_address",
    "invoice": "invoice_issue", "product_inquiry": "product_info", "account_payment": "coupon_stacking",
    "complaint": "complaint_escalation", "other": "greeting_only",
}


def write_toy_corpus(folder: Path, copies: int = 12) -> Path:
    """An authored-corpus folder in the real format, big enough that every split has tickets."""
    import json as _json

    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    number = 0
    for intent, texts in TOY_CORPUS_LINES.items():
        for sentiment, text in zip(("negative", "neutral", "positive"), texts, strict=True):
            for copy in range(copies):
                number += 1
                evidence = [text[:4]] if sentiment == "negative" or intent == "complaint" else []
                lines.append(
                    _json.dumps(
                        {
                            "id": f"TOY-{number:04d}",
                            "turns": [{"role": "customer", "text": f"{text}（{copy}号单）"}],
                            "style": ("taobao", "jd", "elderly")[copy % 3],
                            "intent": intent,
                            "sentiment": sentiment,
                            "evidence": evidence,
                            "kb": [TOY_KB[intent]],
                            "reply": "您好，这边已经为您记录了问题，核实后24小时内会给您回复，请您留意消息，谢谢您的耐心。",
                        },
                        ensure_ascii=False,
                    )
                )
    (folder / "toy.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    return folder


@pytest.fixture(scope="session")
def toy_corpus(tmp_path_factory) -> Path:
    return write_toy_corpus(tmp_path_factory.mktemp("corpus"))
