"""Personal data masking: property tests, rule tests, and precision/recall on the labelled
evaluation set ``resources/privacy/pii_eval.jsonl``.

The evaluation set is made-up data written by ``build_eval_set`` below (deterministic);
regenerate it with ``python tests/nlp/test_privacy.py``.
"""

from __future__ import annotations

import json
import random
import re
import string
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.nlp.privacy import (
    ENTITY_TYPES,
    Entity,
    id_check_digit,
    is_valid_id,
    luhn_ok,
    mask_text,
)

REPO = Path(__file__).resolve().parents[2]
EVAL_PATH = REPO / "resources" / "privacy" / "pii_eval.jsonl"
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- value builders shared by the property tests and the eval-set generator -------------

REGIONS = ("110105", "310104", "440305", "330106", "510107", "420102", "320102", "610113", "210102", "130102")
CARD_PREFIXES = ("622202", "621700", "622848", "436742", "625965", "622588", "621226", "524047", "955880", "601382")
FILLER = "你好请问我的快递什么时候能到货呢谢谢麻烦帮忙看一下退款售后换货尺码颜色不对质量有问题客服在吗急用"


def make_id(rng: random.Random, valid: bool = True) -> str:
    year = rng.randint(1950, 2006)
    body = f"{rng.choice(REGIONS)}{year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    check = id_check_digit(body)
    if not valid:
        check = rng.choice([c for c in "0123456789X" if c != check])
    return body + check


def luhn_complete(partial: str) -> str:
    for d in "0123456789":
        if luhn_ok(partial + d):
            return partial + d
    raise AssertionError("unreachable")


def make_card(rng: random.Random, length: int | None = None) -> str:
    length = length or rng.choice((16, 16, 19, 19, 17, 18))
    partial = rng.choice(CARD_PREFIXES) + "".join(rng.choice(string.digits) for _ in range(length - 7))
    card = luhn_complete(partial)
    if length == 18 and re.fullmatch(r"\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{4}", card):
        return make_card(rng, 16)  # looks like an ID: would be read as a mistyped ID
    return card


def make_phone(rng: random.Random) -> tuple[str, str]:
    """(formatted, the 11 digits)."""
    digits = "1" + rng.choice("3456789") + "".join(rng.choice(string.digits) for _ in range(9))
    style = rng.randrange(7)
    formatted = [
        digits,
        digits,
        f"{digits[:3]}-{digits[3:7]}-{digits[7:]}",
        f"{digits[:3]} {digits[3:7]} {digits[7:]}",
        f"+86 {digits}",
        f"+86{digits}",
        f"86-{digits}",
    ][style]
    return formatted, digits


def make_email(rng: random.Random) -> str:
    local = rng.choice(string.ascii_lowercase) + "".join(
        rng.choice(string.ascii_lowercase + string.digits + "._") for _ in range(rng.randint(2, 10))
    )
    local = local.rstrip("._") or "a"
    return f"{local}@{rng.choice(('qq.com', '163.com', 'gmail.com', 'outlook.com', 'foxmail.com', 'sina.cn'))}"


# --- unit rules ---------------------------------------------------------------------------


def test_examples_of_each_type() -> None:
    text = (
        "收件人：张三，电话+86 138-1234-5678，身份证11010519491231002X，卡号6222021234567890128，"
        "邮箱zhangsan@qq.com，地址：广东省深圳市南山区科技园路88号阳光花园3栋2单元1201室，座机0755-12345678转123，"
        "订单号：123456789012"
    )
    result = mask_text(text)
    assert result.masked == (
        "收件人：张*，电话+86 138-****-5678，身份证110105********002X，卡号622202*********0128，"
        "邮箱z***@qq.com，地址：广东省深圳市南山区***，座机0755-******78转123，"
        "订单号：********9012"
    )
    assert [e.type for e in result.entities] == [
        "name",
        "phone",
        "id_card",
        "bank_card",
        "email",
        "address",
        "landline",
        "order_id",
    ]
    assert text[result.entities[0].start : result.entities[0].end] == "张三"
    assert mask_text(result.masked).masked == result.masked
    assert mask_text(result.masked).entities == []


def test_landline_keeps_area_code_and_last_two() -> None:
    assert mask_text("电话010-87654321").masked == "电话010-******21"
    assert mask_text("打0571-8765432").masked == "打0571-*****32"


def test_order_patterns_are_configurable() -> None:
    assert mask_text("拼多多订单200520-123456789012345").masked == "拼多多订单******-***********2345"
    assert mask_text("淘宝2841947425459568381").masked == "淘宝***************8381"
    assert mask_text("京东123456789012").entities == []  # 12 digits need an 订单 word
    custom = {"shop": r"(?<![0-9*])SO\d{8}(?![0-9*])"}
    assert mask_text("单子SO12345678", patterns=custom).entities == [Entity("order_id", 2, 12)]


