"""The importer's fault and fuzz suite (issue 13, item 2).

Every bad input named here once gave a traceback or lost good rows. Each must now be a
per-row error (the line where the row starts, and a reason) or one clear file error, and
every good row around it must land. The hypothesis half feeds generated rows, good and
bad, and checks the same two promises: no exception escapes the import, no good row is lost.
"""

from __future__ import annotations

import csv
import io
import json
import struct
import time
import uuid
import zipfile
import zlib
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import select

from desktop_app.services.importing import ImportFileError, ImportReport, ImportService
from desktop_app.services.importing.readers import MAX_XLSX_RATIO, XLSX_RATIO_FLOOR
from desktop_app.store.database import Database
from desktop_app.store.schema import Ticket

GOOD_TIME = "2024-05-01 10:00:00"


def _ids(db: Database) -> set[str]:
    with db.session() as session:
        return set(session.scalars(select(Ticket.external_id)))


def _texts(db: Database) -> dict[str, str]:
    with db.session() as session:
        return {external_id: text for external_id, text in session.execute(select(Ticket.external_id, Ticket.text))}


def _good(n: int, prefix: str = "G") -> str:
    return json.dumps({"id": f"{prefix}{n}", "text": f"第{n}个问题", "created_at": GOOD_TIME}, ensure_ascii=False)


def _jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def _sandwich(db: Database, tmp_path: Path, bad: str) -> ImportReport:
    """A good line, the bad one (line 2), a good line."""
    return ImportService(db).import_file(_jsonl(tmp_path / "bad.jsonl", [_good(1), bad, _good(2)]))


def _assert_only_line_2_refused(db: Database, report: ImportReport, *words: str) -> None:
    assert (report.imported, report.skipped) == (2, 1), report.errors
    assert report.errors[0].line == 2
    assert all(w in report.errors[0].reason for w in words), report.errors[0].reason
    assert _ids(db) == {"G1", "G2"}


# -- times out of range ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "literal",
    [
        "1e20",  # OSError: Value too large
        "253402300800000",  # year 10000 in epoch milliseconds
        str(2**63),
        "Infinity",
        "-Infinity",
        "NaN",
        "1e300",
        "-1e20",
        "9" * 400,  # an int no float holds
        '"0001-01-01 00:00:00"',
        '"9999-12-31T23:59:59+14:00"',
        '"1000-01-01"',
    ],
)
def test_a_time_out_of_range_is_a_row_error(db, tmp_path: Path, literal: str) -> None:
    bad = '{"id": "B", "text": "坏时间", "created_at": ' + literal + "}"
    _assert_only_line_2_refused(db, _sandwich(db, tmp_path, bad), "time")


def test_a_message_time_out_of_range_is_a_row_error(db, tmp_path: Path) -> None:
    bad = '{"id": "B", "messages": [{"role": "customer", "text": "你好", "time": 1e20}]}'
    _assert_only_line_2_refused(db, _sandwich(db, tmp_path, bad), "messages[0]", "time out of range")


def _xlsx(path: Path, rows: list[list[object]], date_cells: tuple[str, ...] = ()) -> Path:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for coordinate in date_cells:
        sheet[coordinate].number_format = "yyyy-mm-dd hh:mm"
    book.save(path)
    return path


# openpyxl warns for a date serial it cannot convert (and reads it as #VALUE!); the readers
# module silences that warning, but pytest's "error" filter is applied after it, per test.
OPENPYXL_DATE_WARNING = "ignore:Cell .* is marked as a date but the serial value"


