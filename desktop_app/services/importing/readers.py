"""Streaming readers for CSV, XLSX and JSONL exports.

Each yields ``RawRow`` (the canonical fields of one ticket, still unvalidated) or
``RowError`` with the 1-based line where the row starts (the header is line 1), and
never holds more than one row in memory. Damage stays local: bytes that do not decode,
an unclosed quote, a JSON line nested too deep or a worksheet cut short cost the rows
they touch, never the rows around them.
"""

from __future__ import annotations

import csv
import io
import json
import warnings
import zipfile
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from desktop_app.services.importing.encoding import (
    DECODE_ERRORS,
    SAMPLE_BYTES,
    UnknownEncodingError,
    check_encoding,
    detect_encoding,
    has_undecodable,
    redecode_as_gbk,
)
from desktop_app.services.importing.fields import MappingError, map_columns, normalise_header

# Some exports put whole conversations in one cell.
csv.field_size_limit(16 * 1024 * 1024)
# Lines re-read after unclosed quotes, in all: bounds the work a file full of them can cause.
REPLAY_BUDGET_CHARS = 64 * 1024 * 1024
# An XLSX is a zip; what it unpacks to is read (shared strings and styles wholly into memory).
MAX_XLSX_UNPACKED = 1 << 30
MAX_XLSX_RATIO = 100  # for members over XLSX_RATIO_FLOOR; real sheets compress 4–20 times
XLSX_RATIO_FLOOR = 16 << 20
# openpyxl reads a date serial it cannot convert as #VALUE! and warns; the row error says it.
warnings.filterwarnings("ignore", r"Cell \S+ is marked as a date but the serial value", UserWarning, "openpyxl")


@dataclass(frozen=True, slots=True)
class RawRow:
    line: int
    fields: dict[str, object]


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    reason: str


class FileFormatError(ValueError):
    """The file as a whole cannot be read (unknown type, encoding, no usable header)."""


class TicketSource(Protocol):
    def rows(self) -> Iterator[RawRow | RowError]: ...

    def fraction_done(self) -> float: ...

    def close(self) -> None: ...


def _open_text(path: Path, encoding: str | None) -> tuple[BinaryIO, io.TextIOWrapper, str]:
    try:
        raw = path.open("rb")
    except OSError as exc:
        raise FileFormatError(f"cannot read {path.name}: {exc.strerror or exc}") from exc
    try:
        encoding = check_encoding(encoding) if encoding else detect_encoding(raw.read(SAMPLE_BYTES))
    except (UnknownEncodingError, OSError) as exc:
        raw.close()
        raise FileFormatError(str(exc)) from exc
    raw.seek(0)
    # Undecodable bytes stay visible (lone surrogates) so the row can be rejected, not the file.
    text = io.TextIOWrapper(raw, encoding=encoding, errors=DECODE_ERRORS, newline="")
    return raw, text, encoding


class _ByteProgress:
    _raw: BinaryIO
    _size: int

    def fraction_done(self) -> float:
        try:
            return min(self._raw.tell() / self._size, 1.0) if self._size else 1.0
        except (OSError, ValueError):
            return 1.0


class _TextSource(_ByteProgress):
    """A text export: its encoding, and rows of it read again as GBK where UTF-8 failed."""

    def __init__(self, path: Path, encoding: str | None) -> None:
        self._size = path.stat().st_size
        self._raw, self._text, self.encoding = _open_text(path, encoding)
        # Only a guessed UTF-8 is second-guessed; an encoding the user named is obeyed.
        self._redecode = encoding is None and self.encoding in ("utf-8", "utf-8-sig")

    def _decoded(self, parts: list[str]) -> list[str] | None:
        """``parts`` with undecodable bytes read as GBK if that reads them all, else None."""
        if not has_undecodable("".join(parts)):
            return parts
        if not self._redecode or redecode_as_gbk("".join(parts)) is None:
            return None
        fixed = [redecode_as_gbk(p) if has_undecodable(p) else p for p in parts]
        return None if any(p is None for p in fixed) else [p for p in fixed if p is not None]

    def _not_valid(self) -> str:
        return f"not valid {self.encoding} text" + (" (nor GBK)" if self._redecode else "")

    def close(self) -> None:
        self._text.close()


class _Lines:
    """The file's lines for ``csv.reader``, numbered as read, NUL bytes dropped (a file padded
    with them after a crash). The lines of the record being read are kept, so that a record an
    unclosed quote ran on with can be read again from its second line."""

    def __init__(self, text: Iterable[str]) -> None:
        self._source = iter(text)
        self._count = 0
        self._again: deque[tuple[int, str]] = deque()
        self.record: list[tuple[int, str]] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self._again:
            number, line = self._again.popleft()
        else:
            line = next(self._source).replace("\0", "")
            self._count += 1
            number = self._count
        self.record.append((number, line))
        return line

    @property
    def last_number(self) -> int:
        return self.record[-1][0] if self.record else self._count

    def start_record(self) -> None:
        self.record = []

    def read_again(self, lines: list[tuple[int, str]]) -> None:
        self._again.extendleft(reversed(lines))