def test_valid_id_beats_card_and_order() -> None:
    rng = random.Random(7)
    for _ in range(200):
        number = make_id(rng)
        result = mask_text(f"订单号{number}")
        assert [e.type for e in result.entities] == ["id_card"]


def test_names_need_a_label() -> None:
    assert mask_text("收货人: 李四 手机号").masked == "收货人: 李* 手机号"
    assert mask_text("联系人王小明电话").masked == "联系人王**电话"
    assert mask_text("李四说东西坏了").entities == []


# --- properties ---------------------------------------------------------------------------

chinese = st.text(alphabet=FILLER + "，。！？ ", max_size=15)
seeds = st.integers(min_value=0, max_value=2**32)


@SETTINGS
@given(seed=seeds, before=chinese, after=chinese)
def test_every_phone_is_masked(seed: int, before: str, after: str) -> None:
    phone, digits = make_phone(random.Random(seed))
    text = f"{before}{phone}{after}"
    result = mask_text(text)
    assert digits not in re.sub(r"[ -]", "", result.masked)
    assert [e.type for e in result.entities] == ["phone"]
    assert mask_text(result.masked).masked == result.masked


@SETTINGS
@given(seed=seeds, before=chinese, after=chinese)
def test_every_id_is_masked(seed: int, before: str, after: str) -> None:
    number = make_id(random.Random(seed))
    assert is_valid_id(number)
    result = mask_text(f"{before}{number}{after}")
    assert number not in result.masked and number[6:14] not in result.masked
    assert [e.type for e in result.entities] == ["id_card"]
    assert mask_text(result.masked).masked == result.masked


@SETTINGS
@given(seed=seeds, before=chinese, after=chinese)
def test_altered_check_digit_is_not_an_id(seed: int, before: str, after: str) -> None:
    number = make_id(random.Random(seed), valid=False)
    assert not is_valid_id(number)
    assert "id_card" not in [e.type for e in mask_text(f"{before}{number}{after}").entities]


@SETTINGS
@given(seed=seeds, before=chinese, after=chinese, spaced=st.booleans())
def test_every_card_is_masked(seed: int, before: str, after: str, spaced: bool) -> None:
    rng = random.Random(seed)
    card = make_card(rng, 16 if spaced else None)
    shown = " ".join(card[i : i + 4] for i in range(0, 16, 4)) if spaced else card
    result = mask_text(f"{before}{shown}{after}")
    assert card not in re.sub(r"[ -]", "", result.masked)
    assert [e.type for e in result.entities] == ["bank_card"]
    assert mask_text(result.masked).masked == result.masked


@SETTINGS
@given(seed=seeds, before=chinese, after=chinese)
def test_every_email_is_masked(seed: int, before: str, after: str) -> None:
    email = make_email(random.Random(seed))
    result = mask_text(f"{before}{email}{after}")
    assert email not in result.masked and email.split("@")[0] not in result.masked.replace(email[0] + "***", "")
    assert [e.type for e in result.entities] == ["email"]
    assert mask_text(result.masked).masked == result.masked


@SETTINGS
@given(seed=seeds, before=chinese, after=chinese)
def test_plus86_phones_are_not_cards(seed: int, before: str, after: str) -> None:
    rng = random.Random(seed)
    digits = make_phone(rng)[1]
    for shown in (f"+86{digits}", f"+86 {digits}", f"0086{digits}", f"+86 {digits[:3]} {digits[3:7]} {digits[7:]}"):
        assert [e.type for e in mask_text(f"{before}{shown}{after}").entities] == ["phone"], shown


@SETTINGS
@given(text=st.text(alphabet=FILLER + "0123456789-+@.*：:，省市区路号收件人姓名 abcXx", max_size=60))
def test_masking_twice_changes_nothing(text: str) -> None:
    once = mask_text(text).masked
    assert mask_text(once).masked == once


@SETTINGS
@given(seed=seeds)
def test_masking_twice_changes_nothing_on_eval_like_messages(seed: int) -> None:
    text = _message(random.Random(seed), Counter())[0]
    once = mask_text(text).masked
    assert mask_text(once).masked == once
    assert mask_text(once).entities == []


# --- the labelled evaluation set ------------------------------------------------------------

