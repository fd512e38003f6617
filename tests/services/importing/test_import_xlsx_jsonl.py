"""Importing XLSX workbooks (written here with openpyxl) and JSONL conversation exports."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from desktop_app.services.importing import ImportFileError, ImportService
from desktop_app.domain.clock import to_naive_utc
from desktop_app.domain.records import MessageRecord
from desktop_app.store.schema import Message, Ticket
from desktop_app.store.tickets import TicketRepository


def _tickets(db) -> dict[str, Ticket]:  # type: ignore[no-untyped-def]
    with db.session() as session:
        return {t.external_id: t for t in session.scalars(select(Ticket))}


def _messages(db, external_id: str) -> list[MessageRecord]:  # type: ignore[no-untyped-def]
    with db.session() as session:
        ticket_id = session.scalar(select(Ticket.id).where(Ticket.external_id == external_id))
        return TicketRepository(session).detail(ticket_id).messages


# -- XLSX -----------------------------------------------------------------------------------


def _write_xlsx(path: Path, rows: list[list[object]], extra_sheet: bool = False) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "工单"
    for row in rows:
        sheet.append(row)
    if extra_sheet:
        other = book.create_sheet("说明")
        other.append(["这张表不导入"])
    book.save(path)


@pytest.fixture
def xlsx_file(tmp_path: Path) -> Path:
    path = tmp_path / "export.xlsx"
    _write_xlsx(
        path,
        [
            ["工单编号", "买家昵称", "问题描述", "创建时间", "订单号", "状态", None],  # trailing empty header cell
            ["X-1", "小鹿", "洗衣机漏水，要求上门维修", datetime(2024, 5, 1, 10, 30, 0), 2913465355495, "新工单"],
            ["X-2", "王先生", "发票抬头开错了", datetime(2024, 5, 2, 9, 0, 0), 1234567890123.0, "处理中"],
            [None, None, None, None, None, None],  # empty row: skipped silently
            ["X-3", "缺内容", None, datetime(2024, 5, 2, 9, 5, 0), 1, "new"],  # row 5: missing text
            ["X-4", "坏时间", "内容", "昨天下午", 2, "new"],  # row 6: bad time
            ["X-5", "字符串时间", "优惠券用不了", "2024-05-03 08:00:00", "378308627149709400", "已解决"],
            ["X-6", "Excel序列号", "序列号时间", 45415.5, "O-6", "new"],  # 2024-05-03 12:00 as a bare serial
        ],
        extra_sheet=True,
    )
    return path


def test_xlsx_import(db, xlsx_file: Path) -> None:
    report = ImportService(db).import_file(xlsx_file)
    assert (report.imported, report.skipped, report.already_present) == (4, 2, 0)
    assert [(e.line, e.reason) for e in report.errors] == [
        (5, "missing text"),
        (6, "not a time: '昨天下午'"),
    ]
    tickets = _tickets(db)
    assert sorted(tickets) == ["X-1", "X-2", "X-5", "X-6"]
    first = tickets["X-1"]
    assert (first.customer, first.text, first.status) == ("小鹿", "洗衣机漏水，要求上门维修", "new")
    # Datetime cells are local time of this PC; the table stores naive UTC.
    assert first.created_at == to_naive_utc(datetime(2024, 5, 1, 10, 30, 0))
    # Numeric order ids become their digits, not "1234567890123.0"; long ones are text cells
    # (a spreadsheet number keeps only ~15 digits) and come through verbatim.
    assert first.order_id == "2913465355495"
    assert tickets["X-2"].order_id == "1234567890123"
    assert tickets["X-5"].order_id == "378308627149709400"
    assert tickets["X-2"].status == "open"
    assert tickets["X-5"].created_at == to_naive_utc(datetime(2024, 5, 3, 8, 0, 0))
    assert tickets["X-5"].status == "resolved"
    assert tickets["X-6"].created_at == to_naive_utc(datetime(2024, 5, 3, 12, 0, 0))


def test_xlsx_reimport(db, xlsx_file: Path, count_rows) -> None:
    ImportService(db).import_file(xlsx_file)
    again = ImportService(db).import_file(xlsx_file)
    assert (again.imported, again.already_present, again.skipped) == (0, 4, 2)
    assert count_rows(db) == 4


def test_xlsx_progress_reaches_one(db, xlsx_file: Path) -> None:
    fractions: list[float] = []
    ImportService(db).import_file(xlsx_file, progress=lambda p: fractions.append(p.fraction))
    assert fractions[-1] == 1.0


def test_xlsx_map_override_and_missing_text_column(db, tmp_path: Path) -> None:
    path = tmp_path / "odd.xlsx"
    _write_xlsx(path, [["单据", "客户的话"], ["Q-1", "请尽快处理"]])
    with pytest.raises(ImportFileError, match="no column holds the ticket text"):
        ImportService(db).import_file(path)
    report = ImportService(db).import_file(path, ["客户的话=text", "单据=external_id"])
    assert report.imported == 1
    assert _tickets(db)["Q-1"].text == "请尽快处理"


def test_damaged_xlsx(db, tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip file")
    with pytest.raises(ImportFileError, match="not a readable XLSX workbook"):
        ImportService(db).import_file(path)


# -- JSONL ----------------------------------------------------------------------------------

CN = "+08:00"


def _jsonl(path: Path, lines: list[object]) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for line in lines:
            handle.write(line if isinstance(line, str) else json.dumps(line, ensure_ascii=False))
            handle.write("\n")
    return path


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC).replace(tzinfo=None)


@pytest.fixture
def jsonl_file(tmp_path: Path) -> Path:
    return _jsonl(
        tmp_path / "conversations.jsonl",
        [
            {  # 1: answered by the agent last -> waiting for the customer
                "external_id": "J-1",
                "customer": "小鹿",
                "channel": "淘宝",
                "messages": [
                    {"role": "customer", "text": "什么时候发货", "time": f"2024-05-01T10:00:00{CN}"},
                    {"role": "客服", "text": "今天下午发出", "time": f"2024-05-01T10:05:00{CN}", "author": "客服小美"},
                ],
            },
            {  # 2: customer asked again after the agent -> new, waiting since the follow-up
                "external_id": "J-2",
                "customer": "王先生",
                "messages": [
                    {"role": "买家", "text": "退款申请了吗", "time": f"2024-05-01T11:00:00{CN}"},
                    {"role": "agent", "content": "已提交", "time": f"2024-05-01T11:10:00{CN}"},
                    {"role": "user", "text": "三天了还没到账", "time": f"2024-05-04T09:00:00{CN}"},
                    {"role": "buyer", "text": "在吗？"},  # no time: takes the previous one
                ],
            },
            '{"external_id": "J-3", "messages": [',  # 3: invalid JSON
            "",  # 4: blank line
            "[1, 2, 3]",  # 5: not an object
            '"just a string"',  # 6: not an object
            {
                "external_id": "J-7",
                "content": "只有一段文字的工单",
                "created_at": "2024-05-05 08:00:00",
                "status": "处理中",
            },  # 7
            {"external_id": "J-8", "messages": [{"role": "robot", "text": "嗨"}]},  # 8: unknown role
            {"external_id": "J-9", "messages": "not a list"},  # 9
            {"external_id": "J-10", "messages": [{"role": "customer", "text": ""}], "created_at": "2024-05-05"},  # 10
            {"external_id": "J-11", "customer": "无时间"},  # 11: no text at all
        ],
    )


def test_jsonl_import(db, jsonl_file: Path) -> None:
    report = ImportService(db).import_file(jsonl_file)
    assert (report.imported, report.skipped) == (3, 7)
    reasons = {e.line: e.reason for e in report.errors}
    assert sorted(reasons) == [3, 5, 6, 8, 9, 10, 11]
    assert reasons[3].startswith("invalid JSON")
    assert reasons[5] == "expected a JSON object, got list"
    assert reasons[6] == "expected a JSON object, got str"
    assert "unknown role 'robot'" in reasons[8]
    assert "messages must be a list" in reasons[9]
    assert "empty text" in reasons[10]
    assert reasons[11] == "missing text"

    tickets = _tickets(db)
    answered = tickets["J-1"]
    assert answered.status == "waiting_customer"  # the agent spoke last
    assert answered.waiting_since is None
    assert answered.text == "什么时候发货"
    assert answered.created_at == _utc(f"2024-05-01T10:00:00{CN}")
    assert answered.updated_at == _utc(f"2024-05-01T10:05:00{CN}")
    assert [(m.role, m.text, m.author) for m in _messages(db, "J-1")] == [
        ("customer", "什么时候发货", "小鹿"),
        ("agent", "今天下午发出", "客服小美"),
    ]

    follow_up = tickets["J-2"]
    assert follow_up.status == "new"  # the customer spoke last
    assert follow_up.waiting_since == _utc(f"2024-05-04T09:00:00{CN}")
    # The ticket text is every customer message; the agent's is not part of it.
    assert follow_up.text == "退款申请了吗\n三天了还没到账\n在吗？"
    messages = _messages(db, "J-2")
    assert [m.role for m in messages] == ["customer", "agent", "customer", "customer"]
    assert messages[-1].created_at == messages[-2].created_at == _utc(f"2024-05-04T09:00:00{CN}")

    plain = tickets["J-7"]
    assert (plain.text, plain.status) == ("只有一段文字的工单", "open")
    assert plain.created_at == to_naive_utc(datetime(2024, 5, 5, 8, 0, 0))
    assert [m.text for m in _messages(db, "J-7")] == ["只有一段文字的工单"]


def test_jsonl_reimport(db, jsonl_file: Path, count_rows) -> None:
    ImportService(db).import_file(jsonl_file)
    again = ImportService(db).import_file(jsonl_file)
    assert (again.imported, again.already_present, again.skipped) == (0, 3, 7)
    assert count_rows(db) == 3
    assert count_rows(db, Message) == 2 + 4 + 1


def test_jsonl_explicit_status_wins(db, tmp_path: Path) -> None:
    path = _jsonl(
        tmp_path / "s.jsonl",
        [
            {
                "external_id": "S-1",
                "status": "resolved",
                "messages": [{"role": "customer", "text": "好的谢谢", "time": "2024-05-01T10:00:00Z"}],
            }
        ],
    )
    ImportService(db).import_file(path)
    ticket = _tickets(db)["S-1"]
    assert (ticket.status, ticket.waiting_since) == ("resolved", None)
    assert ticket.created_at == datetime(2024, 5, 1, 10, 0, 0)


def test_jsonl_map_override(db, tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "m.jsonl", [{"单据": "M-1", "客户说": "东西坏了", "ts": 1714528800}])
    report = ImportService(db).import_file(path, ["单据=external_id", "客户说=text", "ts=created_at"])
    assert report.imported == 1
    ticket = _tickets(db)["M-1"]
    assert ticket.text == "东西坏了"
    assert ticket.created_at == datetime(2024, 5, 1, 2, 0, 0)  # epoch seconds are absolute


def test_jsonl_epoch_milliseconds(db, tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "ms.jsonl", [{"id": "MS-1", "text": "毫秒时间", "time": 1714528800123}])
    ImportService(db).import_file(path)
    created = _tickets(db)["MS-1"].created_at
    assert abs(created - datetime(2024, 5, 1, 2, 0, 0, 123000)) < timedelta(milliseconds=1)
