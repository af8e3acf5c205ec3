"""The supervisor view's Forecast tab: the returns expected each day of the next two weeks,
stacked by category, and the inspector-hours they need, to staff the benches.

The forecast is made on a thread of its own as the view opens (statsmodels loads in about
a second, and a model is fitted per category): the tab says so meanwhile, and the view
stays live.
"""

import logging
import threading
from datetime import date

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from station.store.engine import Store
from station.supervisor.forecast import NAIVE, Forecast, forecast
from station.supervisor.wording import category_name
from ui.charts import chart_font, count_axis
from ui.models import TextTableModel
from ui.tables import read_only_table

log = logging.getLogger("station.supervisor")


class ForecastModel(TextTableModel):
    headers = ("Day", "Returns expected", "Of them announced", "Inspector-hours")


class ForecastTab(QWidget):
    def __init__(self, store: Store, today: date) -> None:
        super().__init__()
        self.store, self.today = store, today
        self.result: Forecast | None = None
        self.said = QLabel("Forecasting the next two weeks from the last sixteen…")
        self.said.setWordWrap(True)
        self.chart = QChartView()
        self.chart.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart.setMinimumHeight(300)
        self.chart.chart().setTitleFont(chart_font(bold=True))  # until the forecast is drawn
        self.table = ForecastModel(self)
        column = QVBoxLayout(self)
        column.addWidget(self.said)
        column.addWidget(self.chart, 2)
        column.addWidget(read_only_table(self.table), 1)
        self._making: _Making | None = None

    def start(self) -> None:
        """Makes the forecast away from the window's thread; shown when it is made."""
        # Kept here as well as by the thread, so that it is let go of on this thread; a
        # view closed meanwhile no longer hears it.
        self._making = _Making(self.store, self.today)
        self._making.made.connect(self._made)
        threading.Thread(target=self._making.run, name="forecast", daemon=True).start()

    @Slot(object)
    def _made(self, made: object) -> None:
        if not isinstance(made, Forecast):
            self.said.setText(f"No forecast could be made ({made!r}); the log says more.")
            return
        self.result = made
        per_day = made.per_day()
        units = sum(u for _, u, _, _ in per_day)
        hours = sum(h for _, _, _, h in per_day)
        naive = sorted(category_name(c) for c, method in made.methods.items() if method == NAIVE)
        self.said.setText(
            f"About {units:,.0f} returns in the next {len(per_day)} days, needing about "
            f"{hours:,.0f} inspector-hours. Each category's units per day over the last 16 "
            "weeks are fitted by a structural time series (trend, week, month); a day never "
            "shows fewer than the RMAs already on their way for it."
            + (f" Too little history, last week repeated: {', '.join(naive)}." if naive else "")
        )
        self.table.show(
            [
                (f"{day:%a %d %b}", f"{expected:,.0f}", str(announced), f"{hours:.1f}")
                for day, expected, announced, hours in per_day
            ]
        )
        self._draw(made)

    def _draw(self, made: Forecast) -> None:
        series = QStackedBarSeries()
        units = {(r.day, r.category): r.units for r in made.rows}
        for category in sorted(made.methods):
            bars = QBarSet(category_name(category))
            bars.append([units.get((day, category), 0.0) for day in made.days])
            series.append(bars)
        chart = QChart()
        chart.setTitle("Returns expected per day, by category")
        chart.setTitleFont(chart_font(bold=True))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        chart.legend().setFont(chart_font())
        chart.addSeries(series)
        days = QBarCategoryAxis()
        days.append([f"{day:%a %d}" for day in made.days])
        days.setLabelsFont(chart_font())
        values = QValueAxis()
        per_day = [sum(units.get((day, c), 0.0) for c in made.methods) for day in made.days]
        count_axis(values, max(per_day, default=0.0))
        chart.addAxis(days, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(days)
        series.attachAxis(values)
        before = self.chart.chart()
        self.chart.setChart(chart)
        before.deleteLater()  # the view does not own the chart it shows


class _Making(QObject):
    """A forecast made on the thread that runs ``run``.

    Signals:
        made(object): the ``Forecast``, or the error that stopped it; queued to the tab's
            thread.
    """

    made = Signal(object)

    def __init__(self, store: Store, today: date) -> None:
        super().__init__()
        self.store, self.today = store, today

    def run(self) -> None:
        try:
            self.made.emit(forecast(self.store, self.today))
        except Exception as exc:  # the store unread, a model unfitted: said on the tab
            log.exception("the forecast could not be made")
            self.made.emit(exc)
