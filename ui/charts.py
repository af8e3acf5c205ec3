"""The station's charts: bars with their names (``BarChart``), text at the window's size,
and axes of counts that tick at round numbers ("0 5 10 15 20", never "0 0 0 0 1")."""

import math
from collections.abc import Callable, Collection, Mapping

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QValueAxis,
)
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPainter

from station.feedback import Tone
from ui.style import TONE_COLOURS

CHART_POINTS = 11  # as the style sheet's smallest text (ui.style)
MOST_TICKS = 6
ACROSS_TICKS = 4  # a bar chart lying across has its counts along a short side
BAR_PX, CHART_FRAME_PX = 22, 90  # a named bar's line, and the title and axis around them


def chart_font(*, bold: bool = False) -> QFont:
    """A chart draws its own text, outside the style sheet: at the size of the window's."""
    font = QFont()
    font.setPointSize(CHART_POINTS)
    font.setBold(bold)
    return font


def count_axis(axis: QValueAxis, top: float, most_ticks: int = MOST_TICKS) -> None:
    """``axis`` from 0 past ``top``, a tick at every round step (1, 2 or 5 times a power of
    ten, whole), labelled in whole numbers; at most ``most_ticks`` of them."""
    step = round_step(top / (most_ticks - 1))
    steps = max(1, math.ceil(top / step))
    axis.setRange(0, step * steps)
    axis.setTickCount(steps + 1)
    axis.setLabelFormat("%d")
    axis.setLabelsFont(chart_font())


def round_step(rough: float) -> int:
    """The round step at or above ``rough``: 1, 2, 5, 10, 20, 50…; at least 1."""
    if rough <= 1:
        return 1
    power = 10 ** math.floor(math.log10(rough))
    return next(int(m * power) for m in (1, 2, 5, 10) if m * power >= rough)


class BarChart(QChartView):
    """Bars with their labels; ``on_bar`` hears which label a click fell on. Named things
    (dispositions, reasons, items) lie across, their names to the left, whole."""

    def __init__(
        self,
        title: str,
        on_bar: Callable[[str], None] | None = None,
        *,
        across: bool = False,
    ) -> None:
        super().__init__()
        self.title, self.on_bar, self.across = title, on_bar, across
        self.labels: list[str] = []
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(220)

    def show_counts(
        self,
        counts: dict[str, int] | dict[str, float],
        names: Mapping[str, str] | None = None,
        marked: Collection[str] = (),
    ) -> None:
        """Bars of ``counts``, each named by ``names`` (a code's words), else by its key; a
        click still hears the key. The ``marked`` keys' bars are drawn in amber."""
        # Across, the first bar is drawn at the bottom: reversed, the largest is on top.
        self.labels = list(reversed(list(counts))) if self.across else list(counts)
        if self.across:  # a line of text per named bar, or Qt leaves every other name out
            self.setMinimumHeight(max(220, CHART_FRAME_PX + BAR_PX * len(self.labels)))
        bars = QBarSet(self.title)
        bars.append([float(counts[label]) for label in self.labels])
        if self.on_bar is not None:
            bars.clicked.connect(lambda index: self.on_bar(self.labels[index]))
        bars.setSelectedColor(QColor(TONE_COLOURS[Tone.WARN]))
        bars.selectBars([n for n, label in enumerate(self.labels) if label in marked])
        series = QHorizontalBarSeries() if self.across else QBarSeries()
        series.append(bars)
        chart = QChart()
        chart.setTitle(self.title)
        chart.setTitleFont(chart_font(bold=True))
        chart.legend().hide()
        chart.addSeries(series)
        categories = QBarCategoryAxis()
        named = names or {}
        categories.append([named.get(label, label) or "(none)" for label in self.labels])
        categories.setTruncateLabels(False)  # whole names, not "RE..."
        categories.setLabelsFont(chart_font())
        values = QValueAxis()
        count_axis(
            values, max(counts.values(), default=0), ACROSS_TICKS if self.across else MOST_TICKS
        )
        along, counted = (
            (Qt.AlignmentFlag.AlignLeft, Qt.AlignmentFlag.AlignBottom)
            if self.across
            else (Qt.AlignmentFlag.AlignBottom, Qt.AlignmentFlag.AlignLeft)
        )
        chart.addAxis(categories, along)
        chart.addAxis(values, counted)
        series.attachAxis(categories)
        series.attachAxis(values)
        before = self.chart()
        self.setChart(chart)
        before.deleteLater()  # the view does not own the chart it shows
