"""The supervisor view: the benches' figures over a date range, with filters, charts,
tables, the alerts, and the units behind any bar of a chart (click it).

Everything is read from the local store: it works with the network down.
"""

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from station.audit_chain import last_check
from station.errors import KnownError
from station.feedback import Tone
from station.operators import SignedIn, operator_names
from station.recording import utcnow
from station.returns.inspection import Inspection
from station.setting_keys import CURRENCY
from station.store.engine import Store
from station.supervisor.approvals import Waiting
from station.supervisor.drill import UnitRecord, units_behind
from station.supervisor.facts import Facts, load_facts
from station.supervisor.kpis import Filters, returns_kpis
from station.supervisor.report import (
    Report,
    build_report,
    facts_for,
    figures,
    write_csv,
)
from station.supervisor.report_pdf import write_pdf
from station.supervisor.site_facts import TRIAGE, as_of
from station.supervisor.site_queue import answer, refused_lately, waiting
from station.supervisor.tiles import before, tiles
from station.supervisor.wording import Wording, headline, receiving, share
from ui.charts import BarChart
from ui.filter_box import FilterBox
from ui.forecast_tab import ForecastTab
from ui.headline_tiles import HeadlineTiles
from ui.models import TextTableModel, local_time
from ui.style import TONE_COLOURS
from ui.tables import PickList, read_only_table

DAYS = 30  # the range the view opens on
NARROWINGS = ("bench", "operator", "category", "supplier")
LIVE_AFTER_S = 5.0  # how fresh today's figures are when Show is pressed again
TOP_ITEMS = 8  # the chart's items: every name readable
WATCH_MS = 2000  # how often an open view looks for approvals come from other benches


class FigureModel(TextTableModel):
    headers = ("Figure", "Value")


class ScoreModel(TextTableModel):
    headers = ("Supplier", "Defective or damaged", "Units received", "Rate")


class ApprovalModel(TextTableModel):
    headers = ("Since", "Bench", "Operator", "Kind", "What")


class UnitModel(TextTableModel):
    headers = ("Decided", "Bench", "Operator", "SKU", "RMA", "Stated", "Found", "Grade",
               "Disposition", "LPN")  # fmt: skip


