"""Exporting a table (the supervisor's current view) to CSV or XLSX.

Supervisors only, audited. Two protections apply to every text cell:

* personal data is masked (``mask_text``, order numbers included) unless the supervisor
  asks for ``unmasked=True``, which the audit row records;
* formula injection (OWASP "CSV Injection"): a cell starting with ``=``, ``+``, ``-``,
  ``@``, tab or carriage return gets a leading ``'`` so that Excel, WPS or LibreOffice
  shows it as text instead of running it. Full-width ``＝ ＋ － ＠`` are escaped too,
  since Chinese input methods produce them and some spreadsheet versions evaluate them.
  The escape is the last step: XLSX cannot hold control characters, and once they are
  stripped ``\x01=HYPERLINK(…)`` would start with ``=``; a cell that only starts with
  one after leading control characters is escaped as well (for CSV, read by any tool).

Numbers, booleans and dates are written as such (they cannot carry a formula). CSV is
UTF-8 with a BOM so that Excel opens Chinese text correctly. The file is written beside
its target and renamed into place: a failed export leaves no half file.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
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


# Control characters a reader may drop before it looks for a formula (not tab and CR:
# those are formula prefixes themselves).
_CONTROL = "".join(chr(c) for c in (*range(0, 9), 11, 12, *range(14, 32), 127))


def escape_formula(value: str) -> str:
    """``value`` with a leading ``'`` when a spreadsheet would read it as a formula."""
    return "'" + value if value.lstrip(_CONTROL).startswith(FORMULA_PREFIXES) else value


def _cell(value: Cell, masked: bool, clean: Callable[[str], str] = str) -> Cell:
    """A cell as written: masked, then cleaned for the format (``clean``), then escaped, last."""
    if value is None or isinstance(value, bool | int | float | date):
        return value
    text = str(value)
    if masked:
        text = mask_text(text).masked
    return escape_formula(clean(text))


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

    def strip_illegal(text: str) -> str:
        return ILLEGAL_CHARACTERS_RE.sub("", text)

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("export")
    sheet.append([_cell(str(h), False, strip_illegal) for h in headers])
    count = 0
    for row in rows:
        sheet.append([_cell(v, masked, strip_illegal) for v in row])
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