@pytest.mark.filterwarnings(OPENPYXL_DATE_WARNING)
def test_xlsx_dates_out_of_range_are_row_errors(db, tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path / "dates.xlsx",
        [
            ["工单号", "内容", "创建时间"],
            ["G1", "好的", datetime(2024, 5, 1, 10)],
            ["B1", "公元一年", datetime(1, 1, 1)],
            ["B2", "序列号 1e300", 1e300],  # openpyxl cannot convert it: #VALUE!
            ["B3", "九九九九年", datetime(9999, 12, 31, 23, 59)],
            ["G2", "也好", datetime(2024, 5, 2, 10)],
        ],
        date_cells=("C4",),
    )
    report = ImportService(db).import_file(path)
    assert (report.imported, report.skipped) == (2, 3)
    reasons = {e.line: e.reason for e in report.errors}
    assert sorted(reasons) == [3, 4, 5]
    assert reasons[3].startswith("time out of range: '0001-01-01T00:00:00'")
    assert "#VALUE!" in reasons[4] and "time out of range" in reasons[5]
    assert _ids(db) == {"G1", "G2"}


# -- JSON that Python's parser refuses with something else than a JSONDecodeError -------------


def test_json_nested_100000_deep_is_a_row_error(db, tmp_path: Path) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    path = _jsonl(tmp_path / "deep.jsonl", [_good(1), deep, '{"text": ' + deep + "}", _good(2)])
    report = ImportService(db).import_file(path)
    assert [(e.line, e.reason) for e in report.errors] == [
        (2, "invalid JSON: nested too deeply"),
        (3, "invalid JSON: nested too deeply"),
    ]
    assert report.imported == 2 and _ids(db) == {"G1", "G2"}


@pytest.mark.parametrize("field", ["created_at", "order_id", "text"])
def test_json_integers_of_4301_digits_are_a_row_error(db, tmp_path: Path, field: str) -> None:
    bad = f'{{"id": "B", "text": "x", "{field}": {"7" * 4301}}}'
    _assert_only_line_2_refused(db, _sandwich(db, tmp_path, bad), "4,300 digits")


@pytest.mark.parametrize(
    "bad",
    [
        r'{"id": "B", "text": "半个字符 \ud800 在这"}',
        r'{"id": "B", "text": "低半 \udfff", "customer": "x"}',
        r'{"id": "B", "text": "好", "customer": "\ud83d"}',
        r'{"id": "B", "messages": [{"role": "customer", "text": "消息 \udc00"}]}',
    ],
)
def test_lone_surrogate_escapes_are_a_row_error(db, tmp_path: Path, bad: str) -> None:
    _assert_only_line_2_refused(db, _sandwich(db, tmp_path, bad), "lone surrogate")


def test_a_surrogate_pair_escape_is_a_character(db, tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "emoji.jsonl", [r'{"id": "E", "text": "好评 \ud83d\ude00"}'])
    assert ImportService(db).import_file(path).imported == 1
    assert _texts(db) == {"E": "好评 😀"}


# -- encodings -------------------------------------------------------------------------------


