"""Importing an export from the GUI: pick a file, optionally map columns, watch progress,
cancel at will, read the report. The import runs in its own worker thread."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QWidget,
)

from desktop_app.services.importing import ImportProgress, ImportReport, ImportService
from desktop_app.ui.workers import TaskRunner

FILE_PATTERNS = "*.csv *.tsv *.txt *.xlsx *.jsonl *.ndjson"
MAX_ERRORS_SHOWN = 200


class ImportOptionsDialog(QDialog):
    """The file and the optional column mapping (``列名=字段``, comma separated)."""

    def __init__(self, parent: QWidget | None = None, path: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("导入工单"))
        self.path_edit = QLineEdit(path)
        browse = QPushButton(self.tr("浏览…"))
        browse.clicked.connect(self._browse)
        self.map_edit = QLineEdit()
        self.map_edit.setPlaceholderText(self.tr("可选，例如：问题=text, 旺旺号=customer"))
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        form = QFormLayout(self)
        form.addRow(self.tr("文件"), row)
        form.addRow(self.tr("列映射"), self.map_edit)
        hint = QLabel(
            self.tr(
                "支持 CSV、XLSX、JSONL；自动识别 UTF-8、GBK/GB18030、UTF-16 编码与淘宝/京东/拼多多常见表头。"
                "可用字段：external_id, customer, channel, created_at, text, order_id, product, status, assignee"
            )
        )
        hint.setWordWrap(True)
        form.addRow(hint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(560, 0)

    def _browse(self) -> None:
        file_filter = self.tr("工单导出 (%1);;所有文件 (*)").replace("%1", FILE_PATTERNS)
        path, _ = QFileDialog.getOpenFileName(self, self.tr("选择工单导出文件"), "", file_filter)
        if path:
            self.path_edit.setText(path)

    @property
    def path(self) -> Path:
        return Path(self.path_edit.text().strip())

    @property
    def column_map(self) -> list[str]:
        return [part.strip() for part in self.map_edit.text().replace("，", ",").split(",") if part.strip()]


class _ProgressRelay(QObject):
    progressed = Signal(object)


class ImportController(QObject):
    """Runs one import with a cancellable progress dialog and reports the outcome."""

    finished = Signal(object)  # ImportReport, after the summary was shown

    def __init__(self, service: ImportService, runner: TaskRunner, parent: QWidget) -> None:
        super().__init__(parent)
        self._service = service
        self._runner = runner
        self._parent = parent
        self._cancel = threading.Event()
        self._relay = _ProgressRelay(self)
        self.progress_dialog: QProgressDialog | None = None

    def start(self, path: Path, column_map: list[str]) -> None:
        self._cancel.clear()
        dialog = QProgressDialog(
            self.tr("正在导入 %1 …").replace("%1", path.name), self.tr("取消"), 0, 1000, self._parent
        )
        dialog.setWindowTitle(self.tr("导入工单"))
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(self._cancel.set)
        self.progress_dialog = dialog
        self._relay.progressed.connect(self._on_progress)
        relay = self._relay
        self._runner.submit(
            lambda: self._service.import_file(
                path, column_map, progress=relay.progressed.emit, is_cancelled=self._cancel.is_set
            ),
            self._on_done,
            self._on_failed,
        )

    def _on_progress(self, progress: ImportProgress) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.setValue(round(progress.fraction * 1000))
            self.progress_dialog.setLabelText(
                self.tr("已读取 %1 行，导入 %2 个工单")
                .replace("%1", f"{progress.rows_read:,}")
                .replace("%2", f"{progress.imported:,}")
            )

    def _close_progress(self) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.close()
            self.progress_dialog = None

    def _on_done(self, report: ImportReport) -> None:
        self._close_progress()
        box = QMessageBox(self._parent)
        box.setWindowTitle(self.tr("导入完成") if not report.cancelled else self.tr("导入已取消"))
        box.setIcon(QMessageBox.Icon.Information if not report.skipped else QMessageBox.Icon.Warning)
        box.setText(
            self.tr("新导入 %1 个，已存在 %2 个，跳过 %3 行。")
            .replace("%1", str(report.imported))
            .replace("%2", str(report.already_present))
            .replace("%3", str(report.skipped))
        )
        if report.errors:
            lines = [self.tr("第 %1 行：%2").replace("%1", str(e.line)).replace("%2", e.reason) for e in report.errors]
            box.setDetailedText("\n".join(lines[:MAX_ERRORS_SHOWN]))
        box.open()
        self.finished.emit(report)

    def _on_failed(self, error: BaseException) -> None:
        self._close_progress()
        QMessageBox.critical(self._parent, self.tr("无法导入"), str(error))
        self.finished.emit(None)