PLACES = (
    ("广东省", "深圳市", "南山区"),
    ("广东省", "广州市", "天河区"),
    ("浙江省", "杭州市", "西湖区"),
    ("江苏省", "南京市", "鼓楼区"),
    ("四川省", "成都市", "武侯区"),
    ("北京市", "", "朝阳区"),
    ("上海市", "", "浦东新区"),
    ("湖北省", "武汉市", "洪山区"),
    ("山东省", "青岛市", "崂山区"),
    ("福建省", "厦门市", "思明区"),
    ("河南省", "郑州市", "金水区"),
    ("陕西省", "西安市", "雁塔区"),
    ("广西壮族自治区", "南宁市", "青秀区"),
    ("重庆市", "", "渝中区"),
    ("湖南省", "长沙市", "岳麓县"),
)
ROADS = ("科技园", "中山", "解放", "人民", "建设", "文三", "长江", "和平", "滨江", "学府", "新华")
ROAD_KINDS = ("路", "路", "街", "大道", "巷")
ESTATES = ("阳光花园", "翠苑小区", "锦绣公寓", "万科城", "金地大厦", "幸福家园", "碧桂园")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭林何高罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛超秀霞平刚桂英华玉兰红明"
NAME_LABELS = ("收件人：", "收货人: ", "姓名：", "联系人", "收件人", "收货人：")


def _address(rng: random.Random, with_province: bool = True) -> str:
    province, city, district = rng.choice(PLACES if with_province else [p for p in PLACES if p[1]])
    detail = f"{rng.choice(ROADS)}{rng.choice(ROAD_KINDS)}{rng.randint(1, 999)}号"
    if rng.random() < 0.6:
        detail += rng.choice(ESTATES)
    if rng.random() < 0.7:
        detail += f"{rng.randint(1, 30)}栋"
    if rng.random() < 0.5:
        detail += f"{rng.randint(1, 6)}单元"
    if rng.random() < 0.7:
        detail += f"{rng.randint(1, 33)}{rng.randint(1, 4):02d}室"
    return (province if with_province else "") + city + district + detail


def _order(rng: random.Random) -> tuple[str, str]:
    kind = rng.randrange(3)
    if kind == 0:
        while True:
            number = rng.choice("12") + "".join(rng.choice(string.digits) for _ in range(rng.choice((17, 18))))
            if not re.fullmatch(r"\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{4}", number):
                return rng.choice(("淘宝订单", "天猫订单号：", "订单号", "单号是", "我的订单")), number
    if kind == 1:
        number = rng.choice("2345678") + "".join(rng.choice(string.digits) for _ in range(rng.choice((11, 12))))
        return rng.choice(("京东订单号：", "订单号", "订单编号：", "单号为")), number
    date = f"{rng.randint(20, 24):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    return rng.choice(("拼多多订单", "订单号：", "pdd订单 ")), date + "-" + "".join(
        rng.choice(string.digits) for _ in range(15)
    )


def _distractor(rng: random.Random) -> str:
    kind = rng.randrange(8)
    if kind == 0:
        return f"我是{rng.randint(2023, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}下的单"
    if kind == 1:
        return f"付了¥{rng.randint(10, 3000)}.{rng.randint(0, 99):02d}"
    if kind == 2:
        return f"身份证号好像填错了{make_id(rng, valid=False)}"
    if kind == 3:  # 11-digit tracking numbers that are not mobile numbers
        return f"运单号{rng.choice('7890')}{''.join(rng.choice(string.digits) for _ in range(10))}"
    if kind == 4:
        return f"快递单号SF{''.join(rng.choice(string.digits) for _ in range(12))}一直没更新"
    if kind == 5:
        return f"验证码{rng.randint(100000, 999999)}"
    if kind == 6:
        return f"买了{rng.randint(1, 9)}件，{rng.randint(1, 12)}月{rng.randint(1, 28)}号到的"
    return f"商品编号{rng.randint(10**9, 10**10 - 1)}"


def _segment(rng: random.Random, kind: str) -> list[str | tuple[str, str]]:
    if kind == "phone":
        return [rng.choice(("电话", "手机", "联系方式：", "打我电话", "手机号是")), ("phone", make_phone(rng)[0])]
    if kind == "landline":
        area = rng.choice(("010", "021", "020", "0755", "0571", "028", "0532"))
        number = "".join(rng.choice("123456789") for _ in range(8 if len(area) == 3 else rng.choice((7, 8))))
        ext = f"转{rng.randint(100, 9999)}" if rng.random() < 0.2 else ""
        return [rng.choice(("座机", "公司电话", "打这个固话")), ("landline", f"{area}-{number}{ext}")]
    if kind == "id_card":
        return [rng.choice(("身份证号", "身份证：", "清关需要身份证")), ("id_card", make_id(rng))]
    if kind == "bank_card":
        card = make_card(rng)
        if len(card) == 16 and rng.random() < 0.3:
            card = " ".join(card[i : i + 4] for i in range(0, 16, 4))
        return [rng.choice(("退款打到卡号", "银行卡：", "我的卡是")), ("bank_card", card)]
    if kind == "email":
        return [rng.choice(("发票发到邮箱", "邮箱：", "email ")), ("email", make_email(rng))]
    if kind == "address":
        if rng.random() < 0.2:  # no province: only after a label
            return ["收货地址：", ("address", _address(rng, with_province=False))]
        return [rng.choice(("地址：", "寄到", "收货地址是", "麻烦改到")), ("address", _address(rng))]
    if kind == "name":
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        return [rng.choice(NAME_LABELS), ("name", name)]
    label, number = _order(rng)
    return [label, ("order_id", number)]


