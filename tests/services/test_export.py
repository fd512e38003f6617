"""CSV/XLSX export: supervisors only, audited, masked, formula-injection escaped (OWASP)."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from desktop_app.services.access import User
from desktop_app.services.audit import AuditService
from desktop_app.services.export import FORMULA_PREFIXES, escape_formula, export_rows
from desktop_app.store.database import Database

DANGEROUS = ["=1+1", "+1", "-2+3", "@SUM(A1)", "\t=cmd", "\r=cmd", '=HYPERLINK("http://x","点我")', "＝1+1"]
HEADERS = ["工单", "内容", "数量", "时间"]
WHEN = datetime(2024, 5, 1, 8, 30)


def _rows() -> list[list[object]]:
    return [[f"T-{i}", text, -5, WHEN] for i, text in enumerate(DANGEROUS)] + [["T-x", "电话13812345678", 3, None]]


@pytest.mark.parametrize("value", DANGEROUS)
def test_escape_formula(value: str) -> None:
    assert escape_formula(value) == "'" + value


@settings(max_examples=100)
@given(st.text())
def test_escaped_cells_never_start_with_a_formula_character(value: str) -> None:
    escaped = escape_formula(value)
    assert not escaped.startswith(FORMULA_PREFIXES)
    assert escaped.removeprefix("'") == value or escaped == value


def test_csv_export(db: Database, supervisor: User, tmp_path: Path) -> None:
    path = tmp_path / "view.csv"
    result = export_rows(db, supervisor, HEADERS, _rows(), path, "csv")
    assert (result.path, result.rows, result.masked) == (path, len(DANGEROUS) + 1, True)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads the BOM as UTF-8
    with path.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    assert table[0] == HEADERS
    assert [row[1] for row in table[1:-1]] == ["'" + value for value in DANGEROUS]
    assert table[1][2:] == ["-5", "2024-05-01 08:30:00"]  # numbers stay numbers
    assert table[-1][1] == "电话138****5678" and table[-1][3] == ""
    row = AuditService(db).read(supervisor, limit=1)[0]
    assert (row.action, row.detail) == (
        "export",
        {"format": "csv", "path": str(path.resolve()), "rows": len(DANGEROUS) + 1, "unmasked": False},
    )


def test_xlsx_export_reads_back_as_text(db: Database, supervisor: User, tmp_path: Path) -> None:
    path = tmp_path / "view.xlsx"
    export_rows(db, supervisor, HEADERS, [*_rows(), ["T-y", "bad\x00char", 1, None]], path, "xlsx")
    sheet = load_workbook(path).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == HEADERS
    for row, value in zip(sheet.iter_rows(min_row=2, max_row=len(DANGEROUS) + 1), DANGEROUS, strict=True):
        # XML turns a stored CR into LF on reading; the leading quote is what matters.
        assert row[1].value == "'" + value.replace("\r", "\n") and row[1].data_type == "s"
        assert row[2].value == -5 and row[2].data_type == "n"
        assert row[3].value == WHEN
    assert values[len(DANGEROUS) + 1][1] == "电话138****5678"
    assert values[-1][1] == "badchar"


# Control characters before a formula: XLSX cannot hold them, so they are stripped, and the
# formula escape must come after that (issue 13, item 8).
HIDDEN_FORMULAS = ['\x01=HYPERLINK("http://x","点我")', "\x01\x02+1", "\x1f@SUM(A1)", "\x00\x0b=1+1"]


@pytest.mark.parametrize("value", HIDDEN_FORMULAS)
def test_control_characters_do_not_unmask_a_formula_in_xlsx(
    db: Database, supervisor: User, tmp_path: Path, value: str
) -> None:
    path = tmp_path / "hidden.xlsx"
    export_rows(db, supervisor, [value], [[value]], path, "xlsx")
    sheet = load_workbook(path).active
    for cell in (sheet["A1"], sheet["A2"]):
        assert cell.data_type == "s", f"{value!r} became a {cell.data_type!r} cell"
        assert cell.value.startswith("'") and cell.value.lstrip("'").startswith(("=", "+", "@"))


@pytest.mark.parametrize("value", HIDDEN_FORMULAS)
def test_control_characters_before_a_formula_are_escaped_in_csv(
    db: Database, supervisor: User, tmp_path: Path, value: str
) -> None:
    path = tmp_path / "hidden.csv"
    export_rows(db, supervisor, ["内容"], [[value]], path, "csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        assert list(csv.reader(handle))[1] == ["'" + value]


def test_unmasked_export_is_recorded_as_such(db: Database, supervisor: User, tmp_path: Path) -> None:
    path = tmp_path / "raw.csv"
    export_rows(db, supervisor, ["内容"], [["电话13812345678"]], path, "csv", unmasked=True)
    assert "13812345678" in path.read_text(encoding="utf-8-sig")
    assert AuditService(db).read(supervisor, limit=1)[0].detail["unmasked"] is True


def test_failed_export_leaves_no_file_and_no_audit_row(db: Database, supervisor: User, tmp_path: Path) -> None:
    def rows():  # type: ignore[no-untyped-def]
        yield ["ok"]
        raise RuntimeError("disk full")

    folder = tmp_path / "exports"
    folder.mkdir()
    with pytest.raises(RuntimeError):
        export_rows(db, supervisor, ["a"], rows(), folder / "x.csv", "csv")
    assert list(folder.iterdir()) == []
    assert AuditService(db).count(supervisor) == 1  # only the account creation


def test_unknown_format(db: Database, supervisor: User, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="csv or xlsx"):
        export_rows(db, supervisor, ["a"], [], tmp_path / "x.ods", "ods")  # type: ignore[arg-type]