def test_utf16_bom_and_one_byte_is_one_clear_error(db, tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_bytes(b"\xff\xfeA")
    with pytest.raises(ImportFileError, match="^line 1: the header is not valid utf-16 text$"):
        ImportService(db).import_file(path)


def test_utf16_with_an_odd_byte_count_keeps_every_whole_row(db, tmp_path: Path) -> None:
    text = "工单号,内容\r\n" + "".join(f"U{n},第{n}个问题\r\n" for n in range(50))
    path = tmp_path / "cut.csv"
    path.write_bytes(text.encode("utf-16")[:-1])  # the last line break loses its second byte
    report = ImportService(db).import_file(path)
    assert report.imported == 50 and _ids(db) == {f"U{n}" for n in range(50)}
    assert [(e.line, "not valid utf-16" in e.reason) for e in report.errors] == [(52, True)]


def _utf8_rows(count: int) -> bytes:
    return ("工单号,内容,创建时间\n" + "".join(f"N{n},第{n}个问题,{GOOD_TIME}\n" for n in range(count))).encode()


@pytest.mark.parametrize("where", ["after an even line end", "after an odd line end", "inside a row"])
def test_utf8_with_a_run_of_nul_bytes_keeps_all_200_rows(db, tmp_path: Path, where: str) -> None:
    data = _utf8_rows(200)
    ends = [i for i, byte in enumerate(data) if byte == 0x0A and i > 1000]
    if where == "inside a row":
        cut = ends[0] - 5
    else:
        cut = 1 + next(i for i in ends if i % 2 == (0 if "even" in where else 1))
    path = tmp_path / "nul.csv"
    path.write_bytes(data[:cut] + b"\x00" * 4096 + data[cut:])
    report = ImportService(db).import_file(path)
    assert (report.imported, report.skipped) == (200, 0), report.errors
    assert "\x00" not in "".join(_texts(db).values())


def test_gbk_rows_after_the_first_mib_are_read_as_gbk(db, tmp_path: Path) -> None:
    head = "".join(f"A{n},order number {n:07d} never arrived,{GOOD_TIME}\n" for n in range(30_000))
    tail = "".join(f"K{n},第{n}个问题：退款还没到账,{GOOD_TIME}\n" for n in range(50))
    path = tmp_path / "appended.csv"
    path.write_bytes(("工单号,内容,创建时间\n" + head).encode() + tail.encode("gbk"))
    assert path.stat().st_size > 1 << 20
    report = ImportService(db).import_file(path)
    assert (report.imported, report.skipped) == (30_050, 0), report.errors[:3]
    assert _texts(db)["K7"] == "第7个问题：退款还没到账"


def test_a_damaged_utf8_character_is_still_a_row_error_not_gbk(db, tmp_path: Path) -> None:
    path = tmp_path / "damaged.csv"
    path.write_bytes(_utf8_rows(3).replace("第1个问题".encode(), "第1个问题".encode()[:-1] + b"\xff"))
    report = ImportService(db).import_file(path)
    assert report.imported == 2
    assert [(e.line, "not valid utf-8 text (nor GBK)" in e.reason) for e in report.errors] == [(3, True)]


def test_an_explicit_encoding_overrides_detection(db, tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes("id,text\nE1,发票抬头开错了\n".encode("gbk"))
    wrong = ImportService(db).import_file(path, encoding="latin-1")  # every byte decodes: mojibake
    assert wrong.imported == 1 and _texts(db)["E1"] != "发票抬头开错了"
    path.write_bytes("id,text\nE2,发票抬头开错了\n".encode("gbk"))
    assert ImportService(db).import_file(path, encoding="gbk").imported == 1
    assert _texts(db)["E2"] == "发票抬头开错了"
    with pytest.raises(ImportFileError, match="unknown encoding 'klingon'"):
        ImportService(db).import_file(path, encoding="klingon")


# -- an unclosed quote -----------------------------------------------------------------------


def _csv_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "quotes.csv"
    path.write_text(text, "utf-8")
    return path


def test_an_unclosed_quote_is_reported_and_the_rows_after_it_recovered(db, tmp_path: Path) -> None:
    rows = "".join(f"Q{n},第{n}个问题\n" for n in range(2, 7))  # lines 4-8
    path = _csv_file(tmp_path, "工单号,内容\nQ1,好的\nB,\"没有闭合的引号\n" + rows)
    report = ImportService(db).import_file(path)
    assert [(e.line, e.reason) for e in report.errors] == [
        (3, "a quoted field starting on line 3 is not closed: it ran on for 6 lines, to line 8; "
         "lines 4–8 were read again as rows"),
    ]
    assert report.imported == 6 and _ids(db) == {f"Q{n}" for n in range(1, 7)}


def test_an_unclosed_quote_in_a_one_column_file(db, tmp_path: Path) -> None:
    path = _csv_file(tmp_path, "内容\n好的\n\"没闭合\n第二个\n第三个\n")
    report = ImportService(db).import_file(path)
    assert [e.line for e in report.errors] == [3] and "to line 5" in report.errors[0].reason
    assert sorted(_texts(db).values()) == sorted(["好的", "第二个", "第三个"])


def test_a_stray_quote_closed_by_a_later_one_does_not_swallow_the_rows_between(db, tmp_path: Path) -> None:
    text = '工单号,内容\nQ1,好的\nB,"开了引号\nQ2,第二个\nQ3,他说 "好的" 然后\nQ4,第四个\n'
    report = ImportService(db).import_file(_csv_file(tmp_path, text))
    assert [e.line for e in report.errors] == [3]
    assert _texts(db) == {"Q1": "好的", "Q2": "第二个", "Q3": '他说 "好的" 然后', "Q4": "第四个"}


def test_a_long_multiline_cell_is_not_taken_for_an_unclosed_quote(db, tmp_path: Path) -> None:
    cell = "\n".join(f"第{n}行,带逗号" for n in range(20))
    text = f'工单号,内容,创建时间\nM1,"{cell}",{GOOD_TIME}\nM2,短的,{GOOD_TIME}\n'
    report = ImportService(db).import_file(_csv_file(tmp_path, text))
    assert (report.imported, report.skipped) == (2, 0)
    assert _texts(db)["M1"] == cell


def test_many_unclosed_quotes_stay_linear(db, tmp_path: Path) -> None:
    """Every line opens a quote: each re-read is bounded, the import finishes promptly."""
    lines = "".join(f'"R{n},坏\n' for n in range(3000))
    started = time.perf_counter()
    report = ImportService(db).import_file(_csv_file(tmp_path, "工单号,内容\n" + lines + "G1,好\n"))
    assert time.perf_counter() - started < 60
    assert "G1" in _ids(db) and report.imported > 1


# -- XLSX: zip bombs and cut-off sheets --------------------------------------------------------


def _deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def _write_zip(path: Path, members: list[tuple[str, bytes, int, int]]) -> None:
    """A zip of already deflated members (name, deflated, size, crc), written by hand so
    that a member can unpack to far more than was ever held in memory here."""
    central = []
    with path.open("wb") as out:
        for name, deflated, size, crc in members:
            encoded, offset = name.encode(), out.tell()
            local = (0x04034B50, 20, 0, 8, 0, 0x21, crc, len(deflated), size, len(encoded), 0)
            out.write(struct.pack("<IHHHHHIIIHH", *local))
            out.write(encoded + deflated)
            fixed = (0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(deflated), size, len(encoded), 0, 0, 0, 0, 0, offset)
            central.append(struct.pack("<IHHHHHHIIIHHHHHII", *fixed) + encoded)
        directory = b"".join(central)
        start = out.tell()
        end = (0x06054B50, 0, 0, len(central), len(central), len(directory), start, 0)
        out.write(directory + struct.pack("<IHHHHIIH", *end))


def _bomb(tmp_path: Path, chunks: int) -> Path:
    """A real workbook whose sheet holds one cell of ``chunks`` × 16 MiB of text."""
    small = _xlsx(tmp_path / "small.xlsx", [["内容"], ["好的"]])
    with zipfile.ZipFile(small) as archive:
        members = [
            (info.filename, _deflate(data := archive.read(info.filename)), len(data), zlib.crc32(data))
            for info in archive.infolist()
            if info.filename != "xl/worksheets/sheet1.xml"
        ]
    head = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>text</t></is></c></row>'
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>'
    )
    tail = b"</t></is></c></row></sheetData></worksheet>"
    chunk = b"A" * (16 << 20)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    # After a full flush the packer starts afresh, so one packed chunk repeats byte for byte.
    start = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    stream = start + block * chunks + packer.compress(tail) + packer.flush()
    size = len(head) + len(chunk) * chunks + len(tail)
    # The CRC is left 0: zipfile checks it only after unpacking everything, too late for memory.
    members.append(("xl/worksheets/sheet1.xml", stream, size, 0))
    path = tmp_path / "bomb.xlsx"
    _write_zip(path, members)
    return path


def test_an_xlsx_zip_bomb_of_2_gib_is_refused_at_once(db, tmp_path: Path) -> None:
    path = _bomb(tmp_path, chunks=127)  # 2 GiB of XML
    assert path.stat().st_size < 4 << 20
    started = time.perf_counter()
    with pytest.raises(ImportFileError, match=r"unpacks to 2,032 MiB.*zip bomb"):
        ImportService(db).import_file(path)
    assert time.perf_counter() - started < 5


def test_an_xlsx_packed_far_tighter_than_any_sheet_is_refused(db, tmp_path: Path) -> None:
    path = _bomb(tmp_path, chunks=2)  # 32 MiB, under the size cap, but packed ~1000 times
    with zipfile.ZipFile(path) as archive:
        sheet = archive.getinfo("xl/worksheets/sheet1.xml")
    assert sheet.file_size > XLSX_RATIO_FLOOR and sheet.file_size / sheet.compress_size > MAX_XLSX_RATIO
    with pytest.raises(ImportFileError, match=r"sheet1.xml unpacks [\d,]+ times its packed size"):
        ImportService(db).import_file(path)


def _cut_sheet(tmp_path: Path, rows: int, keep: float) -> Path:
    full = _xlsx(tmp_path / "full.xlsx", [["工单号", "内容"], *([f"X{n}", f"第{n}个问题"] for n in range(rows))])
    path = tmp_path / "cut.xlsx"
    with zipfile.ZipFile(full) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data[: int(len(data) * keep)]
            target.writestr(info.filename, data)
    return path


def test_a_cut_off_sheet_keeps_its_readable_rows(db, tmp_path: Path) -> None:
    report = ImportService(db).import_file(_cut_sheet(tmp_path, rows=2000, keep=0.5))
    assert 900 < report.imported < 1100
    assert _ids(db) == {f"X{n}" for n in range(report.imported)}  # every row before the cut
    assert report.skipped == 1
    assert report.errors[0].line == report.imported + 2
    assert report.errors[0].reason.startswith("the worksheet cannot be read from here on (ParseError")


def test_a_workbook_cut_short_is_one_clear_error(db, tmp_path: Path) -> None:
    full = _xlsx(tmp_path / "full.xlsx", [["内容"], *([f"第{n}个问题"] for n in range(500))])
    path = tmp_path / "short.xlsx"
    path.write_bytes(full.read_bytes()[: full.stat().st_size * 2 // 3])
    with pytest.raises(ImportFileError, match="^not a readable XLSX workbook \\(damaged or cut short\\)"):
        ImportService(db).import_file(path)


# -- generated rows ----------------------------------------------------------------------------

FUZZ = settings(
    max_examples=40,
    deadline=None,
    # One database for all examples: every example's ids carry a prefix of their own.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

_no_nul_or_surrogate = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
_plain_text = st.text(_no_nul_or_surrogate, min_size=1, max_size=40).filter(lambda t: t.strip() != "")
_good_times = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1))
_json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.datetimes().map(lambda d: d.isoformat()),
)
_json_values = st.recursive(
    _json_scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
)
_fields = ("id", "text", "created_at", "status", "customer", "order_id", "messages", "内容", "创建时间")


@st.composite
def _garbage_line(draw: st.DrawFn) -> str:
    """A JSONL line that may be anything: a JSON object of odd values, broken JSON, escapes."""
    kind = draw(st.sampled_from(["object", "json", "text", "deep", "digits", "surrogate"]))
    if kind == "object":
        obj = draw(st.dictionaries(st.sampled_from(_fields), _json_values, max_size=6))
        if "id" in obj:
            obj["id"] = f"bad-{obj['id']!r}"[:150]  # never one of the good ids
        return json.dumps(obj, ensure_ascii=draw(st.booleans()), allow_nan=True)
    if kind == "json":
        return json.dumps(draw(_json_values), allow_nan=True)
    if kind == "text":
        return draw(st.text(st.characters(blacklist_characters="\n\r\x00", blacklist_categories=("Cs",)), max_size=60))
    if kind == "deep":
        depth = draw(st.integers(min_value=900, max_value=5000))
        return '{"text": ' + "[" * depth + "]" * depth + "}"
    if kind == "digits":
        return '{"text": "x", "created_at": %s}' % ("9" * draw(st.integers(min_value=4300, max_value=5000)))
    escape = draw(st.sampled_from([r"\ud800", r"\udbff\u0041", r"a\udfffb", r"\ud83d"]))
    return '{"text": "' + escape + '"}'


@st.composite
def _good_row(draw: st.DrawFn) -> dict[str, object]:
    return {
        "text": draw(_plain_text),
        "created_at": draw(_good_times).strftime("%Y-%m-%d %H:%M:%S"),
        "status": draw(st.sampled_from(["", "new", "open", "已解决", "处理中"])),
        "customer": draw(st.text(_no_nul_or_surrogate, max_size=20)),
    }


def _fresh_prefix() -> str:
    return f"F{uuid.uuid4().hex[:10]}-"


@FUZZ
@given(
    good=st.lists(_good_row(), min_size=1, max_size=8),
    garbage=st.lists(_garbage_line(), max_size=8),
    data=st.data(),
)
def test_jsonl_good_lines_survive_any_garbage(db, tmp_path: Path, good, garbage, data) -> None:  # type: ignore[no-untyped-def]
    prefix = _fresh_prefix()
    lines = [json.dumps({"id": f"{prefix}{n}", **row}, ensure_ascii=False) for n, row in enumerate(good)]
    order = data.draw(st.permutations(lines + garbage))
    path = tmp_path / f"{prefix}.jsonl"
    path.write_text("\n".join(order) + "\n", "utf-8")
    report = ImportService(db).import_file(path)
    wanted = {f"{prefix}{n}" for n in range(len(good))}
    assert wanted <= set(report.imported_ids), report.errors
    assert report.imported + report.skipped + report.already_present == sum(1 for line in order if line.strip())


_BAD_CSV_ROWS = st.sampled_from(["no text", "bad time", "bad status", "short", "long", "bad bytes", "nul run"])


@FUZZ
@given(
    good=st.lists(_good_row(), min_size=1, max_size=8),
    bad=st.lists(st.tuples(_BAD_CSV_ROWS, st.text(max_size=20)), max_size=8),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
    delimiter=st.sampled_from([",", "\t"]),
    data=st.data(),
)
def test_csv_good_rows_survive_bad_rows(db, tmp_path: Path, good, bad, encoding, delimiter, data) -> None:  # type: ignore[no-untyped-def]
    prefix = _fresh_prefix()
    header = ["工单号", "内容", "创建时间", "状态", "买家昵称"]
    rows: list[list[str] | bytes] = [
        [f"{prefix}{n}", r["text"], r["created_at"], r["status"], r["customer"]] for n, r in enumerate(good)
    ]
    for n, (kind, junk) in enumerate(bad):
        ident = f"bad-{prefix}{n}"
        rows.append(
            {
                "no text": [ident, "", GOOD_TIME, "", junk],
                "bad time": [ident, "x", junk + "年", "", ""],
                "bad status": [ident, "x", GOOD_TIME, "飞走了" + junk, ""],
                "short": [ident, junk],
                "long": [ident, "x", GOOD_TIME, "", "", "多余" + junk],
                "bad bytes": b"\xff\xfe\xfd",
                "nul run": [ident, "x\x00\x00\x00\x00" + junk, GOOD_TIME, "", ""],
            }[kind]
        )
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    chunks: list[bytes] = [buffer.getvalue().encode(encoding)]
    body_encoding = "utf-16-le" if encoding == "utf-16" else encoding.replace("-sig", "")
    for row in data.draw(st.permutations(rows)):
        if isinstance(row, bytes):
            if encoding == "utf-16":  # raw bytes would shift every code unit after them
                continue
            chunks.append(row + b"\r\n")
            continue
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerow(row)
        chunks.append(buffer.getvalue().encode(body_encoding))
    path = tmp_path / f"{prefix}.csv"
    path.write_bytes(b"".join(chunks))
    report = ImportService(db).import_file(path)
    wanted = {f"{prefix}{n}" for n in range(len(good))}
    assert wanted <= set(report.imported_ids), (encoding, report.errors)


@FUZZ
@given(raw=st.binary(max_size=400), suffix=st.sampled_from([".csv", ".jsonl", ".xlsx"]))
def test_arbitrary_bytes_never_raise_anything_but_a_file_error(db, tmp_path: Path, raw: bytes, suffix: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / f"{_fresh_prefix()}{suffix}"
    path.write_bytes(raw)
    try:
        report = ImportService(db).import_file(path)
    except ImportFileError as exc:
        assert "\n" not in str(exc)  # one line
    else:
        assert report.imported + report.skipped + report.already_present >= 0


_xlsx_cells = st.one_of(
    st.none(),
    st.integers(min_value=-(2**62), max_value=2**62),
    st.floats(allow_nan=False, allow_infinity=False),
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)),
    st.booleans(),
    st.text(max_size=20).map(lambda t: ILLEGAL_CHARACTERS_RE.sub("", t)).filter(lambda t: not t.startswith("=")),
)


