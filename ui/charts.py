"""What every chart of the station shares: its text at the window's size, and axes of
counts that tick at round numbers ("0 5 10 15 20", never "0 0 0 0 1")."""

import math

from PySide6.QtCharts import QValueAxis
from PySide6.QtGui import QFont

CHART_POINTS = 11  # as the style sheet's smallest text (ui.style)
MOST_TICKS = 6


def chart_font(*, bold: bool = False) -> QFont:
    """A chart draws its own text, outside the style sheet: at the size of the window's."""
    font = QFont()
    font.setPointSize(CHART_POINTS)
    font.setBold(bold)
    return font


def count_axis(axis: QValueAxis, top: float) -> None:
    """``axis`` from 0 past ``top``, a tick at every round step (1, 2 or 5 times a power of
    ten, whole), labelled in whole numbers."""
    step = round_step(top / (MOST_TICKS - 1))
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
