"""Model health: how often agents corrected each tag, the confusion matrices of model tag ×
corrected tag, and how much agents edited generated drafts before sending them."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.services.desk_stats import DraftEditStats, TaskHealth
from desktop_app.ui.common import palette
from desktop_app.ui.common.formatting import intent_name, sentiment_name
from desktop_app.ui.supervisor.charts import BarChart

HEAT_RGB = (220, 38, 38)  # the most frequent confusion in full red, zero white
DIAGONAL_COLOUR = palette.MATRIX_DIAGONAL
SUMMARY_COLOUR = palette.MATRIX_SUMMARY
DARK_TEXT = palette.TEXT


@dataclass(frozen=True)
class HealthData:
    intent: TaskHealth
    sentiment: TaskHealth
    drafts: DraftEditStats


def _heat(count: int, most: int) -> QColor:
    if count <= 0 or most <= 0:
        return QColor("white")
    strength = 0.15 + 0.75 * count / most
    r, g, b = HEAT_RGB
    return QColor(
        round(255 - (255 - r) * strength), round(255 - (255 - g) * strength), round(255 - (255 - b) * strength)
    )


class ConfusionTable(QTableWidget):
    """Rows: the model's label; columns: the label agents corrected it to, then the total of
    corrections, how many tickets the model gave that label, and the correction rate."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setWordWrap(True)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap)
        self.health: TaskHealth | None = None

    def show_health(self, health: TaskHealth) -> None:
        self.health = health
        name = intent_name if health.task == "intent" else sentiment_name
        untagged = self.tr("（未打标）")
        columns = [_wrap(name(label)) for label in health.column_labels]
        columns += [self.tr("更正合计"), self.tr("模型打标"), self.tr("更正率")]
        self.clear()
        self.setRowCount(len(health.row_labels))
        self.setColumnCount(len(columns))
        self.setHorizontalHeaderLabels(columns)
        self.setVerticalHeaderLabels([name(label) if label is not None else untagged for label in health.row_labels])
        most = max((value for row in health.matrix for value in row), default=0)
        for r, (label, row) in enumerate(zip(health.row_labels, health.matrix, strict=True)):
            for c, value in enumerate(row):
                item = QTableWidgetItem(str(value) if value else "")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                diagonal = label is not None and label == health.column_labels[c]
                item.setBackground(QBrush(QColor(DIAGONAL_COLOUR) if diagonal else _heat(value, most)))
                item.setForeground(QBrush(QColor("white" if most and value > most * 0.6 else DARK_TEXT)))
                item.setToolTip(
                    self.tr("模型：%1 → 坐席更正为：%2，%3 次")
                    .replace("%1", name(label) if label is not None else untagged)
                    .replace("%2", name(health.column_labels[c]))
                    .replace("%3", str(value))
                )
                self.setItem(r, c, item)
            summary = health.corrections[r]
            rate = f"{summary.rate:.1%}" if summary.rate is not None else "—"
            for offset, text in enumerate((str(summary.corrections), str(summary.tagged), rate)):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                item.setBackground(QBrush(QColor(SUMMARY_COLOUR)))
                item.setForeground(QBrush(QColor(DARK_TEXT)))
                self.setItem(r, len(health.column_labels) + offset, item)
        self.resizeRowsToContents()
        self.resizeColumnsToContents()
        # as tall as its rows: the space below belongs to the charts
        frame = 2 * self.frameWidth()
        self.setFixedHeight(self.horizontalHeader().sizeHint().height() + self.verticalHeader().length() + frame + 2)

    def cell_count(self, model_label: str | None, corrected_label: str) -> int:
        """The number shown for one pair (0 for an empty cell)."""
        assert self.health is not None
        item = self.item(self.health.row_labels.index(model_label), self.health.column_labels.index(corrected_label))
        assert item is not None  # every cell is filled in
        return int(item.text() or 0)


def _wrap(name: str) -> str:
    """Long label names over two lines, so that eleven columns fit."""
    if len(name) <= 4:
        return name
    if "/" in name:
        head, _, tail = name.partition("/")
        return f"{head}/\n{tail}"
    return f"{name[: len(name) // 2]}\n{name[len(name) // 2 :]}"


class HealthTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.intent_table = ConfusionTable()
        self.sentiment_table = ConfusionTable()
        self.intent_summary = QLabel()
        self.sentiment_summary = QLabel()
        self.intent_chart = BarChart(
            self.tr("各意图标签被坐席更正的次数（标注：更正/打标）"), horizontal=True, colour=palette.CHART_CORRECTIONS
        )
        self.draft_chart = BarChart(self.tr("草稿编辑距离分布（字符级 Levenshtein）"), colour=palette.CHART_EDITS)
        self.draft_summary = QLabel()
        self.draft_summary.setWordWrap(True)

        intent_box = QGroupBox(self.tr("意图：模型标签 × 坐席更正"))
        intent_layout = QVBoxLayout(intent_box)
        intent_layout.addWidget(self.intent_summary)
        intent_layout.addWidget(self.intent_table)
        intent_layout.addWidget(self.intent_chart, 1)
        sentiment_box = QGroupBox(self.tr("情绪：模型标签 × 坐席更正"))
        sentiment_layout = QVBoxLayout(sentiment_box)
        sentiment_layout.addWidget(self.sentiment_summary)
        sentiment_layout.addWidget(self.sentiment_table)
        sentiment_layout.addStretch(1)
        draft_box = QGroupBox(self.tr("回复草稿的修改"))
        draft_layout = QVBoxLayout(draft_box)
        draft_layout.addWidget(self.draft_summary)
        draft_layout.addWidget(self.draft_chart, 1)

        right = QVBoxLayout()
        right.addWidget(sentiment_box)
        right.addWidget(draft_box, 1)
        layout = QHBoxLayout(self)
        layout.addWidget(intent_box, 3)
        layout.addLayout(right, 2)

    def show_data(self, data: HealthData) -> None:
        for table, summary, health in (
            (self.intent_table, self.intent_summary, data.intent),
            (self.sentiment_table, self.sentiment_summary, data.sentiment),
        ):
            table.show_health(health)
            tagged = sum(c.tagged for c in health.corrections)
            summary.setText(
                self.tr("坐席共更正 %1 次；模型打标 %2 个工单。行：模型标签，列：更正为。")
                .replace("%1", str(health.total))
                .replace("%2", str(tagged))
            )
        rows = [c for c in data.intent.corrections if c.label is not None]
        self.intent_chart.set_bars(
            [intent_name(c.label) for c in rows],
            [c.corrections for c in rows],
            [f"{c.corrections}/{c.tagged}" + (f"（{c.rate:.0%}）" if c.rate is not None else "") for c in rows],
        )
        drafts = data.drafts
        labels = [_bin_label(b.lower, b.upper) for b in drafts.bins]
        self.draft_chart.set_bars(labels, [b.count for b in drafts.bins])
        if drafts.count:
            median = f"{drafts.median_distance:g}" if drafts.median_distance is not None else "—"
            self.draft_summary.setText(
                self.tr("%1 条回复由生成草稿发出，原样发送 %2 条（%3）；编辑距离中位数 %4 字。")
                .replace("%1", str(drafts.count))
                .replace("%2", str(drafts.unchanged))
                .replace("%3", f"{drafts.unchanged_share:.0%}")
                .replace("%4", median)
            )
        else:
            self.draft_summary.setText(self.tr("还没有由生成草稿发出的回复。"))


def _bin_label(lower: int, upper: int | None) -> str:
    if upper is None:
        return f">{lower - 1}"
    if upper - lower == 1:
        return str(lower)
    return f"{lower}–{upper - 1}"