@pytest.mark.filterwarnings(OPENPYXL_DATE_WARNING)
@FUZZ
@given(
    good=st.lists(st.tuples(_plain_text, _good_times), min_size=1, max_size=6),
    bad=st.lists(st.tuples(_xlsx_cells, _xlsx_cells, st.booleans()), max_size=6),
    data=st.data(),
)
def test_xlsx_good_rows_survive_odd_cells(db, tmp_path: Path, good, bad, data) -> None:  # type: ignore[no-untyped-def]
    prefix = _fresh_prefix()
    # Cell text as a spreadsheet holds it: no control characters, no formula (openpyxl writes
    # "=…" as one, and a formula has no value until a spreadsheet program computes it).
    rows: list[list[object]] = [
        [f"{prefix}{n}", ILLEGAL_CHARACTERS_RE.sub("", text).lstrip("=").strip() or "内容", when]
        for n, (text, when) in enumerate(good)
    ]
    rows += [[f"bad-{prefix}{n}", text, when] for n, (text, when, _) in enumerate(bad)]
    order = data.draw(st.permutations(rows))
    floats = [i for i, row in enumerate(order) if isinstance(row[2], float)]
    date_cells = tuple(f"C{i + 2}" for i in floats if data.draw(st.booleans()))
    path = _xlsx(tmp_path / f"{prefix}.xlsx", [["工单号", "内容", "创建时间"], *order], date_cells)
    report = ImportService(db).import_file(path)
    wanted = {f"{prefix}{n}" for n in range(len(good))}
    assert wanted <= set(report.imported_ids), report.errors


def test_the_campaign_times_cover_the_edges_of_the_window() -> None:
    """The window the time checks keep: a ticket from 1990 or 2090 is fine (the generated
    good rows rely on it), 1979 and 2100 are not."""
    from desktop_app.services.importing.records import RowInvalid, parse_time

    for fine in ("1990-01-01 00:00:00", "2090-01-01 00:00:00", datetime(1980, 1, 2)):
        parse_time(fine)
    for bad in ("1979-12-31 00:00:00", "2100-01-01 00:00:00", datetime(1, 1, 1) + timedelta(days=1)):
        with pytest.raises(RowInvalid, match="time out of range"):
            parse_time(bad)
