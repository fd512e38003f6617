"""Exporting a table (the supervisor's current view) to CSV or XLSX.

Supervisors only, audited. Two protections apply to every text cell:

* personal data is masked (``mask_text``, order numbers included) unless the supervisor
  asks for ``unmasked=True``, which the audit row records;
* formula injection (OWASP "CSV Injection"): a cell starting with ``=``, ``+``, ``-``,
  ``@``, tab or carriage return gets a leading ``'`` so that Excel, WPS or LibreOffice
  shows it as text instead of running it. Full-width ``＝ ＋ － ＠`` are escaped too,
  since Chinese input methods produce them and some spreadsheet versions evaluate them.

Numbers, booleans and dates are written as such (they cannot carry a formula). CSV is
UTF-8 with a BOM so that Excel opens Chinese text correctly. The file is written beside
its target and renamed into place: a failed export leaves no half file.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Literal

from desktop_app.nlp.privacy import mask_text
from desktop_app.services.access import User, require_supervisor
from desktop_app.services.audit import AuditAction
from desktop_app.store.audit import AuditRepository
from desktop_app.store.database import Database

__all__ = ["FORMULA_PREFIXES", "ExportFormat", "ExportResult", "escape_formula", "export_rows"]

ExportFormat = Literal["csv", "xlsx"]
Cell = str | int | float | bool | date | datetime | None
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: Path
    rows: int
    masked: bool


def escape_formula(value: str) -> str:
    """``value`` with a leading ``'`` when a spreadsheet would read it as a formula."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def _cell(value: Cell, masked: bool) -> Cell:
    if value is None or isinstance(value, bool | int | float | date):
        return value
    text = str(value)
    if masked:
        text = mask_text(text).masked
    return escape_formula(text)


def _write_csv(target: Path, headers: Sequence[str], rows: Iterable[Sequence[Cell]], masked: bool) -> int:
    count = 0
    with target.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([_cell(h, False) for h in headers])
        for row in rows:
            writer.writerow(["" if (c := _cell(v, masked)) is None else c for v in row])
            count += 1
    return count


def _write_xlsx(target: Path, headers: Sequence[str], rows: Iterable[Sequence[Cell]], masked: bool) -> int:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def clean(value: Cell) -> Cell:
        value = _cell(value, masked)
        return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("export")
    sheet.append([escape_formula(ILLEGAL_CHARACTERS_RE.sub("", str(h))) for h in headers])
    count = 0
    for row in rows:
        sheet.append([clean(v) for v in row])
        count += 1
    workbook.save(target)
    return count


def export_rows(
    db: Database,
    actor: User,
    headers: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    path: str | os.PathLike[str],
    fmt: ExportFormat,
    *,
    unmasked: bool = False,
) -> ExportResult:
    """Write ``headers`` and ``rows`` to ``path`` as ``fmt``; supervisors only, audited ('export')."""
    require_supervisor(actor, "导出数据", db)
    writers = {"csv": _write_csv, "xlsx": _write_xlsx}
    if fmt not in writers:
        raise ValueError(f"unknown export format {fmt!r}; expected csv or xlsx")
    target = Path(path)
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    temp = Path(temp_name)
    try:
        count = writers[fmt](temp, headers, rows, not unmasked)
        # Recorded before the file appears: an export may be logged and then fail, never the reverse.
        with db.session() as session:
            AuditRepository(session).append(
                actor.name,
                AuditAction.EXPORT,
                None,
                {"path": str(target.resolve()), "format": fmt, "rows": count, "unmasked": unmasked},
            )
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    return ExportResult(target, count, not unmasked)
