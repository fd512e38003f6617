"""Import a ticket export into the store: stream, validate, de-duplicate, commit in batches.

A bad row is reported with its line and skipped; it never aborts the file and never leaves
half a ticket behind (a ticket and its messages are written in one transaction). Importing
the same file again adds nothing: rows whose external id is present are counted apart.
Reasons quote cells, and reports travel (``--json`` output, the GUI's dialog, bug reports),
so every reason and file error is masked (``redact``): phones, IDs, cards never appear.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from desktop_app.services.importing.redact import redact
from desktop_app.services.importing.fields import MappingError, parse_overrides
from desktop_app.services.importing.readers import FileFormatError, RawRow, RowError, open_source
from desktop_app.services.importing.records import RowInvalid, build_ticket
from desktop_app.domain.clock import utcnow
from desktop_app.store.database import Database
from desktop_app.domain.records import NewTicket
from desktop_app.services.tickets import add_messages
from desktop_app.store.tickets import TicketRepository

log = logging.getLogger(__name__)

BATCH_SIZE = 1000
PROGRESS_EVERY_ROWS = 1000  # progress and Cancel react per rows read, valid or not
MAX_REPORTED_ERRORS = 1000


class ImportFileError(ValueError):
    """The file cannot be imported at all (missing, unknown type or encoding, no text column)."""


def _file_error(exc: Exception) -> ImportFileError:
    # Masked too: a file without a header row names its first data row as the columns.
    return ImportFileError(redact(str(exc)))


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
    updated: int = 0  # present tickets whose conversation grew: new messages appended
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    cancelled: bool = False
    imported_ids: list[str] = field(default_factory=list, repr=False)

    def add_error(self, error: RowError) -> None:
        self.skipped += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(RowError(error.line, redact(error.reason)))

    def to_json(self) -> dict[str, object]:
        result: dict[str, object] = {
            "imported": self.imported,
            "skipped": self.skipped,
            "already_present": self.already_present,
            "errors": [{"line": e.line, "reason": e.reason} for e in self.errors],
        }
        if self.skipped > len(self.errors):
            result["errors_not_listed"] = self.skipped - len(self.errors)
        if self.updated:
            result["updated"] = self.updated
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
        encoding: str | None = None,
    ) -> ImportReport:
        """Import ``path``; ``column_map`` holds ``COLUMN=FIELD`` overrides, ``encoding``
        overrides the detected text encoding (CSV, JSONL).

        Cancelling stops after the current batch: what was committed stays, and importing
        the file again picks up the rest without duplicates.
        """
        try:
            source = open_source(Path(path), parse_overrides(column_map), encoding)
        except (FileFormatError, MappingError) as exc:
            raise _file_error(exc) from exc
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
            raise _file_error(exc) from exc
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
        except Exception as exc:  # a value no check foresaw: it costs this row, never the file
            log.warning("line %d: unexpected %s while validating", row.line, type(exc).__name__, exc_info=True)
            report.add_error(RowError(row.line, f"cannot read this row ({type(exc).__name__})"))
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
                present = repo.ids_by_external_id(list(unique))
                fresh = [t for eid, (_, t) in unique.items() if eid not in present]
                repo.insert_many(fresh)
                grown = _append_new_messages(session, present, [t for _, t in unique.values()])
        except SQLAlchemyError:
            log.warning("batch insert failed; retrying %d rows one by one", len(unique), exc_info=True)
            self._commit_one_by_one(list(unique.values()), report)
            return
        report.already_present += len(present) - grown
        report.updated += grown
        report.imported += len(fresh)
        report.imported_ids.extend(t.external_id for t in fresh)

    def _commit_one_by_one(self, rows: list[tuple[int, NewTicket]], report: ImportReport) -> None:
        """Isolate the rows the database refuses so that the others still land."""
        for line, ticket in rows:
            try:
                with self.db.session() as session:
                    repo = TicketRepository(session)
                    present = repo.ids_by_external_id([ticket.external_id])
                    if present:
                        if _append_new_messages(session, present, [ticket]):
                            report.updated += 1
                        else:
                            report.already_present += 1
                        continue
                    repo.insert_many([ticket])
            except SQLAlchemyError as exc:
                reason = getattr(exc, "orig", None) or exc
                report.add_error(RowError(line, f"database refused the row: {reason}"))
                continue
            report.imported += 1
            report.imported_ids.append(ticket.external_id)


def _append_new_messages(session: Session, present: dict[str, int], tickets: Sequence[NewTicket]) -> int:
    """Rows of tickets already stored whose ``messages`` hold messages the store lacks (a later
    export of a conversation that went on): append those, re-tagging the ticket when the
    customer wrote (``services.tickets.add_messages``). Returns how many tickets grew.
    Rows without a messages list only name the ticket again and change nothing."""
    grown = 0
    for ticket in tickets:
        ticket_id = present.get(ticket.external_id)
        if ticket_id is not None and ticket.messages and add_messages(session, ticket_id, ticket.messages):
            grown += 1
    return grown
