"""Importing CSV exports: encodings, header aliases, delimiters, --map, bad rows, re-imports."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop_app.services.importing import ImportFileError, ImportProgress, ImportReport, ImportService
from desktop_app.domain.clock import to_naive_utc
from desktop_app.store.schema import Message, Ticket

HEADER_ZH = "订单号,买家昵称,内容,创建时间,状态"

# Realistic, Chinese-heavy rows (long messages, little ASCII), and one character outside GBK.
ROWS_ZH = [
    (
        "378308627149709400",
        "小鹿爱吃草",
        "双十一付的定金尾款都付完十几天了还没发货？？页面写的四十八小时内发货呢，天都冷了等着用，到底什么时候发啊",
        "2024-05-01 10:00:00",
        "新工单",
    ),
    (
        "2913465355495",
        "京东王先生",
        "您好，我于上周签收的电动牙刷，外包装未拆封。因家人已重复购买，现申请七天无理由退货，请问能否安排上门取件？",
        "2024-05-01 11:30:00",
        "处理中",
    ),
    (
        "261122867172367",
        "多多果园种树人",
        "裤子我都退回去五天了，物流显示你们早就签收了，钱到现在还没退回来，一直拖着是什么意思，再不处理我就投诉了",
        "2024/05/02 09:15",
        "待客户回复",
    ),
    (
        "99887766",
        "抖音用户一二三",
        "一件衣服一个颜色一样大小，一共买了一件，一直没有一点消息，一定给个说法",
        "2024年05月03日 14:20",
        "已解决",
    ),
]


def _csv_text(header: str, rows: list[tuple[str, ...]], delimiter: str = ",", newline: str = "\r\n") -> str:
    lines = [header.replace(",", delimiter)] + [delimiter.join(row) for row in rows]
    return newline.join(lines) + newline


def _imported(db) -> list[Ticket]:  # type: ignore[no-untyped-def]
    with db.session() as session:
        return list(session.scalars(select(Ticket).order_by(Ticket.id)))


def _local(text: str) -> datetime:
    """What a naive export time means: local time of this PC, stored as naive UTC."""
    return to_naive_utc(datetime.fromisoformat(text))


ENCODINGS: dict[str, Callable[[str], bytes]] = {
    "utf-8": lambda text: text.encode("utf-8"),
    "utf-8-bom": lambda text: text.encode("utf-8-sig"),
    "gbk": lambda text: text.encode("gbk"),
    "gb18030": lambda text: text.encode("gb18030"),
    "utf-16-bom": lambda text: text.encode("utf-16"),
    "utf-16-be-bom": lambda text: b"\xfe\xff" + text.encode("utf-16-be"),
    "utf-16-le-no-bom": lambda text: text.encode("utf-16-le"),
}


@pytest.mark.parametrize("encoding", list(ENCODINGS))
def test_encodings(db, tmp_path: Path, encoding: str) -> None:
    rows = list(ROWS_ZH)
    if encoding in ("gb18030", "utf-8", "utf-16-bom"):
        # 𠮷 is not in GBK: only GB18030 and Unicode encodings can carry it.
        rows.append(("55555", "𠮷野家", "𠮷字打不出来，订单备注显示乱码", "2024-05-04 08:00:00", "new"))
    path = tmp_path / f"export-{encoding}.csv"
    path.write_bytes(ENCODINGS[encoding](_csv_text(HEADER_ZH, rows)))
    report = ImportService(db).import_file(path)
    assert report.errors == []
    assert (report.imported, report.skipped, report.already_present) == (len(rows), 0, 0)
    tickets = _imported(db)
    assert [(t.order_id, t.customer, t.text) for t in tickets] == [(r[0], r[1], r[2]) for r in rows]
    assert [t.status for t in tickets][:4] == ["new", "open", "waiting_customer", "resolved"]
    assert tickets[0].created_at == _local("2024-05-01 10:00:00")
    assert tickets[2].created_at == _local("2024-05-02 09:15:00")
    assert tickets[3].created_at == _local("2024-05-03 14:20:00")
    assert tickets[0].external_id.startswith("sha1:")  # 订单号 is the order, not the ticket id


def test_chinese_header_aliases(db, tmp_path: Path) -> None:
    path = tmp_path / "jd.csv"
    path.write_text(
        "售后单号,买家昵称,问题描述,创建时间,状态,订单编号,商品名称,平台,客服\n"
        "SH-1,小王,屏幕有坏点,2024-05-01 10:00:00,处理中,O-9,显示器 27寸,京东,客服小美\n",
        encoding="utf-8",
    )
    report = ImportService(db).import_file(path)
    assert (report.imported, report.skipped) == (1, 0)
    (ticket,) = _imported(db)
    assert (ticket.external_id, ticket.customer, ticket.text, ticket.status) == ("SH-1", "小王", "屏幕有坏点", "open")
    assert (ticket.order_id, ticket.product, ticket.channel, ticket.assignee) == (
        "O-9",
        "显示器 27寸",
        "京东",
        "客服小美",
    )


def test_header_spacing_and_case_are_ignored(db, tmp_path: Path) -> None:
    path = tmp_path / "en.csv"
    path.write_text(" Ticket_ID ,Customer Name,CONTENT,Created\nA-1,Bob,where is my parcel,2024-05-01\n")
    report = ImportService(db).import_file(path)
    assert report.imported == 1
    (ticket,) = _imported(db)
    assert (ticket.external_id, ticket.customer, ticket.text) == ("A-1", "Bob", "where is my parcel")
    assert ticket.created_at == _local("2024-05-01 00:00:00")


def test_tab_separated_with_commas_in_cells(db, tmp_path: Path) -> None:
    path = tmp_path / "export.tsv"
    path.write_text(
        _csv_text(
            "工单号,买家昵称,内容,创建时间",
            [
                ("TAB-1", "小李", "你好,请问,什么时候发货", "2024-05-01 10:00:00"),
                ("TAB-2", "小赵", "退款，谢谢", "2024-05-01 10:01:00"),
            ],
            delimiter="\t",
        ),
        encoding="utf-8",
    )
    report = ImportService(db).import_file(path)
    assert (report.imported, report.skipped) == (2, 0)
    assert [t.text for t in _imported(db)] == ["你好,请问,什么时候发货", "退款，谢谢"]


def test_semicolon_csv(db, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("id;text;customer\nS-1;hello, is anyone there;Ann\n")
    report = ImportService(db).import_file(path)
    assert report.imported == 1
    assert _imported(db)[0].text == "hello, is anyone there"


# -- --map overrides ------------------------------------------------------------------------


def test_map_overrides(db, tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("旺旺,单据,备注说明,内容\nww1,D-1,真正的问题在这里,这是内部备注\n", encoding="utf-8")
    report = ImportService(db).import_file(path, ["旺旺=customer", "单据=external_id", "备注说明=text"])
    assert report.imported == 1
    (ticket,) = _imported(db)
    # The override wins over the alias "内容", which then maps to nothing.
    assert (ticket.external_id, ticket.customer, ticket.text) == ("D-1", "ww1", "真正的问题在这里")


def test_map_makes_an_unmappable_file_importable(db, tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("x1,x2\nhello,world\n")
    with pytest.raises(ImportFileError, match="no column holds the ticket text"):
        ImportService(db).import_file(path)
    report = ImportService(db).import_file(path, ["x2=text", "x1=customer"])
    assert report.imported == 1
    assert (_imported(db)[0].customer, _imported(db)[0].text) == ("hello", "world")


def test_map_unknown_field(db, tmp_path: Path, count_rows) -> None:
    path = tmp_path / "a.csv"
    path.write_text("text\nhello\n")
    with pytest.raises(ImportFileError, match=r"unknown field 'txet'.*fields: external_id"):
        ImportService(db).import_file(path, ["text=txet"])
    assert count_rows(db) == 0


def test_map_column_not_in_file(db, tmp_path: Path, count_rows) -> None:
    path = tmp_path / "a.csv"
    path.write_text("text\nhello\n")
    with pytest.raises(ImportFileError, match="does not have: 问题"):
        ImportService(db).import_file(path, ["问题=text"])
    assert count_rows(db) == 0


@pytest.mark.parametrize("pair", ["no-equals-sign", "=text", "column="])
def test_map_malformed_pair(db, tmp_path: Path, pair: str) -> None:
    path = tmp_path / "a.csv"
    path.write_text("text\nhello\n")
    with pytest.raises(ImportFileError, match="COLUMN=FIELD"):
        ImportService(db).import_file(path, [pair])


def test_no_text_column(db, tmp_path: Path, count_rows) -> None:
    path = tmp_path / "a.csv"
    path.write_text("订单号,买家昵称\n1,a\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match=r"no column holds the ticket text \(columns: 订单号, 买家昵称\)"):
        ImportService(db).import_file(path)
    assert count_rows(db) == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "no such file"),
        ("tickets.pdf", b"%PDF-1.4", "expected .csv, .xlsx or .jsonl"),
        ("empty.csv", b"", "empty"),
        ("binary.csv", bytes(range(0x80, 0x100)) * 50, "neither UTF-8"),
    ],
)
def test_unreadable_files(db, tmp_path: Path, name: str, content: bytes | None, message: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ImportFileError, match=message):
        ImportService(db).import_file(path)


# -- malformed rows -------------------------------------------------------------------------

BAD_ROWS_CSV = (
    "订单号,买家昵称,内容,创建时间,状态\r\n"  # line 1
    "A1,张三,快递没到,2024-05-01 10:00:00,新工单\r\n"  # 2 good
    'A2,李四,"第一行\n'  # 3 good, spans 3-5 (line breaks inside a cell are LF, as Excel writes them)
    "第二行,带逗号\n"
    '第三行 ""引号""",2024-05-01 11:00:00,处理中\r\n'
    "A3,王五\r\n"  # 6 too few columns
    "A4,赵六,,2024-05-01 12:00:00,new\r\n"  # 7 missing text
    "\r\n"  # 8 blank: ignored
    "A5,钱七,有内容,下周二,new\r\n"  # 9 bad time
    "A6,孙八,有内容,2024-05-01 12:00:00,飞走了\r\n"  # 10 bad status
    'A7,周九,"又一个\r\n'  # 11 good, spans 11-12 (a CRLF inside a cell is kept as is)
    '多行单元格",2024-05-01 13:00:00,open\r\n'
    "A8,吴十,BAD,2024-05-01 13:00:00,new\r\n"  # 13 undecodable bytes
    "A9,郑十一,多了一列,2024-05-01 13:00:00,new,多余\r\n"  # 14 too many columns
    "A10,王十二,最后一行好的,2024/05/02 09:00,已解决\r\n"  # 15 good
)
BAD_UTF8 = b"\xe4\xb8\xff\xfe"  # a cut-off character and bytes UTF-8 never uses


