"""Streaming readers for CSV, XLSX and JSONL exports.

Each yields ``RawRow`` (the canonical fields of one ticket, still unvalidated) or
``RowError`` with the 1-based line where the row starts (the header is line 1), and
never holds more than one row in memory.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from desktop_app.services.importing.encoding import SAMPLE_BYTES, detect_encoding, has_undecodable
from desktop_app.services.importing.fields import MappingError, map_columns, normalise_header

# Some exports put whole conversations in one cell.
csv.field_size_limit(16 * 1024 * 1024)


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


def _open_text(path: Path) -> tuple[BinaryIO, io.TextIOWrapper, str]:
    raw = path.open("rb")
    try:
        encoding = detect_encoding(raw.read(SAMPLE_BYTES))
    except ValueError as exc:
        raw.close()
        raise FileFormatError(str(exc)) from exc
    raw.seek(0)
    # surrogateescape keeps undecodable bytes visible so the row can be rejected, not the file.
    text = io.TextIOWrapper(raw, encoding=encoding, errors="surrogateescape", newline="")
    return raw, text, encoding


class _ByteProgress:
    _raw: BinaryIO
    _size: int

    def fraction_done(self) -> float:
        try:
            return min(self._raw.tell() / self._size, 1.0) if self._size else 1.0
        except (OSError, ValueError):
            return 1.0


class CsvSource(_ByteProgress):
    def __init__(self, path: Path, overrides: Mapping[str, str]) -> None:
        self._size = path.stat().st_size
        self._raw, self._text, self.encoding = _open_text(path)
        self._overrides = overrides
        header_line = self._text.readline()
        self._text.seek(0)
        # The header decides the delimiter: cell text is free to contain any of them.
        self._delimiter = max(",\t;|", key=header_line.count) if header_line.strip() else ","

    def rows(self) -> Iterator[RawRow | RowError]:
        reader = csv.reader(self._text, delimiter=self._delimiter)
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
        line_end = reader.line_num
        while True:
            start = line_end + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                line_end = reader.line_num
                yield RowError(start, f"malformed CSV: {exc}")
                continue
            line_end = reader.line_num
            if not cells or all(not c.strip() for c in cells):
                continue
            if len(cells) < width:
                yield RowError(start, f"row has {len(cells)} columns, the header has {width}")
                continue
            if len(cells) > width and any(c.strip() for c in cells[width:]):
                yield RowError(start, f"row has {len(cells)} columns, the header has {width} (unquoted delimiter?)")
                continue
            if any(has_undecodable(c) for c in cells):
                yield RowError(start, f"row contains bytes that are not valid {self.encoding} text")
                continue
            yield RawRow(start, {field: cells[index] for index, field in mapping.items()})

    def close(self) -> None:
        self._text.close()


class JsonlSource(_ByteProgress):
    """One JSON object per line; keys are mapped like CSV headers, per line."""

    def __init__(self, path: Path, overrides: Mapping[str, str]) -> None:
        self._size = path.stat().st_size
        self._raw, self._text, self.encoding = _open_text(path)
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
        for line_number, line in enumerate(self._text, start=1):
            if not line.strip():
                continue
            if has_undecodable(line):
                yield RowError(line_number, f"line contains bytes that are not valid {self.encoding} text")
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield RowError(line_number, f"invalid JSON: {exc.msg} (column {exc.colno})")
                continue
            if not isinstance(obj, dict):
                yield RowError(line_number, f"expected a JSON object, got {type(obj).__name__}")
                continue
            yield RawRow(line_number, self._map(obj))

    def close(self) -> None:
        self._text.close()


class XlsxSource:
    """The first worksheet; row 1 is the header."""

    def __init__(self, path: Path, overrides: Mapping[str, str]) -> None:
        from openpyxl import load_workbook  # only needed for spreadsheets

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
        while headers and not headers[-1]:
            headers.pop()
        try:
            mapping = map_columns(headers, self._overrides)
        except MappingError as exc:
            raise FileFormatError(str(exc)) from exc
        for line_number, values in enumerate(rows, start=2):
            self._done = line_number
            if values is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            yield RawRow(
                line_number,
                {field: values[index] for index, field in mapping.items() if index < len(values)},
            )

    def close(self) -> None:
        self._book.close()


def open_source(path: Path, overrides: Mapping[str, str] | None = None) -> TicketSource:
    """A reader for ``path`` chosen by its extension."""
    overrides = overrides or {}
    if not path.is_file():
        raise FileFormatError(f"no such file: {path}")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        return CsvSource(path, overrides)
    if suffix in (".jsonl", ".ndjson", ".json"):
        return JsonlSource(path, overrides)
    if suffix in (".xlsx", ".xlsm"):
        return XlsxSource(path, overrides)
    raise FileFormatError(f"cannot import {path.name}: expected .csv, .xlsx or .jsonl")
