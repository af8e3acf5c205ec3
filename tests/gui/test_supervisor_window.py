"""The supervisor view at the window: supervisors only, the figures of the days before,
filters, a chart's bar opening the units behind it, and the exports."""

import itertools
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from bench_driver import Scanner
from PySide6.QtCharts import QAbstractBarSeries, QValueAxis
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QFileDialog, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import select, text

import ui.forecast_tab
from demo.history import write_history
from station.audit_chain import verify
from station.feedback import Tone
from station.operators import Role, SignedIn
from station.returns.bench import ReturnsBench
from station.returns.inspection import Inspection
from station.rulepack import RulePack
from station.scans import Scan
from station.settings import Settings
from station.states import ApprovalState
from station.store.engine import Store
from station.store.schema import FactCode, SiteAnswer, SiteApproval, SiteEvent
from station.supervisor.wording import category_name
from ui.charts import CHART_FRAME_PX, BarChart
from ui.main_window import MainWindow
from ui.style import TONE_COLOURS
from ui.supervisor_window import SupervisorWindow

pytestmark = pytest.mark.gui
_clock = itertools.count(1000, 2)


@pytest.fixture
def past(today: date, store: Store, pack: RulePack) -> Store:
    write_history(store, pack, days=10, units=800, today=today)
    return store


def figure(view: SupervisorWindow, name: str) -> str:
    model = view.figures
    for row in range(model.rowCount()):
        if model.index(row, 0).data() == name:
            return str(model.index(row, 1).data())
    raise AssertionError(f"no figure {name}")


@pytest.mark.usefixtures("past")
def test_only_a_supervisor_opens_the_view(
    make_window: Callable[[Settings], MainWindow], qtbot: QtBot
) -> None:
    settings = Settings()
    window = make_window(settings)
    scanner = Scanner(qtbot, window, settings)
    scanner.scan("BADGE-1001")
    window.open_supervisor()
    assert window.supervisor is None and window.feedback is not None
    assert window.feedback.tone is Tone.BAD and "supervisor only" in window.feedback.message
    scanner.scan("BADGE-3001")
    window.open_supervisor()
    assert window.supervisor is not None and window.supervisor.isVisible()
    window.supervisor.close()