@pytest.fixture
def bad_rows_file(tmp_path: Path) -> Path:
    path = tmp_path / "bad-rows.csv"
    path.write_bytes(BAD_ROWS_CSV.encode("utf-8").replace(b"BAD", BAD_UTF8))
    return path


def test_malformed_rows_reported_by_starting_line(db, bad_rows_file: Path) -> None:
    report = ImportService(db).import_file(bad_rows_file)
    reasons = {e.line: e.reason for e in report.errors}
    assert sorted(reasons) == [6, 7, 9, 10, 13, 14]
    assert "2 columns" in reasons[6] and "header has 5" in reasons[6]
    assert reasons[7] == "missing text"
    assert "not a time" in reasons[9] and "下周二" in reasons[9]
    assert "unknown status" in reasons[10] and "飞走了" in reasons[10]
    assert "not valid utf-8" in reasons[13]
    assert "6 columns" in reasons[14]
    assert (report.imported, report.skipped, report.already_present) == (4, 6, 0)


def test_good_rows_of_a_bad_file_are_committed(db, bad_rows_file: Path) -> None:
    ImportService(db).import_file(bad_rows_file)
    tickets = _imported(db)
    assert [t.order_id for t in tickets] == ["A1", "A2", "A7", "A10"]
    assert tickets[1].text == '第一行\n第二行,带逗号\n第三行 "引号"'
    assert tickets[1].status == "open"
    assert tickets[2].text == "又一个\r\n多行单元格"
    assert tickets[3].status == "resolved"
    assert tickets[3].created_at == _local("2024-05-02 09:00:00")
    # The other rows are all readable text: the one bad byte sequence did not garble them.
    assert tickets[0].customer == "张三"


