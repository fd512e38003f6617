"""The desk's charts (pyqtgraph; QtCharts is deprecated since Qt 6.10).

Each chart keeps its plot items as attributes (``bars``, ``curve``) so that tests and the
desk can read what is drawn. Data arrive ready-made from ``DeskStatsService``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QComboBox, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop_app.services.desk_stats import AgeBucket, AgentLoad, IntentVolume, ShareBucket
from desktop_app.ui.common import palette
from desktop_app.ui.common.formatting import intent_name, local_time
from desktop_app.ui.supervisor.flagged_model import duration_text

BAR_COLOUR = palette.CHART_BAR
NEGATIVE_COLOUR = palette.CHART_NEGATIVE
AGE_COLOURS = palette.CHART_AGE
AGENT_COLOUR = palette.CHART_AGENT
TEXT_COLOUR = palette.CHART_TEXT
GRID_ALPHA = 0.25


def _font(point_delta: int = 0) -> QFont:
    font = QFont(QApplication.font())
    if point_delta:
        font.setPointSizeF(max(font.pointSizeF() + point_delta, 6))
    return font


def whole_ticks(top: float, most: int = 6) -> list[int]:
    """Ticks 0 … ``top`` at a whole step of 1, 2 or 5 × 10ⁿ, at most about ``most`` of them."""
    step = 1
    while top / step > most:
        step = _next_step(step)
    return list(range(0, int(top) + 1, step))


def _next_step(step: int) -> int:
    """1, 2, 5, 10, 20, 50 …"""
    digits = len(str(step)) - 1
    lead = step // 10**digits
    return {1: 2, 2: 5}.get(lead, 10) * 10**digits


class BarChart(pg.PlotWidget):
    """Bars with category labels on one axis and the value written at each bar's end.

    ``horizontal``: categories down the left axis (long Chinese names stay readable).
    """

    def __init__(
        self, title: str, colour: str | list[str] = BAR_COLOUR, horizontal: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent=parent, background="w")
        self.horizontal = horizontal
        self.colour = colour
        self.labels: list[str] = []
        self.values: list[float] = []
        self._texts: list[pg.TextItem] = []
        self.setTitle(title, color=TEXT_COLOUR, size=f"{_font(1).pointSizeF():.0f}pt")
        self.setMenuEnabled(False)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        plot = self.getPlotItem()
        plot.showGrid(x=horizontal, y=not horizontal, alpha=GRID_ALPHA)
        for name in ("left", "bottom"):
            axis = plot.getAxis(name)
            axis.setTextPen(TEXT_COLOUR)
            axis.setPen(pg.mkPen(palette.AXIS))
            axis.setStyle(tickFont=_font())
        if horizontal:
            plot.invertY(True)
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.6)
        self.addItem(self.bars)

    def set_bars(self, labels: list[str], values: list[float], texts: list[str] | None = None) -> None:
        self.labels, self.values = list(labels), [float(v) for v in values]
        positions = np.arange(len(values), dtype=float)
        heights = np.asarray(self.values, dtype=float)
        brushes = self._brushes(len(values))
        if self.horizontal:
            self.bars.setOpts(x0=np.zeros(len(values)), x=None, y=positions, width=heights, height=0.6, brushes=brushes)
            self.getPlotItem().getAxis("left").setTicks([list(enumerate(labels))])
        else:
            self.bars.setOpts(x=positions, height=heights, width=0.6, brushes=brushes)
            self.getPlotItem().getAxis("bottom").setTicks([list(enumerate(labels))])
        for item in self._texts:
            self.removeItem(item)
        self._texts = []
        top = max(self.values, default=0.0) or 1.0
        for index, value in enumerate(self.values):
            text = texts[index] if texts is not None else f"{value:g}"
            if not text:
                continue
            if self.horizontal:
                item = pg.TextItem(text, color=TEXT_COLOUR, anchor=(0, 0.5))
                item.setPos(value + top * 0.01, index)
            else:
                item = pg.TextItem(text, color=TEXT_COLOUR, anchor=(0.5, 1))
                item.setPos(index, value)
            item.setFont(_font(-1))
            self.addItem(item)
            self._texts.append(item)
        value_range = (0, top * (1.25 if self.horizontal else 1.18))
        # Counts: whole numbers on the value axis (pyqtgraph's own ticks would say 0.5, 1.5 …).
        self.value_ticks = whole_ticks(value_range[1])
        self.getPlotItem().getAxis("bottom" if self.horizontal else "left").setTicks(
            [[(tick, str(tick)) for tick in self.value_ticks]]
        )
        category_range = (-0.6, max(len(values), 1) - 0.4)
        if self.horizontal:
            self.setRange(xRange=value_range, yRange=category_range, padding=0)
        else:
            self.setRange(xRange=category_range, yRange=value_range, padding=0)

    def bar_texts(self) -> list[str]:
        return [item.toPlainText() for item in self._texts]

    def _brushes(self, count: int) -> list:
        colours = self.colour if isinstance(self.colour, list) else [self.colour]
        return [pg.mkBrush(colours[i % len(colours)]) for i in range(count)]


class ShareChart(pg.PlotWidget):
    """Negative share (%) per hour or day, a line with a point per bucket; empty buckets break it."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent, background="w")
        self.setTitle(title, color=TEXT_COLOUR, size=f"{_font(1).pointSizeF():.0f}pt")
        self.setMenuEnabled(False)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        plot = self.getPlotItem()
        plot.showGrid(x=False, y=True, alpha=GRID_ALPHA)
        for name in ("left", "bottom"):
            axis = plot.getAxis(name)
            axis.setTextPen(TEXT_COLOUR)
            axis.setPen(pg.mkPen(palette.AXIS))
            axis.setStyle(tickFont=_font())
        plot.getAxis("left").setTicks([[(v, f"{v}%") for v in range(0, 101, 25)]])
        self.counts = pg.BarGraphItem(x=[], height=[], width=0.8, brush=pg.mkBrush(59, 130, 246, 40), pen=None)
        self.addItem(self.counts)
        self.curve = pg.PlotDataItem(
            [],
            [],
            pen=pg.mkPen(NEGATIVE_COLOUR, width=2),
            symbol="o",
            symbolSize=6,
            symbolBrush=NEGATIVE_COLOUR,
            symbolPen=None,
            connect="finite",
        )
        self.addItem(self.curve)
        self.buckets: list[ShareBucket] = []

    def set_buckets(self, buckets: list[ShareBucket], bucket: str) -> None:
        self.buckets = list(buckets)
        x = np.arange(len(buckets), dtype=float)
        shares = np.array([np.nan if b.share is None else b.share * 100 for b in buckets], dtype=float)
        self.curve.setData(x, shares)
        # Volume as faint bars, scaled to the 0–100 axis, so a 100 % of one ticket reads as little.
        most = max((b.total for b in buckets), default=0) or 1
        self.counts.setOpts(x=x, height=np.array([b.total / most * 100 for b in buckets], dtype=float))
        with_date = bucket == "day"
        step = max(1, len(buckets) // 8)
        ticks = []
        for index in range(0, len(buckets), step):
            moment = buckets[index].start
            ticks.append((index, local_time(moment)[:5] if with_date else local_time(moment)))
        self.getPlotItem().getAxis("bottom").setTicks([ticks])
        self.setRange(xRange=(-0.6, max(len(buckets), 1) - 0.4), yRange=(0, 105), padding=0)


@dataclass(frozen=True)
class ChartsData:
    volume: IntentVolume
    share: list[ShareBucket]
    bucket: str
    ages: list[AgeBucket]
    agents: list[AgentLoad]


class ChartsTab(QWidget):
    """Four charts in a grid, with the period and the hour/day switch above them."""

    settingsChanged = Signal()

    PERIOD_DAYS = (7, 30, None)  # None: all time

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.period = QComboBox()
        self.period.addItem(self.tr("最近 7 天"), 7)
        self.period.addItem(self.tr("最近 30 天"), 30)
        self.period.addItem(self.tr("全部"), None)
        self.bucket = QComboBox()
        self.bucket.addItem(self.tr("按小时（48 小时）"), "hour")
        self.bucket.addItem(self.tr("按天（30 天）"), "day")
        self.bucket.setCurrentIndex(1)
        self.summary = QLabel()
        controls = QHBoxLayout()
        controls.addWidget(QLabel(self.tr("统计范围：")))
        controls.addWidget(self.period)
        controls.addSpacing(16)
        controls.addWidget(QLabel(self.tr("负面占比：")))
        controls.addWidget(self.bucket)
        controls.addStretch(1)
        controls.addWidget(self.summary)

        self.volume_chart = BarChart(self.tr("各意图工单量"), horizontal=True)
        self.share_chart = ShareChart(self.tr("负面情绪占比（浅色柱：工单量）"))
        self.age_chart = BarChart(self.tr("待处理标记工单的等待时长"), colour=list(AGE_COLOURS))
        self.agent_chart = BarChart(self.tr("各坐席处理工单数（标注：中位处理时长）"), colour=AGENT_COLOUR)

        grid = QGridLayout()
        grid.addWidget(self.volume_chart, 0, 0)
        grid.addWidget(self.share_chart, 0, 1)
        grid.addWidget(self.age_chart, 1, 0)
        grid.addWidget(self.agent_chart, 1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addLayout(grid, 1)
        self.period.currentIndexChanged.connect(self.settingsChanged)
        self.bucket.currentIndexChanged.connect(self.settingsChanged)

    def period_days(self) -> int | None:
        return self.period.currentData()

    def bucket_kind(self) -> str:
        return str(self.bucket.currentData())

    def age_labels(self) -> list[str]:
        return [self.tr("<1小时"), self.tr("1–4小时"), self.tr("4–24小时"), self.tr("1–3天"), self.tr(">3天")]

    def show_data(self, data: ChartsData) -> None:
        volume = data.volume
        labels = [intent_name(intent) for intent, _ in volume.counts]
        values: list[float] = [count for _, count in volume.counts]
        if volume.untagged:
            labels.append(self.tr("未打标"))
            values.append(volume.untagged)
        self.volume_chart.set_bars(labels, values)
        self.share_chart.set_buckets(data.share, data.bucket)
        self.age_chart.set_bars(self.age_labels(), [b.count for b in data.ages])
        agents = data.agents
        texts = []
        tips = []
        names = [load.agent or self.tr("（未署名）") for load in agents]
        for name, load in zip(names, agents, strict=True):
            median = duration_text(load.median_handling_seconds) if load.median_handling_seconds is not None else "—"
            texts.append(self.tr("%1单 · 中位%2").replace("%1", str(load.tickets)).replace("%2", median))
            tips.append(
                self.tr("%1：处理 %2 单，回复 %3 条，中位处理时长 %4")
                .replace("%1", name)
                .replace("%2", str(load.tickets))
                .replace("%3", str(load.replies))
                .replace("%4", median)
            )
        self.agent_chart.set_bars(names, [load.tickets for load in agents], texts)
        self.agent_chart.setToolTip(
            "\n".join(tips) + "\n" + self.tr("处理时长：坐席每条回复距该工单此前最近一条客户消息的时间。")
        )
        negative = sum(b.negative for b in data.share)
        tagged = sum(b.tagged for b in data.share)
        share = f"{negative / tagged:.0%}" if tagged else "—"
        self.summary.setText(
            self.tr("工单 %1 个（未打标 %2）· 区间负面占比 %3")
            .replace("%1", str(volume.total))
            .replace("%2", str(volume.untagged))
            .replace("%3", share)
        )
        self.summary.setAlignment(Qt.AlignmentFlag.AlignRight)