OPENINGS = ("你好，", "在吗？", "客服你好，", "", "麻烦看一下，", "急！")
CLOSINGS = ("，谢谢。", "，麻烦尽快处理。", "。", "！", "，多谢", "")


def _message(rng: random.Random, counts: Counter) -> tuple[str, list[dict]]:
    kinds = sorted(ENTITY_TYPES, key=lambda k: (counts[k], rng.random()))[: rng.randint(1, 3)]
    pieces: list[str | tuple[str, str]] = [rng.choice(OPENINGS)]
    for kind in kinds:
        if rng.random() < 0.4:
            pieces += [_distractor(rng), "，"]
        pieces += _segment(rng, kind)
        pieces.append(rng.choice(("，", "。", " ", "；")) if kind != "name" else rng.choice(("，", " ", "电话")))
    if rng.random() < 0.3:
        pieces.append(_distractor(rng))
    pieces.append(rng.choice(CLOSINGS))
    text, entities = "", []
    for piece in pieces:
        if isinstance(piece, tuple):
            entities.append({"type": piece[0], "start": len(text), "end": len(text) + len(piece[1])})
            counts[piece[0]] += 1
            piece = piece[1]
        text += piece
    return text, entities


def build_eval_set(seed: int = 20240505, per_type: int = 220) -> list[dict]:
    rng, counts, rows = random.Random(seed), Counter(), []
    while min(counts[k] for k in ENTITY_TYPES) < per_type:
        text, entities = _message(rng, counts)
        rows.append({"text": text, "entities": entities})
    return rows


def _eval_lines() -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in build_eval_set())


def test_eval_set_file_is_the_generated_one() -> None:
    assert EVAL_PATH.read_text("utf-8") == _eval_lines(), "regenerate: python tests/nlp/test_privacy.py"
    rows = [json.loads(line) for line in EVAL_PATH.read_text("utf-8").splitlines()]
    counts = Counter(e["type"] for row in rows for e in row["entities"])
    assert all(counts[k] >= 200 for k in ENTITY_TYPES), counts


# Reached by mask_text on the eval set (exact span and type match).
EXPECTED_MIN = {k: (1.0, 1.0) for k in ENTITY_TYPES}


def evaluate(rows: list[dict]) -> dict[str, tuple[float, float]]:
    tp, fp, fn = Counter(), Counter(), Counter()
    for row in rows:
        gold = {(e["type"], e["start"], e["end"]) for e in row["entities"]}
        found = {(e.type, e.start, e.end) for e in mask_text(row["text"]).entities}
        for t, *_ in found & gold:
            tp[t] += 1
        for t, *_ in found - gold:
            fp[t] += 1
        for t, *_ in gold - found:
            fn[t] += 1
    return {k: (tp[k] / max(1, tp[k] + fp[k]), tp[k] / max(1, tp[k] + fn[k])) for k in ENTITY_TYPES}


def test_precision_recall_on_eval_set() -> None:
    rows = [json.loads(line) for line in EVAL_PATH.read_text("utf-8").splitlines()]
    scores = evaluate(rows)
    for kind, (p, r) in scores.items():
        print(f"{kind:<10} precision {p:.4f} recall {r:.4f}")
    for kind, (p_min, r_min) in EXPECTED_MIN.items():
        p, r = scores[kind]
        assert p >= p_min and r >= r_min, (kind, p, r)


def test_eval_masks_hide_the_gold_values() -> None:
    rows = [json.loads(line) for line in EVAL_PATH.read_text("utf-8").splitlines()]
    for row in rows:
        masked = mask_text(row["text"]).masked
        for e in row["entities"]:
            value = row["text"][e["start"] : e["end"]]
            if e["type"] != "name":
                assert value not in masked, (value, masked)


if __name__ == "__main__":
    EVAL_PATH.parent.mkdir(parents=True, exist_ok=True)
    EVAL_PATH.write_text(_eval_lines(), encoding="utf-8")
    print(f"wrote {EVAL_PATH}")
    print(json.dumps(evaluate(build_eval_set())))


def test_a_department_never_swallows_the_name_before_a_contact_label() -> None:
    """Found by hypothesis (seed 4911845): 「公司」 after 电话 made 「林涛电话公司」 a department."""
    text = "收件人林涛电话公司电话028-82289314"
    once = mask_text(text).masked
    assert "林涛" not in once and once.startswith("收件人林*电话")
    assert mask_text(once).masked == once