def test_report_to_json_shape(db, bad_rows_file: Path) -> None:
    payload = ImportService(db).import_file(bad_rows_file).to_json()
    assert set(payload) == {"imported", "skipped", "already_present", "errors"}
    assert (payload["imported"], payload["skipped"], payload["already_present"]) == (4, 6, 0)
    errors = payload["errors"]
    assert isinstance(errors, list) and len(errors) == 6
    assert all(set(e) == {"line", "reason"} for e in errors)
    assert all(isinstance(e["line"], int) and isinstance(e["reason"], str) and e["reason"] for e in errors)
    assert [e["line"] for e in errors] == [6, 7, 9, 10, 13, 14]


def test_report_caps_listed_errors(monkeypatch) -> None:
    from desktop_app.services.importing import RowError, importer

    monkeypatch.setattr(importer, "MAX_REPORTED_ERRORS", 3)
    report = ImportReport()
    for line in range(2, 12):
        report.add_error(RowError(line, "bad"))
    payload = report.to_json()
    assert payload["skipped"] == 10
    assert len(payload["errors"]) == 3  # type: ignore[arg-type]
    assert payload["errors_not_listed"] == 7


# -- de-duplication -------------------------------------------------------------------------


def test_importing_twice_adds_nothing(db, tmp_path: Path, count_rows) -> None:
    path = tmp_path / "export.csv"
    path.write_text(_csv_text(HEADER_ZH, ROWS_ZH), encoding="utf-8")
    first = ImportService(db).import_file(path)
    second = ImportService(db).import_file(path)
    assert (first.imported, first.already_present) == (len(ROWS_ZH), 0)
    assert (second.imported, second.already_present, second.skipped) == (0, len(ROWS_ZH), 0)
    assert count_rows(db) == len(ROWS_ZH)
    assert count_rows(db, Message) == len(ROWS_ZH)


