"""Importing ticket exports (CSV, XLSX, JSONL) from Taobao, JD, Pinduoduo, Douyin and others."""

from desktop_app.services.importing.importer import (
    ImportCancelled,
    ImportFileError,
    ImportProgress,
    ImportReport,
    ImportService,
    RowError,
)

__all__ = [
    "ImportCancelled",
    "ImportFileError",
    "ImportProgress",
    "ImportReport",
    "ImportService",
    "RowError",
]