def _width_problem(cells: list[str], width: int) -> str | None:
    if len(cells) < width:
        return f"row has {len(cells)} columns, the header has {width}"
    if len(cells) > width and any(c.strip() for c in cells[width:]):
        return f"row has {len(cells)} columns, the header has {width} (unquoted delimiter?)"
    return None


class CsvSource(_TextSource):
    def __init__(self, path: Path, overrides: Mapping[str, str], encoding: str | None = None) -> None:
        super().__init__(path, encoding)
        self._overrides = overrides
        try:
            header_line = self._text.readline()
            self._text.seek(0)
        except OSError as exc:  # undecodable bytes cannot fail here (DECODE_ERRORS); a bad disk can
            self.close()
            raise FileFormatError(f"line 1: cannot read the header: {exc.strerror or exc}") from exc
        # The header decides the delimiter: cell text is free to contain any of them.
        self._delimiter = max(",\t;|", key=header_line.count) if header_line.strip() else ","
        self._replay_left = REPLAY_BUDGET_CHARS

    def _looks_like_rows(self, lines: list[tuple[int, str]], width: int) -> bool:
        """Whether a line of ``lines`` read alone is a whole row: the sign that a quote opened
        before them swallowed rows, rather than a long cell of a row that is short a column."""
        for _, line in lines:
            try:
                cells = next(csv.reader([line], delimiter=self._delimiter), [])
            except csv.Error:
                continue
            if len(cells) == width:
                return True
        return False

    def rows(self) -> Iterator[RawRow | RowError]:
        lines = _Lines(self._text)
        reader = csv.reader(lines, delimiter=self._delimiter)
        try:
            headers = next(reader)
        except StopIteration:
            raise FileFormatError("the file is empty") from None
        except csv.Error as exc:
            raise FileFormatError(f"line 1: cannot read the header: {exc}") from exc
        if has_undecodable("".join(headers)):
            raise FileFormatError(f"line 1: the header is not valid {self.encoding} text")
        try:
            mapping = map_columns(headers, self._overrides)
        except MappingError as exc:
            raise FileFormatError(str(exc)) from exc
        width = len(headers)
        while True:
            lines.start_record()
            malformed = None
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                cells, malformed = [], f"malformed CSV: {exc}"
            record = lines.record
            start = record[0][0] if record else lines.last_number
            if len(record) > 1 and self._ran_on(record, cells, malformed, width):
                yield RowError(start, self._unclosed_quote(record, lines))
                continue
            if malformed:
                yield RowError(start, malformed)
                continue
            if not cells or all(not c.strip() for c in cells):
                continue
            decoded = self._decoded(cells)
            if decoded is None:
                yield RowError(start, f"row contains bytes that are {self._not_valid()}")
                continue
            if problem := _width_problem(decoded, width):
                yield RowError(start, problem)
                continue
            yield RawRow(start, {field: decoded[index] for index, field in mapping.items()})

    def _ran_on(self, record: list[tuple[int, str]], cells: list[str], malformed: str | None, width: int) -> bool:
        """Whether a record of several lines is an unclosed quote that swallowed rows: it is
        broken (malformed, the wrong width, or quoted as no CSV writer quotes) and lines
        inside it, read alone, are rows."""
        broken = bool(malformed or _width_problem(cells, width)) or not self._strictly_quoted(record)
        return broken and self._looks_like_rows(record[1:], width)

    def _strictly_quoted(self, record: list[tuple[int, str]]) -> bool:
        """Whether strict CSV accepts the record: no quoted field is still open at its end or
        closed and then followed by more text. Lenient reading (how exports are read) takes
        both, and that is how a stray quote swallows the rows up to the next quote."""
        try:
            for _ in csv.reader((line for _, line in record), delimiter=self._delimiter, strict=True):
                pass
        except csv.Error:
            return False
        return True

    def _unclosed_quote(self, record: list[tuple[int, str]], lines: _Lines) -> str:
        """Report a quote that ran on over rows, and read those rows again if the budget allows."""
        start, end = record[0][0], record[-1][0]
        told = f"a quoted field starting on line {start} is not closed: it ran on for {len(record)} lines"
        told += f", to line {end}"
        rest = record[1:]
        size = sum(len(line) for _, line in rest)
        if size > self._replay_left:
            return f"{told}; lines {start + 1}–{end} were not read as rows"
        self._replay_left -= size
        lines.read_again(rest)
        return f"{told}; lines {start + 1}–{end} were read again as rows"


