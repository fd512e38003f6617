"""Import reports never quote personal data raw (issue 13, item 9).

Reasons quote the cell that failed (``not a time: '…'``), and reports travel: ``--json``
output is piped into other tools, the GUI's dialog is screenshotted into bug reports. 200
seeded phones, ID numbers and bank cards, each in a cell that is refused with a quote of it,
must all come out masked.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from helpers.personal_data import leaked, seeded_personal_data

from desktop_app.services.importing import ImportFileError, ImportService

SEEDED = seeded_personal_data(200)


def _refused_rows_file(path: Path) -> Path:
    """Every row is refused with a reason that quotes a cell holding personal data."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["工单号", "内容", "创建时间", "状态"])
        for n, (_digits, cell) in enumerate(SEEDED):
            if n % 2:
                writer.writerow([f"P{n}", "有内容", cell, ""])  # not a time: '…'
            else:
                writer.writerow([f"P{n}", "有内容", "2024-05-01 10:00", cell])  # unknown status '…'
    return path


def test_no_seeded_number_appears_in_the_json_report(db, tmp_path: Path) -> None:
    report = ImportService(db).import_file(_refused_rows_file(tmp_path / "pii.csv"))
    assert (report.imported, report.skipped) == (0, 200)
    reasons = [e.reason for e in report.errors]
    assert sum(r.startswith("not a time: '") for r in reasons) == 100  # the cell is still quoted,
    assert sum(r.startswith("unknown status '") for r in reasons) == 100  # masked
    assert leaked(json.dumps(report.to_json(), ensure_ascii=False), SEEDED) == []


def test_message_roles_and_json_lines_are_masked_too(db, tmp_path: Path) -> None:
    path = tmp_path / "pii.jsonl"
    lines = [
        json.dumps({"id": f"J{n}", "messages": [{"role": cell, "text": "你好", "time": "2024-05-01 10:00"}]})
        for n, (_digits, cell) in enumerate(SEEDED[:60])
    ]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    report = ImportService(db).import_file(path)
    assert report.skipped == 60 and all("unknown role" in e.reason for e in report.errors)
    assert leaked(json.dumps(report.to_json(), ensure_ascii=False), SEEDED[:60]) == []


def test_a_file_error_naming_the_columns_is_masked(db, tmp_path: Path) -> None:
    """No header row: the first data row is taken for the column names, and they are listed."""
    path = tmp_path / "no-header.csv"
    digits, cell = SEEDED[0]
    path.write_text(f"{cell},{SEEDED[1][1]},2024-05-01\n", "utf-8")
    with pytest.raises(ImportFileError, match="no column holds the ticket text") as caught:
        ImportService(db).import_file(path)
    assert leaked(str(caught.value), SEEDED[:2]) == []


def test_redact_masks_glued_and_spaced_numbers_and_is_idempotent() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from desktop_app.services.importing.redact import redact

    assert redact("not a time: 'tel138 1234 5678'") == "not a time: 'tel138 **** **78'"
    assert redact("'No.11010519491231002X'") == "'No.110105********002X'"
    assert redact("'No.11010519491231002Y'") == "'No.110************02Y'"  # no valid ID: a digit run
    assert redact("not a time: '2024-05-01 25:00'") == "not a time: '2024-05-01 25:00'"  # dates stay readable

    @settings(max_examples=200, deadline=None)
    @given(st.text(st.sampled_from("0123456789 -abc电话*")))
    def idempotent(text: str) -> None:
        assert redact(redact(text)) == redact(text)

    idempotent()
