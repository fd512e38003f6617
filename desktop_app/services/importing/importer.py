"""Import a ticket export into the store: stream, validate, de-duplicate, commit in batches.

A bad row is reported with its line and skipped; it never aborts the file and never leaves
half a ticket behind (a ticket and its messages are written in one transaction). Importing
the same file again adds nothing: rows whose external id is present are counted apart.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from desktop_app.services.importing.fields import MappingError, parse_overrides
from desktop_app.services.importing.readers import FileFormatError, RawRow, RowError, open_source
from desktop_app.services.importing.records import RowInvalid, build_ticket
from desktop_app.domain.clock import utcnow
from desktop_app.store.database import Database
from desktop_app.domain.records import NewTicket
from desktop_app.store.tickets import TicketRepository

log = logging.getLogger(__name__)

BATCH_SIZE = 1000
PROGRESS_EVERY_ROWS = 1000  # progress and Cancel react per rows read, valid or not
MAX_REPORTED_ERRORS = 1000


class ImportFileError(ValueError):
    """The file cannot be imported at all (missing, unknown type or encoding, no text column)."""


class ImportCancelled(Exception):
    pass


@dataclass(frozen=True, slots=True)
class ImportProgress:
    rows_read: int
    imported: int
    fraction: float


@dataclass(slots=True)
class ImportReport:
    imported: int = 0
    already_present: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    cancelled: bool = False
    imported_ids: list[str] = field(default_factory=list, repr=False)

    def add_error(self, error: RowError) -> None:
        self.skipped += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(error)

    def to_json(self) -> dict[str, object]:
        result: dict[str, object] = {
            "imported": self.imported,
            "skipped": self.skipped,
            "already_present": self.already_present,
            "errors": [{"line": e.line, "reason": e.reason} for e in self.errors],
        }
        if self.skipped > len(self.errors):
            result["errors_not_listed"] = self.skipped - len(self.errors)
        if self.cancelled:
            result["cancelled"] = True
        return result


ProgressCallback = Callable[[ImportProgress], None]


class ImportService:
    def __init__(self, db: Database, batch_size: int = BATCH_SIZE) -> None:
        self.db = db
        self.batch_size = batch_size

    def import_file(
        self,
        path: Path,
        column_map: Sequence[str] = (),
        progress: ProgressCallback | None = None,
        is_cancelled: Callable[[], bool] = lambda: False,
    ) -> ImportReport:
        """Import ``path``; ``column_map`` holds ``COLUMN=FIELD`` overrides.

        Cancelling stops after the current batch: what was committed stays, and importing
        the file again picks up the rest without duplicates.
        """
        try:
            source = open_source(Path(path), parse_overrides(column_map))
        except (FileFormatError, MappingError) as exc:
            raise ImportFileError(str(exc)) from exc
        report = ImportReport()
        imported_at = utcnow()
        batch: list[tuple[int, NewTicket]] = []
        rows_read = last_line = 0
        try:
            rows = source.rows()
            while True:
                try:
                    item = next(rows)
                except StopIteration:
                    break
                except UnicodeDecodeError as exc:
                    # A damaged tail (e.g. UTF-16 cut at an odd byte): keep what was read.
                    report.add_error(
                        RowError(last_line + 1, f"the file is not valid {exc.encoding} text from here on; not read")
                    )
                    break
                rows_read += 1
                last_line = item.line
                if isinstance(item, RowError):
                    report.add_error(item)
                else:
                    ticket = self._validate(item, imported_at, report)
                    if ticket is not None:
                        batch.append((item.line, ticket))
                if len(batch) >= self.batch_size:
                    self._commit(batch, report)
                    batch.clear()
                if rows_read % min(self.batch_size, PROGRESS_EVERY_ROWS) == 0:
                    if progress:
                        progress(ImportProgress(rows_read, report.imported, source.fraction_done()))
                    if is_cancelled():
                        self._commit(batch, report)
                        report.cancelled = True
                        return report
            self._commit(batch, report)
        except FileFormatError as exc:
            raise ImportFileError(str(exc)) from exc
        finally:
            source.close()
            if report.imported:
                self.db.refresh_statistics()
        if progress:
            progress(ImportProgress(rows_read, report.imported, 1.0))
        return report

    @staticmethod
    def _validate(row: RawRow, imported_at: datetime, report: ImportReport) -> NewTicket | None:
        try:
            return build_ticket(row.fields, imported_at)
        except RowInvalid as exc:
            report.add_error(RowError(row.line, str(exc)))
            return None

    def _commit(self, batch: list[tuple[int, NewTicket]], report: ImportReport) -> None:
        if not batch:
            return
        unique: dict[str, tuple[int, NewTicket]] = {}
        for line, ticket in batch:
            if ticket.external_id in unique:
                report.already_present += 1
            else:
                unique[ticket.external_id] = (line, ticket)
        try:
            with self.db.session() as session:
                repo = TicketRepository(session)
                present = repo.existing_external_ids(list(unique))
                fresh = [t for eid, (_, t) in unique.items() if eid not in present]
                repo.insert_many(fresh)
        except SQLAlchemyError:
            log.warning("batch insert failed; retrying %d rows one by one", len(unique), exc_info=True)
            self._commit_one_by_one(list(unique.values()), report)
            return
        report.already_present += len(present)
        report.imported += len(fresh)
        report.imported_ids.extend(t.external_id for t in fresh)

    def _commit_one_by_one(self, rows: list[tuple[int, NewTicket]], report: ImportReport) -> None:
        """Isolate the rows the database refuses so that the others still land."""
        for line, ticket in rows:
            try:
                with self.db.session() as session:
                    repo = TicketRepository(session)
                    if repo.existing_external_ids([ticket.external_id]):
                        report.already_present += 1
                        continue
                    repo.insert_many([ticket])
            except SQLAlchemyError as exc:
                reason = getattr(exc, "orig", None) or exc
                report.add_error(RowError(line, f"database refused the row: {reason}"))
                continue
            report.imported += 1
            report.imported_ids.append(ticket.external_id)
