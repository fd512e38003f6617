"""Validating one row: times, status names, lengths, stable ids; column mapping rules."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from desktop_app.domain.vocabulary import parse_status
from desktop_app.services.importing.fields import (
    CANONICAL_FIELDS,
    MappingError,
    map_columns,
    normalise_header,
    parse_overrides,
)
from desktop_app.services.importing.records import RowInvalid, build_ticket, parse_time, stable_id
from desktop_app.domain.clock import to_naive_utc

IMPORTED_AT = datetime(2024, 6, 1, 0, 0, 0)


def _local(*parts: int) -> datetime:
    return to_naive_utc(datetime(*parts))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-05-01 10:20:30", _local(2024, 5, 1, 10, 20, 30)),
        ("2024-05-01 10:20", _local(2024, 5, 1, 10, 20)),
        ("2024-05-01", _local(2024, 5, 1)),
        ("2024/05/01 10:20:30", _local(2024, 5, 1, 10, 20, 30)),
        ("2024/5/1 9:05", _local(2024, 5, 1, 9, 5)),
        ("2024年05月01日 10:20", _local(2024, 5, 1, 10, 20)),
        ("2024年5月1日", _local(2024, 5, 1)),
        ("20240501102030", _local(2024, 5, 1, 10, 20, 30)),
        ("2024-05-01T10:20:30+08:00", datetime(2024, 5, 1, 2, 20, 30)),
        ("2024-05-01T10:20:30Z", datetime(2024, 5, 1, 10, 20, 30)),
        ("  2024-05-01T10:20:30Z  ", datetime(2024, 5, 1, 10, 20, 30)),
        ("1714528800", datetime(2024, 5, 1, 2, 0, 0)),
        (1714528800, datetime(2024, 5, 1, 2, 0, 0)),
        (1714528800000, datetime(2024, 5, 1, 2, 0, 0)),
        (45413.0, _local(2024, 5, 1)),  # Excel serial day
        (datetime(2024, 5, 1, 10, 0, tzinfo=UTC), datetime(2024, 5, 1, 10, 0)),
        (datetime(2024, 5, 1, 10, 0), _local(2024, 5, 1, 10, 0)),
    ],
)
def test_parse_time(value: object, expected: datetime) -> None:
    assert parse_time(value) == expected


@pytest.mark.parametrize("value", ["下周二", "2024-13-01", "", "12345", 42, True, "2024-05-01 25:00"])
def test_parse_time_rejects(value: object) -> None:
    with pytest.raises(RowInvalid, match="not a time"):
        parse_time(value)


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("new", "new"),
        ("NEW", "new"),
        ("新工单", "new"),
        ("待处理", "new"),
        ("处理中", "open"),
        ("待客户回复", "waiting_customer"),
        ("已解决", "resolved"),
        ("已关闭", "resolved"),
        (" closed ", "resolved"),
    ],
)
def test_status_names(text: str, status: str) -> None:
    assert parse_status(text).value == status
    assert build_ticket({"text": "x", "status": text}, IMPORTED_AT).status == status


def test_build_ticket_defaults() -> None:
    ticket = build_ticket({"text": "  有问题  "}, IMPORTED_AT)
    assert ticket.text == "有问题"
    assert ticket.created_at == IMPORTED_AT  # no time in the row: the time of the import
    assert ticket.status == "new"
    assert ticket.assignee is None
    assert ticket.external_id.startswith("sha1:")


def test_stable_id_is_deterministic_and_content_based() -> None:
    row = {"channel": "淘宝", "customer": "小鹿", "order_id": "1", "created_at": "2024-05-01", "text": "你好"}
    assert stable_id(row) == stable_id(dict(row))
    assert stable_id(row) != stable_id({**row, "text": "你好!"})
    assert stable_id(row) != stable_id({**row, "customer": "小鹿2"})
    first = build_ticket(row, IMPORTED_AT)
    second = build_ticket(row, datetime(2030, 1, 1))
    assert first.external_id == second.external_id


@pytest.mark.parametrize(
    ("field", "limit"), [("external_id", 200), ("customer", 200), ("order_id", 100), ("channel", 50)]
)
def test_too_long_values_are_errors_not_cut(field: str, limit: int) -> None:
    assert build_ticket({"text": "x", field: "字" * limit}, IMPORTED_AT)
    with pytest.raises(RowInvalid, match=f"{field} is longer than {limit} characters"):
        build_ticket({"text": "x", field: "字" * (limit + 1)}, IMPORTED_AT)


def test_bad_status_message() -> None:
    with pytest.raises(RowInvalid, match="unknown status '飞走了'"):
        build_ticket({"text": "x", "status": "飞走了"}, IMPORTED_AT)


def test_messages_without_any_time() -> None:
    with pytest.raises(RowInvalid, match=r"messages\[0\]: no time"):
        build_ticket({"messages": [{"role": "customer", "text": "hi"}]}, IMPORTED_AT)


def test_messages_bad_time_names_the_message() -> None:
    with pytest.raises(RowInvalid, match=r"messages\[1\]: not a time"):
        build_ticket(
            {
                "messages": [
                    {"role": "customer", "text": "a", "time": "2024-05-01"},
                    {"role": "agent", "text": "b", "time": "??"},
                ]
            },
            IMPORTED_AT,
        )


def test_messages_item_must_be_object() -> None:
    with pytest.raises(RowInvalid, match=r"messages\[0\] is not an object"):
        build_ticket({"messages": ["hello"]}, IMPORTED_AT)


def test_only_agent_messages_is_missing_text() -> None:
    with pytest.raises(RowInvalid, match="missing text"):
        build_ticket({"messages": [{"role": "agent", "text": "您好", "time": "2024-05-01"}]}, IMPORTED_AT)


# -- column mapping -------------------------------------------------------------------------


def test_normalise_header() -> None:
    assert normalise_header("\ufeff Order_ID ") == "orderid"
    assert normalise_header("创建时间（北京）") == "创建时间北京"
    assert normalise_header(None) == ""


def test_map_columns_first_claim_wins() -> None:
    mapping = map_columns(["内容", "留言", "买家", "客户"])
    assert mapping == {0: "text", 2: "customer"}


def test_map_columns_override_beats_alias() -> None:
    mapping = map_columns(["内容", "备注"], {"备注": "text"})
    assert mapping == {1: "text"}


def test_map_columns_override_matches_normalised_names() -> None:
    assert map_columns(["Buyer Remark"], {"buyer_remark": "text"}) == {0: "text"}


def test_map_columns_messages_only_is_enough() -> None:
    assert map_columns(["id", "对话"]) == {0: "external_id", 1: "messages"}


def test_map_columns_errors() -> None:
    with pytest.raises(MappingError, match="does not have: 问题"):
        map_columns(["内容"], {"问题": "text"})
    with pytest.raises(MappingError, match=r"columns: \(none\)"):
        map_columns([])


def test_parse_overrides() -> None:
    assert parse_overrides(["问题=text", " 旺旺 = customer ", "a=b=order_id"]) == {
        "问题": "text",
        "旺旺": "customer",
        "a=b": "order_id",
    }
    with pytest.raises(MappingError, match="unknown field 'nope'"):
        parse_overrides(["x=nope"])
    for field in CANONICAL_FIELDS:
        assert parse_overrides([f"c={field}"]) == {"c": field}