class JsonlSource(_TextSource):
    """One JSON object per line; keys are mapped like CSV headers, per line."""

    def __init__(self, path: Path, overrides: Mapping[str, str], encoding: str | None = None) -> None:
        super().__init__(path, encoding)
        self._overrides = {normalise_header(k): v for k, v in overrides.items()}

    def _map(self, obj: dict[str, object]) -> dict[str, object]:
        fields: dict[str, object] = {}
        keys = list(obj)
        try:
            mapping = map_columns(keys, {k: v for k, v in self._overrides_for(keys).items()})
        except MappingError:
            mapping = {}
        for index, field in mapping.items():
            fields[field] = obj[keys[index]]
        return fields

    def _overrides_for(self, keys: list[str]) -> dict[str, str]:
        return {k: self._overrides[normalise_header(k)] for k in keys if normalise_header(k) in self._overrides}

    def rows(self) -> Iterator[RawRow | RowError]:
        for line_number, raw_line in enumerate(self._text, start=1):
            line = raw_line.replace("\0", "")
            if not line.strip():
                continue
            decoded = self._decoded([line])
            if decoded is None:
                yield RowError(line_number, f"line contains bytes that are {self._not_valid()}")
                continue
            try:
                obj = json.loads(decoded[0])
            except json.JSONDecodeError as exc:
                yield RowError(line_number, f"invalid JSON: {exc.msg} (column {exc.colno})")
                continue
            except RecursionError:
                yield RowError(line_number, "invalid JSON: nested too deeply")
                continue
            except ValueError:  # Python refuses integers of more than 4,300 digits
                yield RowError(line_number, "invalid JSON: a number of more than 4,300 digits")
                continue
            if not isinstance(obj, dict):
                yield RowError(line_number, f"expected a JSON object, got {type(obj).__name__}")
                continue
            yield RawRow(line_number, self._map(obj))


def check_xlsx_size(path: Path) -> None:
    """Refuse a workbook that unpacks to far more than any ticket export (a zip bomb)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise FileFormatError(f"not a readable XLSX workbook (damaged or cut short): {exc}") from exc
    # zipfile stops each member at its declared size, so the declared sizes bound the reading.
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_XLSX_UNPACKED:
        raise FileFormatError(
            f"refused: the workbook unpacks to {unpacked / 2**20:,.0f} MiB, more than the "
            f"{MAX_XLSX_UNPACKED / 2**20:,.0f} MiB a ticket export can need (a zip bomb?)"
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > XLSX_RATIO_FLOOR and ratio > MAX_XLSX_RATIO:
            raise FileFormatError(
                f"refused: {member.filename} unpacks {ratio:,.0f} times its packed size "
                f"({member.file_size / 2**20:,.0f} MiB); spreadsheets pack at most ~{MAX_XLSX_RATIO} times "
                "(a zip bomb?)"
            )


class XlsxSource:
    """The first worksheet; row 1 is the header."""

    def __init__(self, path: Path, overrides: Mapping[str, str]) -> None:
        from openpyxl import load_workbook  # only needed for spreadsheets

        check_xlsx_size(path)
        try:
            self._book = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a damaged file
            raise FileFormatError(f"not a readable XLSX workbook: {exc}") from exc
        self._sheet = self._book.worksheets[0]
        # Many tools write a wrong <dimension>; read-only mode would stop at it.
        self._sheet.reset_dimensions()
        self._overrides = overrides
        self._size = path.stat().st_size
        self._done = 0

    def fraction_done(self) -> float:
        """Rows cannot be counted in advance: an estimate from ~60 compressed bytes per row."""
        return min(self._done * 60 / self._size, 0.99) if self._size else 0.0

    def rows(self) -> Iterator[RawRow | RowError]:
        rows = self._sheet.iter_rows(values_only=True)
        try:
            headers = [("" if h is None else str(h)) for h in next(rows)]
        except StopIteration:
            raise FileFormatError("the worksheet is empty") from None
        except Exception as exc:  # a damaged sheet: XML cut short, a bad member of the zip
            raise FileFormatError(f"line 1: cannot read the worksheet: {exc}") from exc
        while headers and not headers[-1]:
            headers.pop()
        try:
            mapping = map_columns(headers, self._overrides)
        except MappingError as exc:
            raise FileFormatError(str(exc)) from exc
        line_number = 1
        while True:
            try:
                values = next(rows)
            except StopIteration:
                return
            except Exception as exc:  # the parser cannot go on; what it read stays imported
                yield RowError(
                    line_number + 1, f"the worksheet cannot be read from here on ({type(exc).__name__}: {exc})"
                )
                return
            line_number += 1
            self._done = line_number
            if values is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            yield RawRow(
                line_number,
                {field: values[index] for index, field in mapping.items() if index < len(values)},
            )

    def close(self) -> None:
        self._book.close()


def open_source(
    path: Path, overrides: Mapping[str, str] | None = None, encoding: str | None = None
) -> TicketSource:
    """A reader for ``path`` chosen by its extension; ``encoding`` overrides detection (text files)."""
    overrides = overrides or {}
    if not path.is_file():
        raise FileFormatError(f"no such file: {path}")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        return CsvSource(path, overrides, encoding)
    if suffix in (".jsonl", ".ndjson", ".json"):
        return JsonlSource(path, overrides, encoding)
    if suffix in (".xlsx", ".xlsm"):
        return XlsxSource(path, overrides)
    raise FileFormatError(f"cannot import {path.name}: expected .csv, .xlsx or .jsonl")