def test_the_view_shows_the_past_filters_and_drills_down(
    *,
    today: date,
    qtbot: QtBot,
    past: Store,
    pack: RulePack,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    view = SupervisorWindow(past, Inspection.configured(pack, Settings()), today=today)
    qtbot.addWidget(view)
    units = int(figure(view, "Units decided or triaged").replace(",", ""))
    assert units > 800  # the history's units, planted spikes included, in the last 30 days
    # In a manager's words: money in the currency, rates in percent, times in minutes.
    assert figure(view, "Value returned").startswith("€") and "," in figure(view, "Value returned")
    assert figure(view, "Recovery rate").endswith("%")
    assert " min " in figure(view, "Time to decision, median") or figure(
        view, "Time to decision, median"
    ).endswith(" s")
    # The headline: units against the 30 days before (the history began 10 days ago).
    title, value, change = view.headline.shown[0]
    assert (title.text(), value.text()) == ("Units", figure(view, "Units decided or triaged"))
    assert change.text() == "none in the 30 days before"
    assert [t.text() for t, _, _ in view.headline.shown][1:] == [
        "Recovery rate", "Median time to decision", "Refunds waiting", "Exceptions",
    ]  # fmt: skip
    bars = view.dispositions.chart().axes(Qt.Orientation.Vertical)[0]
    assert "Vendor claim (RTV)" in bars.categories() and "RTV" not in bars.categories()
    benches = [view.narrowing["bench"].itemText(n) for n in range(view.narrowing["bench"].count())]
    assert benches[0] == "All" and "BENCH-02" in benches
    operators = view.narrowing["operator"]
    named = [operators.itemText(n) for n in range(operators.count())]
    assert "Ines Inspector" in named and "BADGE-1001" not in named  # by name, kept by badge
    operators.setCurrentText("Ines Inspector")
    assert view.filters().operator == "BADGE-1001"
    operators.setCurrentIndex(0)
    view.narrowing["bench"].setCurrentText("BENCH-02")
    view.refresh()
    assert 0 < int(figure(view, "Units decided or triaged").replace(",", "")) < units

    series = view.dispositions.chart().series()[0]
    assert isinstance(series, QAbstractBarSeries)
    restock = view.dispositions.labels.index("RESTOCK")
    series.barSets()[0].clicked.emit(restock)  # a click on the RESTOCK bar
    assert view.units.rowCount() > 0
    shown = {view.units.index(r, 8).data() for r in range(view.units.rowCount())}
    benches_shown = {view.units.index(r, 1).data() for r in range(view.units.rowCount())}
    assert shown == {"Restock"} and benches_shown == {"BENCH-02"}  # by its name

    out = tmp_path / "report.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(out), "*.csv"))
    view.export("csv")
    assert out.read_text(encoding="utf-8").startswith("section,key,value")
    shown = figure(view, "Units decided or triaged").replace(",", "")
    assert f"returns,units,{shown}" in out.read_text(encoding="utf-8")  # the CSV keeps numbers
    assert view.start.date().toPython() == today - timedelta(days=29)


def test_an_approval_is_answered_with_a_click(
    today: date, qtbot: QtBot, store: Store, bench: ReturnsBench
) -> None:
    for code in ("BADGE-1001", "RMA-10004", "5907725452020", "@YES", "@NO", "@NO", "@NO",
                 "@GRADE-A", "@DISP-DONATE"):  # fmt: skip
        bench.handle(Scan(code, at=float(next(_clock))))
    sam = SignedIn("Sam Supervisor", "BADGE-3001", Role.SUPERVISOR)
    view = SupervisorWindow(store, bench.inspection, lambda: sam, bench="BENCH-09", today=today)
    qtbot.addWidget(view)
    assert view.approvals.rowCount() == 1
    assert "override of the rules (RESTOCK → DONATE)" in view.approvals.index(0, 4).data()
    view.approval_table.selectRow(0)
    approve = next(b for b in view.findChildren(QPushButton) if b.text() == "Approve")
    qtbot.mouseClick(approve, Qt.MouseButton.LeftButton)
    assert view.answered.text().startswith("Approved")
    assert view.approvals.rowCount() == 0


def test_the_approve_and_refuse_buttons_wait_for_a_pick(
    today: date, qtbot: QtBot, store: Store, bench: ReturnsBench
) -> None:
    sam = SignedIn("Sam Supervisor", "BADGE-3001", Role.SUPERVISOR)
    view = SupervisorWindow(store, bench.inspection, lambda: sam, bench="BENCH-09", today=today)
    qtbot.addWidget(view)
    view.show()
    view.tabs.setCurrentIndex(view.tabs.count() - 1)
    answers = [b for b in view.findChildren(QPushButton) if b.text() in ("Approve", "Refuse")]
    assert view.waiting_list.nothing.isVisible()
    assert view.waiting_list.nothing.text().startswith("Nothing waiting")
    assert [b.isEnabled() for b in answers] == [False, False]
    for code in ("BADGE-1001", "RMA-10004", "5907725452020", "@YES", "@NO", "@NO", "@NO",
                 "@GRADE-A", "@DISP-DONATE"):  # fmt: skip
        bench.handle(Scan(code, at=float(next(_clock))))
    view.show_waiting()
    assert view.approval_table.isVisible() and not view.waiting_list.nothing.isVisible()
    assert [b.isEnabled() for b in answers] == [False, False]
    table = view.approval_table
    cell = table.visualRect(table.model().index(0, 2)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    assert [b.isEnabled() for b in answers] == [True, True]


def test_the_view_says_when_the_audit_trail_was_verified_and_red_when_broken(
    today: date, qtbot: QtBot, store: Store, bench: ReturnsBench
) -> None:
    view = SupervisorWindow(store, bench.inspection, bench="BENCH-09", today=today)
    qtbot.addWidget(view)
    assert view.audit_trail.text().startswith("Audit trail: not verified yet")
    bench.handle(Scan("BADGE-1001", at=float(next(_clock))))  # signing in is audited
    verify(store, datetime(2026, 12, 5, 9, 30))
    view.refresh()
    assert "verified" in view.audit_trail.text() and "1 entries chained" in view.audit_trail.text()
    assert view.audit_trail.styleSheet() == ""
    with store.unit() as session:
        session.execute(text("UPDATE audit SET operator = 'BADGE-3001' WHERE id = 1"))
    verify(store, datetime(2026, 12, 5, 10, 0))
    view.refresh()
    assert "BROKEN" in view.audit_trail.text()
    assert "entry #1 was changed" in view.audit_trail.text()
    assert TONE_COLOURS[Tone.BAD] in view.audit_trail.styleSheet()


def test_a_chart_of_named_bars_has_a_line_of_text_for_each_name(qtbot: QtBot) -> None:
    """Qt leaves every other name out when the bars are thinner than their names' text."""
    chart = BarChart("Units by found reason", across=True)
    qtbot.addWidget(chart)
    names = [f"REASON_{n}" for n in range(12)]
    chart.show_counts(dict.fromkeys(names, 3))
    (named, *_) = chart.chart().axes(Qt.Orientation.Vertical)
    line = QFontMetrics(named.labelsFont()).height()
    assert chart.minimumHeight() - CHART_FRAME_PX >= len(names) * line


def test_another_benchs_approval_shows_up_while_the_view_is_open_and_goes_through_the_hub(
    today: date, qtbot: QtBot, store: Store, bench: ReturnsBench
) -> None:
    sam = SignedIn("Sam Supervisor", "BADGE-3001", Role.SUPERVISOR)
    view = SupervisorWindow(store, bench.inspection, lambda: sam, bench="BENCH-01", today=today)
    qtbot.addWidget(view)
    view.show()
    view.approval_table.selectRow(0)
    assert view.approvals.rowCount() == 0
    # The site sync brings BENCH-07's override into this bench's replica of the queue.
    with store.unit() as session:
        session.add(
            SiteApproval(
                bench="BENCH-07", kind="return", key="U-7", operator="BADGE-1002",
                since=datetime(2026, 12, 5, 9, 41), what="APP-1: override of the rules",
                basis="override of the rules (RESTOCK → DONATE)", state=ApprovalState.WAITING,
            )
        )  # fmt: skip
    qtbot.waitUntil(lambda: view.approvals.rowCount() == 1, timeout=5000)
    assert view.approvals.index(0, 1).data() == "BENCH-07"
    assert view.approvals.index(0, 2).data() == "Ibrahim Okafor"  # named, not a badge
    view.approval_table.selectRow(0)
    refuse = next(b for b in view.findChildren(QPushButton) if b.text() == "Refuse")
    qtbot.mouseClick(refuse, Qt.MouseButton.LeftButton)
    assert view.answered.text() == (
        "Refused: APP-1: override of the rules. Sent to BENCH-07 through the hub."
    )
    assert view.approvals.rowCount() == 0  # on its way: not offered twice
    with store.read() as session:
        sent = session.scalars(select(SiteAnswer)).one()
    assert (sent.bench, sent.key, sent.approve) == ("BENCH-07", "U-7", False)
    assert sent.supervisor == sam.badge
    # The hub refused it (the item had moved on): the view says so at its next look.
    with store.unit() as session:
        answer = session.get(SiteAnswer, sent.id)
        assert answer is not None
        answer.sent_at = answer.answered_at
        answer.refused = "that return at BENCH-07 no longer waits"
    qtbot.waitUntil(lambda: "The hub refused" in view.answered.text(), timeout=5000)
    assert view.answered.text() == (
        "The hub refused your answer to APP-1: override of the rules: "
        "that return at BENCH-07 no longer waits."
    )


def test_the_view_says_how_fresh_each_other_benchs_figures_are(
    today: date, qtbot: QtBot, store: Store, bench: ReturnsBench
) -> None:
    sam = SignedIn("Sam Supervisor", "BADGE-3001", Role.SUPERVISOR)
    view = SupervisorWindow(store, bench.inspection, lambda: sam, bench="BENCH-01", today=today)
    qtbot.addWidget(view)
    view.show()
    assert not view.site_fresh.isVisible()  # a standalone bench: no site to speak of
    written = datetime.combine(today, datetime.min.time().replace(hour=10, minute=41))
    stored = written.astimezone().astimezone(UTC).replace(tzinfo=None)
    with store.unit() as session:
        session.add(
            SiteEvent(
                event_id="0b9a4a58-7d39-4b0e-9d62-7e1f5d8d2a10", bench="BENCH-07", seq=1,
                kind="unexpected_return", subject=None, payload={"unit": "u-7"},
                created_at=stored, received_at=stored,
            )
        )  # fmt: skip
    view.refresh()
    assert view.site_fresh.isVisible()
    assert view.site_fresh.text() == "Other benches of the site — BENCH-07: as of 10:41."


@pytest.mark.usefixtures("past")
def test_long_names_in_the_filters_leave_the_view_on_a_1366_pixel_screen(
    today: date, past: Store, pack: RulePack, qtbot: QtBot
) -> None:
    long = {
        "supplier": "Nordic Outdoor Equipment Wholesale Company Limited (Göteborg)",
        "category": "Consumer electronics: audio, headphones and portable speakers",
        "operator": "Maria-Magdalena Vasconcelos-Oliveira da Silva",
    }
    with past.unit() as session:
        for number, (dimension, value) in enumerate(long.items(), 900):
            session.add(FactCode(dimension=dimension, value=value, code=number))
    view = SupervisorWindow(past, Inspection.configured(pack, Settings()), today=today)
    qtbot.addWidget(view)
    view.show()
    assert view.minimumSizeHint().width() <= 1366
    for name, value in long.items():
        box = view.narrowing[name]
        # Chosen, the name is read whole in its list, and the box says it in a tooltip.
        assert box.view().minimumWidth() >= box.fontMetrics().horizontalAdvance(value)
        box.setCurrentText(value)
        assert box.toolTip() == value


@pytest.mark.usefixtures("past")
def test_the_forecast_tab_stacks_two_weeks_by_category_and_goes_out_with_the_report(
    *,
    today: date,
    past: Store,
    pack: RulePack,
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    view = SupervisorWindow(past, Inspection.configured(pack, Settings()), today=today)
    qtbot.addWidget(view)
    view.show()  # the forecast is made on its own thread from the first showing
    qtbot.waitUntil(lambda: view.forecast.result is not None, timeout=30_000)
    made = view.forecast.result
    assert made is not None
    assert view.forecast.table.rowCount() == 14
    first = today + timedelta(days=1)
    assert view.forecast.table.index(0, 0).data() == f"{first:%a %d %b}"
    assert view.forecast.said.text().startswith("About ")
    # Ten days of history are too few for the model: said, by category.
    assert "Too little history, last week repeated:" in view.forecast.said.text()
    chart = view.forecast.chart.chart()
    (series,) = chart.series()
    names = sorted(category_name(c) for c in made.methods)
    assert sorted(bars.label() for bars in series.barSets()) == names
    assert chart.legend().isVisible()
    values = next(a for a in chart.axes() if isinstance(a, QValueAxis))
    step = (values.max() - values.min()) / (values.tickCount() - 1)
    assert values.min() == 0 and step == int(step) and str(int(step))[0] in "125"
    out = tmp_path / "report.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a: (str(out), ""))
    view.export("csv")
    assert f"forecast {first.isoformat()}" in out.read_text(encoding="utf-8")


def test_a_chart_of_few_counts_ticks_at_whole_numbers(qtbot: QtBot) -> None:
    chart = BarChart("Units by disposition")
    qtbot.addWidget(chart)
    chart.show_counts({"RESTOCK": 1})
    values = next(a for a in chart.chart().axes() if isinstance(a, QValueAxis))
    assert (values.min(), values.max(), values.tickCount()) == (0, 1, 2)  # "0 1", not "0 0 0 0 1"
    chart.show_counts({"RESTOCK": 37, "RTV": 12})
    assert (values := next(a for a in chart.chart().axes() if isinstance(a, QValueAxis)))
    assert (values.max(), values.tickCount()) == (40, 5)  # 0 10 20 30 40


def test_the_trend_counts_each_day_marks_a_spike_and_a_click_narrows_to_its_day(
    today: date, store: Store, pack: RulePack, qtbot: QtBot
) -> None:
    written = write_history(store, pack, days=40, units=4_000, today=today)
    spike = max(written.spikes, key=lambda s: s.day)  # a planted spike: its day ends a range
    view = SupervisorWindow(store, Inspection.configured(pack, Settings()), today=today)
    qtbot.addWidget(view)
    view.end.setDate(spike.day)
    view.start.setDate(spike.day - timedelta(days=13))
    view.refresh()
    assert view.report is not None and view.report.spikes  # the alert of that day
    (series,) = view.trend.chart().series()
    (bars,) = series.barSets()
    counts = [int(bars.at(n)) for n in range(bars.count())]
    assert len(counts) == 14 and sum(counts) == view.report.returns.units
    assert bars.selectedBars() == [13]  # the spike's day, in amber
    day = view.trend.labels[5]
    bars.clicked.emit(5)
    assert view.start.date() == view.end.date() == QDate.fromString(day, Qt.DateFormat.ISODate)
    assert view.report.returns.units == counts[5]


def test_a_forecast_that_cannot_be_made_says_so_on_its_tab(
    today: date, store: Store, pack: RulePack, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unfitted(*_args: object) -> None:
        raise np.linalg.LinAlgError("Schur decomposition solver error")

    monkeypatch.setattr(ui.forecast_tab, "forecast", unfitted)
    view = SupervisorWindow(store, Inspection.configured(pack, Settings()), today=today)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.forecast.said.text().startswith("No forecast could be made"))
    assert "Schur" in view.forecast.said.text() and view.forecast.result is None