class SupervisorWindow(QDialog):
    def __init__(
        self,
        store: Store,
        inspection: Inspection,
        signed_in: Callable[[], SignedIn | None] = lambda: None,
        *,
        bench: str = "",
        today: date | None = None,
        currency: str = CURRENCY.default,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Supervisor view")
        self.currency = currency
        with store.read() as session:  # named again at each refresh: operators change
            self.words = Wording.of(inspection.pack, operator_names(session), currency)
        self.resize(1300, 850)
        self.store, self.inspection, self.pack = store, inspection, inspection.pack
        self._live = today is None  # a window on the real clock follows it past midnight
        # Who is signed in at the bench now, asked at each answer: a supervisor who signed
        # out leaves no approvals behind in a window still open.
        self.signed_in, self.bench = signed_in, bench
        self.waiting: list[Waiting] = []
        self.approvals = ApprovalModel(self)
        self._refusal_said = 0
        self._forecasting = False  # its thread started, at the first showing
        # Other benches' approvals arrive by the site sync: looked for while the view is open.
        self._watching = QTimer(self)
        self._watching.setInterval(WATCH_MS)
        self._watching.timeout.connect(self._look_again)
        self.answered = QLabel(
            "What waits for a supervisor at this bench, and at the site's other benches "
            "when it has a hub."
        )
        self.today = today or datetime.now().astimezone().date()
        self.report: Report | None = None
        self._loaded: tuple[tuple[date, date], Facts] | None = None
        self._loaded_at = 0.0
        self.start = _date_edit(self.today - timedelta(days=DAYS - 1))
        self.end = _date_edit(self.today)
        self.narrowing = {name: FilterBox() for name in NARROWINGS}
        self.figures, self.rates, self.scores = (
            FigureModel(self),
            FigureModel(self),
            ScoreModel(self),
        )
        self.receiving, self.units = FigureModel(self), UnitModel(self)
        self.dispositions = BarChart(
            "Units by disposition", lambda v: self.drill("disposition", v), across=True
        )
        self.trend = BarChart("Units per day (a click shows that day; amber: a spike alert)",
                              self.narrow_to_day)  # fmt: skip
        self.hours = BarChart("Units by hour of day")
        self.benches = BarChart("Units per hour worked, by bench")
        self.reasons = BarChart(
            "Units by found reason", lambda v: self.drill("found", v), across=True
        )
        self.skus = BarChart("Items returned most", lambda v: self.drill("sku", v), across=True)
        self.alerts = QLabel()
        self.alerts.setWordWrap(True)
        self.drilled = QLabel("Click a bar to see the units behind it.")
        self.audit_trail = QLabel()
        self.site_fresh = QLabel()
        self.site_fresh.setWordWrap(True)
        self.headline = HeadlineTiles()
        self._layout()
        self._fill_choices()
        self.refresh()

    def _layout(self) -> None:
        # The range and what to do with it on one line, the filters on the next: on one
        # they took more than a 1366-pixel bench screen.
        bar = QHBoxLayout()
        bar.addWidget(QLabel("From"))
        bar.addWidget(self.start)
        bar.addWidget(QLabel("to"))
        bar.addWidget(self.end)
        bar.addStretch(1)
        narrowing = QHBoxLayout()
        for name, box in self.narrowing.items():
            narrowing.addWidget(QLabel(name.capitalize()))
            narrowing.addWidget(box, 1)
        for text, slot in (
            ("Show", self.refresh),
            ("Export CSV…", lambda: self.export("csv")),
            ("Export PDF…", lambda: self.export("pdf")),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            bar.addWidget(button)
        tabs = QTabWidget()
        returns = QWidget()
        grid = QGridLayout(returns)
        grid.addWidget(read_only_table(self.figures), 0, 0, 2, 1)
        grid.addWidget(self.dispositions, 0, 1)
        # The reasons' names are long ("Missing parts or accessories"): the wide place.
        grid.addWidget(self.skus, 0, 2)
        grid.addWidget(self.reasons, 1, 1, 1, 2)
        grid.addWidget(self.drilled, 2, 0, 1, 3)
        grid.addWidget(read_only_table(self.units), 3, 0, 1, 3)
        tabs.addTab(returns, "Returns")
        throughput = QWidget()
        rows = QVBoxLayout(throughput)
        rows.addWidget(self.trend)
        rows.addWidget(self.hours)
        rows.addWidget(self.benches)
        rows.addWidget(read_only_table(self.rates))
        tabs.addTab(throughput, "Throughput")
        alerts = QWidget()
        column = QVBoxLayout(alerts)
        column.addWidget(self.alerts)
        column.addWidget(QLabel("Supplier scorecard: defect-driven returns per unit received"))
        column.addWidget(read_only_table(self.scores))
        tabs.addTab(alerts, "Alerts")
        receiving = QWidget()
        QVBoxLayout(receiving).addWidget(read_only_table(self.receiving))
        tabs.addTab(receiving, "Receiving and exceptions")
        self.forecast = ForecastTab(self.store, self.today)
        tabs.addTab(self.forecast, "Forecast")
        tabs.addTab(self._approvals_tab(), "Approvals")
        self.tabs = tabs
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(narrowing)
        layout.addWidget(self.audit_trail)
        layout.addWidget(self.site_fresh)
        layout.addWidget(self.headline)
        layout.addWidget(tabs)

    def _approvals_tab(self) -> QWidget:
        tab = QWidget()
        column = QVBoxLayout(tab)
        buttons = QHBoxLayout()
        answers = [QPushButton("Approve"), QPushButton("Refuse")]
        for button, approve in zip(answers, (True, False), strict=True):
            button.clicked.connect(lambda _=False, yes=approve: self.answer(yes))
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.waiting_list = PickList(
            self.approvals, "Nothing waiting for a supervisor's answer.", answers
        )
        self.approval_table = self.waiting_list.table
        column.addWidget(self.answered)
        column.addWidget(self.waiting_list)
        column.addLayout(buttons)
        return tab

    def show_waiting(self) -> None:
        with self.store.read() as session:
            now_waiting = waiting(session, self.inspection, self.bench)
            refused = refused_lately(session, utcnow())
            names = operator_names(session)
        if refused and refused[0].id != self._refusal_said:
            # The hub had the last word on an answer given here: say so, once.
            last, self._refusal_said = refused[0], refused[0].id
            self.answered.setText(f"The hub refused your answer to {last.what}: {last.refused}.")
        if now_waiting == self.waiting and self.approvals.rowCount():
            return  # unchanged: the supervisor's selection stays
        self.waiting = now_waiting
        self.approvals.show(
            [
                (local_time(w.since), w.bench, names.get(w.operator, w.operator), w.kind, w.what)
                for w in self.waiting
            ]
        )

    def _look_again(self) -> None:
        if self.isVisible():
            self.show_waiting()

    def showEvent(self, event: QShowEvent) -> None:
        self._watching.start()
        if not self._forecasting:
            self._forecasting = True
            self.forecast.start()
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        self._watching.stop()
        super().hideEvent(event)

    def answer(self, approve: bool) -> None:
        """The selected row approved or refused, as the signed-in supervisor."""
        picked = self.waiting_list.picked()
        if picked is None:
            return
        item = self.waiting[picked]
        try:
            said = answer(
                self.store, self.inspection, item, self.signed_in(),
                approve=approve, at_bench=self.bench,
            )  # fmt: skip
        except KnownError as refused:
            said = str(refused)
        self.answered.setText(said)
        self.show_waiting()

    def _fill_choices(self) -> None:
        codes = self._facts(self.filters()).codes
        for name, box in self.narrowing.items():
            # Chosen by name (an operator's, a category's words), kept by value.
            box.fill(self.words.names(name, sorted(v for v in codes.names(name) if v)))

    def _facts(self, filters: Filters) -> Facts:
        """The facts for ``filters``' range, loaded again only when the range changes: a
        filter on a bench or an item is counted over those in hand."""
        span = (filters.start, filters.end)
        # Today's units keep coming: a range with today is read again, at most so often.
        live = filters.start <= self.today <= filters.end
        stale = live and time.monotonic() - self._loaded_at > LIVE_AFTER_S
        if self._loaded is None or self._loaded[0] != span or stale:
            self._loaded = (span, facts_for(self.store, filters, self.today))
            self._loaded_at = time.monotonic()
        return self._loaded[1]

    def filters(self) -> Filters:
        chosen = {n: value for n, box in self.narrowing.items() if (value := box.chosen())}
        return Filters(_day(self.start), _day(self.end), **chosen)

    def refresh(self) -> None:
        self.today = datetime.now().astimezone().date() if self._live else self.today
        filters = self.filters()
        report = build_report(
            self.store, self.pack, filters, today=self.today, facts=self._facts(filters)
        )
        self.report = report
        # Figures of other benches are as fresh as the last events each sent this bench.
        fresh = as_of(report.freshness, self.today)
        self.site_fresh.setText(f"Other benches of the site — {fresh}.")
        self.site_fresh.setVisible(bool(report.freshness))
        r = report.returns
        every = figures(report)
        with self.store.read() as session:
            self.words = words = Wording.of(self.pack, operator_names(session), self.currency)
        self.figures.show(headline(report, words))
        self._show_tiles(report, filters)
        dispositions, found = r.by.get("disposition", {}), r.by.get("found", {})
        self.dispositions.show_counts(dispositions, words.names("disposition", [*dispositions]))
        self.reasons.show_counts(found, words.names("found", [*found]))
        top = [(k, v) for k, v in r.by.get("sku", {}).items() if k != "others"][:TOP_ITEMS]
        self.skus.show_counts(dict(top))
        self._show_trend(report)
        self.hours.show_counts({f"{h:02d}": n for h, n in enumerate(r.by_hour_of_day)})
        self.benches.show_counts(r.per_hour.get("bench", {}))
        self.rates.show(
            [
                (f"{s}: {words.name(s.rsplit(' ', 1)[-1], k)}", f"{v:.1f}")
                for s, k, v in every
                if "per hour" in s and isinstance(v, int | float)
            ]
        )
        self.alerts.setText(
            "\n".join(s.why(report.rule) for s in report.spikes)
            or f"No return spike on {report.filters.end:%d %b}."
        )
        self.scores.show(
            [(s.supplier, str(s.defects), str(s.received), share(s.rate)) for s in report.scorecard]
        )
        self.receiving.show(receiving(report))
        self.units.show([])
        self.show_waiting()
        self.show_audit_trail()

    def _show_trend(self, report: Report) -> None:
        """Units a day over the range; the days with a spike alert in amber."""
        first = report.filters.start
        days = [first + timedelta(days=n) for n in range((report.filters.end - first).days + 1)]
        counts = report.returns.by_day or [0] * len(days)
        spiked = {spike.day.isoformat() for spike in report.spikes}
        self.trend.show_counts(
            {day.isoformat(): n for day, n in zip(days, counts, strict=True)},
            {day.isoformat(): f"{day:%d}" if len(days) > 14 else f"{day:%a %d}" for day in days},
            spiked,
        )

    def narrow_to_day(self, day: str) -> None:
        """The whole view on the one day of the trend's bar clicked."""
        picked = QDate.fromString(day, Qt.DateFormat.ISODate)
        self.start.setDate(picked)
        self.end.setDate(picked)
        self.refresh()

    def _show_tiles(self, report: Report, filters: Filters) -> None:
        """The headline, against the period of the same length just before the range."""
        earlier = before(filters)
        facts = load_facts(self.store, earlier.start, earlier.end, self.today)
        recovery = {code: d.recovery for code, d in self.pack.dispositions.items()}
        then = returns_kpis(facts, earlier, recovery)
        self.headline.show_tiles(tiles(report.returns, then, filters, self.store))

    def show_audit_trail(self) -> None:
        """When the audit chain was last verified, and in red if it was found broken."""
        check = last_check(self.store)
        if check is None:
            said = "Audit trail: not verified yet (station audit verify)."
        elif check.broken is None:
            said = (
                f"Audit trail verified {local_time(check.at)}: sound, "
                f"{check.entries} entries chained."
            )
        else:
            said = (
                f"Audit trail BROKEN, found {local_time(check.at)}: {check.broken}. Call support."
            )
        self.audit_trail.setText(said)
        broken = check is not None and check.broken is not None
        self.audit_trail.setStyleSheet(
            f"color: {TONE_COLOURS[Tone.BAD]}; font-weight: bold;" if broken else ""
        )

    def drill(self, dimension: str, value: str) -> None:
        """The units behind a bar, under the filters the chart was drawn with."""
        if self.report is None:
            return
        with self.store.read() as session:
            found = units_behind(session, self.report.filters, dimension, value)
        self.drilled.setText(
            f"Units with {dimension} {self.words.name(dimension, value)}: the newest {len(found)}."
        )
        self.units.show([_unit_row(u, self.words) for u in found])

    def export(self, kind: str) -> None:
        if self.report is None:
            return
        name, _ = QFileDialog.getSaveFileName(
            self, f"Export the report as {kind.upper()}", f"report.{kind}", f"*.{kind}"
        )
        if name:
            # The forecast goes with the report once its tab has it.
            report = replace(self.report, forecast=self.forecast.result)
            if kind == "csv":
                write_csv(report, Path(name))
            else:
                write_pdf(report, Path(name), self.words)


def _unit_row(unit: UnitRecord, words: Wording) -> tuple[str, ...]:
    return (
        local_time(unit.finished_at), unit.bench, words.name("operator", unit.operator),
        unit.sku or "", unit.rma or "", words.name("stated", unit.stated or ""),
        words.name("found", unit.found or ""), unit.grade or "",
        words.name("disposition", unit.disposition or TRIAGE), unit.lpn or "",
    )  # fmt: skip


def _date_edit(day: date) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def _day(edit: QDateEdit) -> date:
    picked = edit.date()
    return date(picked.year(), picked.month(), picked.day())