def test_same_rows_in_another_encoding_are_already_present(db, tmp_path: Path, count_rows) -> None:
    utf8 = tmp_path / "a.csv"
    gbk = tmp_path / "b.csv"
    utf8.write_text(_csv_text(HEADER_ZH, ROWS_ZH), encoding="utf-8")
    gbk.write_text(_csv_text(HEADER_ZH, ROWS_ZH, newline="\n"), encoding="gbk")
    ImportService(db).import_file(utf8)
    report = ImportService(db).import_file(gbk)
    assert (report.imported, report.already_present) == (0, len(ROWS_ZH))
    assert count_rows(db) == len(ROWS_ZH)


@pytest.mark.parametrize("batch_size", [1000, 2], ids=["same-batch", "across-batches"])
def test_duplicate_row_inside_one_file(db, tmp_path: Path, count_rows, batch_size: int) -> None:
    rows = [ROWS_ZH[0], ROWS_ZH[1], ROWS_ZH[0], ROWS_ZH[2], ROWS_ZH[0]]
    path = tmp_path / "dupes.csv"
    path.write_text(_csv_text(HEADER_ZH, rows), encoding="utf-8")
    report = ImportService(db, batch_size=batch_size).import_file(path)
    assert (report.imported, report.already_present, report.skipped) == (3, 2, 0)
    assert count_rows(db) == 3


def test_same_external_id_is_the_same_ticket(db, tmp_path: Path, count_rows) -> None:
    path = tmp_path / "ids.csv"
    path.write_text("工单号,内容\nX-1,第一次\nX-1,内容不同但单号相同\nX-2,另一个\n", encoding="utf-8")
    report = ImportService(db).import_file(path)
    assert (report.imported, report.already_present) == (2, 1)
    assert [t.text for t in _imported(db)] == ["第一次", "另一个"]


# -- progress and cancelling ----------------------------------------------------------------


def _numbered_file(tmp_path: Path, rows: int) -> Path:
    path = tmp_path / "numbered.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("工单号,内容,创建时间\n")
        for number in range(rows):
            handle.write(f"N-{number:04d},第{number}个问题,2024-05-01 10:{number % 60:02d}:00\n")
    return path


def test_progress_reaches_one(db, tmp_path: Path) -> None:
    # Big enough (~150 KB) that the reader's position moves through the file batch by batch.
    path = _numbered_file(tmp_path, 4000)
    seen: list[ImportProgress] = []
    report = ImportService(db, batch_size=500).import_file(path, progress=seen.append)
    assert report.imported == 4000
    assert len(seen) == 9  # after each of the 8 full batches, and once at the end
    fractions = [p.fraction for p in seen]
    assert fractions == sorted(fractions)
    assert all(0.0 <= f <= 1.0 for f in fractions)
    assert fractions[0] < 0.5
    assert fractions[-1] == 1.0
    assert [p.imported for p in seen[:3]] == [500, 1000, 1500]
    assert (seen[-1].rows_read, seen[-1].imported) == (4000, 4000)


