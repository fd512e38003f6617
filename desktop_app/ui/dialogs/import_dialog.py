"""Importing an export from the GUI: pick a file, optionally map columns, watch progress,
cancel at will, read the report. The import runs in its own worker thread."""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Signal
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

from desktop_app.services.importing import ImportFileError, ImportProgress, ImportReport, ImportService
from desktop_app.ui.common.import_reasons import import_reason_text
from desktop_app.ui.common.workers import TaskRunner

FILE_PATTERNS = "*.csv *.tsv *.txt *.xlsx *.jsonl *.ndjson"
MAX_ERRORS_SHOWN = 200
FIELDS = "external_id, customer, channel, created_at, text, order_id, product, status, assignee"

log = logging.getLogger(__name__)


def explain_import_error(message: str) -> str:
    """A Chinese explanation of an ``ImportFileError`` for the import dialog's user.

    The importer speaks to the command line (``--map COLUMN=FIELD``); here the same
    mapping is typed into the dialog's 列映射 field. Unknown messages get a general
    explanation; the original text goes into the message box's details.
    """
    if match := re.search(r"no column holds the ticket text \(columns: (.*)\)", message):
        return QCoreApplication.translate(
            "ImportDialog",
            "没有找到工单内容（客户的问题）所在的列。文件中的列：%1。\n"
            "请重新导入，并在导入对话框的“列映射”中指定哪一列是内容，例如：问题描述=text",
        ).replace("%1", match.group(1))
    if match := re.search(r"names columns the file does not have: (.*)$", message):
        return QCoreApplication.translate(
            "ImportDialog", "“列映射”中的这些列在文件中找不到：%1。\n请检查列名是否与文件第一行的表头完全一致。"
        ).replace("%1", match.group(1))
    if match := re.search(r"unknown field '([^']*)'(?: \(fields: (.*)\))?", message):
        return (
            QCoreApplication.translate("ImportDialog", "“列映射”中的字段 %1 不存在。可用字段：%2")
            .replace("%2", match.group(2) or FIELDS)
            .replace("%1", match.group(1))
        )
    if "expects COLUMN=FIELD" in message:
        return QCoreApplication.translate(
            "ImportDialog", "“列映射”的格式不对：每一项写成 列名=字段，多项用逗号分隔，例如：问题=text, 旺旺号=customer"
        )
    if message.startswith("no such file"):
        return QCoreApplication.translate("ImportDialog", "找不到这个文件，请检查路径。")
    if message.startswith("cannot import") and "expected" in message:
        return QCoreApplication.translate("ImportDialog", "不支持这种文件类型，请选择 CSV、XLSX 或 JSONL 文件。")
    if "neither UTF-8" in message or ("not valid" in message and "text" in message):
        return QCoreApplication.translate(
            "ImportDialog", "无法识别文件的文字编码。请用 UTF-8 或 GBK 编码另存为 CSV 后再导入。"
        )
    if "is empty" in message:
        return QCoreApplication.translate("ImportDialog", "文件是空的，没有可导入的内容。")
    return QCoreApplication.translate("ImportDialog", "文件无法导入：格式不对或已损坏。详细信息见下方。")


def _gui_reason(reason: str) -> str:
    """A row error as the dialog's user reads it: in the UI's language, and ``--map A=B``
    (the command line's way) as what to type into 列映射."""
    reason = import_reason_text(reason)
    return re.sub(
        r"--map (\S+)",
        lambda m: QCoreApplication.translate("ImportDialog", "“列映射”中填写 %1").replace("%1", m.group(1)),
        reason,
    )


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
        self.hint = hint
        form.addRow(hint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        # As tall as the wrapped help text needs at this width (a plain resize(w, 0) cuts it off).
        width = 560
        self.resize(width, max(form.totalHeightForWidth(width), form.totalSizeHint().height()))

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
        self._quiet = False
        self._relay = _ProgressRelay(self)
        self.progress_dialog: QProgressDialog | None = None
        self.message_box: QMessageBox | None = None  # the outcome, once shown

    def cancel(self, quietly: bool = False) -> None:
        """Stop after the current batch (what was committed stays). ``quietly``: the window
        is closing, so no progress or summary is shown any more."""
        self._cancel.set()
        if quietly:
            self._quiet = True
            self._close_progress()

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
        if not self._quiet:
            self._show_report(report)
        self.finished.emit(report)

    def _show_report(self, report: ImportReport) -> None:
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
            shown = report.errors[:MAX_ERRORS_SHOWN]
            lines = [
                self.tr("第 %1 行：%2").replace("%2", _gui_reason(e.reason)).replace("%1", str(e.line)) for e in shown
            ]
            # The report lists at most a thousand errors; the rest are only counted.
            omitted = report.skipped - len(shown)
            if omitted > 0:
                note = self.tr("另有 %1 行错误未列出。").replace("%1", f"{omitted:,}")
                lines.append(note)
                box.setInformativeText(note)
            box.setDetailedText("\n".join(lines))
        self.message_box = box
        box.open()

    def _on_failed(self, error: BaseException) -> None:
        self._close_progress()
        if not self._quiet:
            box = QMessageBox(self._parent)
            box.setWindowTitle(self.tr("无法导入"))
            box.setIcon(QMessageBox.Icon.Critical)
            if isinstance(error, ImportFileError):
                log.info("import refused: %s", error)
                box.setText(explain_import_error(str(error)))
                box.setDetailedText(str(error))
            else:
                log.error("import failed", exc_info=error)
                box.setText(self.tr("导入时出错，已导入的工单会保留，再次导入同一文件不会重复。详情已写入日志。"))
            self.message_box = box
            box.open()
        self.finished.emit(None)
