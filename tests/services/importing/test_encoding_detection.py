"""detect_encoding on realistic samples: Chinese-heavy text, missing BOMs, damaged bytes."""

from __future__ import annotations

import json

import pytest

from desktop_app.config import RESOURCES_DIR
from desktop_app.services.importing.encoding import UnknownEncodingError, detect_encoding, has_undecodable


def _demo_text() -> str:
    """A one-column export of the demo messages: long Chinese text, very little ASCII."""
    lines = ["内容"]
    with (RESOURCES_DIR / "demo" / "demo_tickets.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            lines.extend(m["text"].replace("\n", " ") for m in json.loads(line)["messages"])
    return "\r\n".join(lines) + "\r\n"


TEXT = _demo_text()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (TEXT.encode("utf-8-sig"), "utf-8-sig"),
        (TEXT.encode("gbk", errors="replace"), "gb18030"),
        (TEXT.encode("gb18030"), "gb18030"),
        (TEXT.encode("utf-16"), "utf-16"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.encode("utf-32"), "utf-32"),
        (b"id,text\r\n1,hello\r\n", "utf-8"),
    ],
    ids=["utf-8", "utf-8-bom", "gbk", "gb18030", "utf-16-bom", "utf-16-le", "utf-16-be", "utf-32-bom", "ascii"],
)
def test_detects(raw: bytes, expected: str) -> None:
    assert detect_encoding(raw) == expected
    decoded = raw.decode(expected)
    assert "双十一" in decoded or "hello" in decoded


def test_sample_cut_inside_a_character() -> None:
    raw = TEXT.encode("utf-8")
    cut = raw[: raw.index("双十一".encode()) + 1]  # ends one byte into a 3-byte character
    assert detect_encoding(cut) == "utf-8"
    raw16 = TEXT.encode("utf-16-le")
    assert detect_encoding(raw16[:1001]) == "utf-16-le"


def test_utf8_with_one_damaged_row_is_still_utf8() -> None:
    raw = TEXT.encode("utf-8")
    middle = raw.index(b"\r\n", len(raw) // 2)
    damaged = raw[:middle] + b"\xe4\xb8\xff" + raw[middle:]
    assert detect_encoding(damaged) == "utf-8"
    assert has_undecodable(damaged.decode("utf-8", errors="surrogateescape"))


def test_gbk_is_not_mistaken_for_damaged_utf8() -> None:
    short = "订单号,内容\r\n1,快递到哪了\r\n".encode("gbk")
    assert detect_encoding(short) == "gb18030"
    assert detect_encoding(TEXT.encode("gbk", errors="replace")) == "gb18030"


def test_undecodable_bytes_raise() -> None:
    with pytest.raises(UnknownEncodingError):
        detect_encoding(b"\xff\xfa\xfb\xfc" * 100)


def test_has_undecodable() -> None:
    assert not has_undecodable("正常文本 abc")
    assert has_undecodable(b"ab\xffcd".decode("utf-8", errors="surrogateescape"))