def test_progress_of_a_small_file_ends_at_one(db, tmp_path: Path) -> None:
    path = _numbered_file(tmp_path, 3)
    seen: list[ImportProgress] = []
    ImportService(db).import_file(path, progress=seen.append)
    assert [(p.rows_read, p.imported, p.fraction) for p in seen] == [(3, 3, 1.0)]


def test_progress_and_cancel_react_to_rows_read_even_when_all_are_bad(db, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("内容,创建时间\n" + "".join(f"第{n}行,不是时间\n" for n in range(50)), "utf-8")
    seen: list[ImportProgress] = []
    report = ImportService(db, batch_size=10).import_file(path, progress=seen.append, is_cancelled=lambda: True)
    assert report.cancelled
    assert report.skipped == 10 and report.imported == 0
    assert seen[0].rows_read == 10


def test_cancel_stops_after_a_batch_and_reimport_completes(db, tmp_path: Path, count_rows) -> None:
    path = _numbered_file(tmp_path, 35)
    checks = []

    def cancel_after_first_batch() -> bool:
        checks.append(True)
        return True

    report = ImportService(db, batch_size=10).import_file(path, is_cancelled=cancel_after_first_batch)
    assert report.cancelled
    assert len(checks) == 1
    assert report.imported == 10
    assert report.to_json()["cancelled"] is True
    assert count_rows(db) == 10

    again = ImportService(db, batch_size=10).import_file(path)
    assert not again.cancelled
    assert "cancelled" not in again.to_json()
    assert (again.imported, again.already_present) == (25, 10)
    assert count_rows(db) == 35
    with db.session() as session:
        external_ids = list(session.scalars(select(Ticket.external_id).order_by(Ticket.external_id)))
    assert external_ids == [f"N-{n:04d}" for n in range(35)]


def test_not_cancelled_imports_everything(db, tmp_path: Path) -> None:
    path = _numbered_file(tmp_path, 35)
    report = ImportService(db, batch_size=10).import_file(path, is_cancelled=lambda: False)
    assert (report.imported, report.cancelled) == (35, False)


def test_imported_ids_listed(db, tmp_path: Path) -> None:
    path = _numbered_file(tmp_path, 5)
    report = ImportService(db).import_file(path)
    assert report.imported_ids == [f"N-{n:04d}" for n in range(5)]


def test_undecodable_header_refuses_the_file(db, tmp_path: Path, count_rows) -> None:
    path = tmp_path / "bad-header.csv"
    body = _csv_text(HEADER_ZH, ROWS_ZH).encode("utf-8")
    path.write_bytes(body.replace("内容".encode(), "内容".encode() + b"\xff", 1))
    with pytest.raises(ImportFileError, match="line 1: the header is not valid utf-8 text"):
        ImportService(db).import_file(path)
    assert count_rows(db) == 0


def test_rows_the_database_refuses_are_isolated(db, tmp_path: Path, monkeypatch, count_rows) -> None:
    """When a batch insert fails, the rows are retried one by one: only the refused row is
    reported (with its line), the rest of the batch lands."""
    from sqlalchemy.exc import IntegrityError

    from desktop_app.store.tickets import TicketRepository

    original = TicketRepository.insert_many

    def picky_insert(self, tickets):  # type: ignore[no-untyped-def]
        if any("POISON" in t.text for t in tickets):
            raise IntegrityError("INSERT INTO tickets", {}, Exception("CHECK constraint failed"))
        return original(self, tickets)

    monkeypatch.setattr(TicketRepository, "insert_many", picky_insert)
    path = tmp_path / "poison.csv"
    path.write_text("工单号,内容\nP-1,好的\nP-2,POISON\nP-3,也好\n", encoding="utf-8")
    report = ImportService(db).import_file(path)
    assert (report.imported, report.skipped) == (2, 1)
    assert [e.line for e in report.errors] == [3]
    assert "database refused the row" in report.errors[0].reason
    assert "CHECK constraint failed" in report.errors[0].reason
    assert count_rows(db) == 2
    assert report.imported_ids == ["P-1", "P-3"]
