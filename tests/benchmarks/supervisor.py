"""``make bench``: the supervisor view over ten million recorded units.

Writes the demo data and four years of history (``station demo-data history``, ten
million returned units of a busy site) into a fresh store, then prints:

- ``{"bench": "history_write", "units": …, "s": …}``: how long writing them took (the
  units, their RMAs, the receipts, and every past day's facts kept).
- ``{"bench": "supervisor_kpis", "units": …, "total_ms": …}``: every figure of the view
  (returns, receiving and exceptions, the alerts, the supplier scorecard, the headline
  tiles against the period before) over all ten million units, the range's facts loaded
  (``load_ms``, apart); the median of five runs. Target 200 ms.
- ``{"bench": "supervisor_narrowed", "first_ms": …, "ms": …}``: the same figures narrowed
  to one bench of four, which counts the range's rows: read from the kept days the first
  time (``first_ms``), in memory after (``ms``, the median of five).
- ``{"bench": "supervisor_open", "ms": …}``: opening the view (offscreen) on its default
  range, the past days' facts kept as ``demo-data history`` left them; the median of
  five openings. Target 1,000 ms.
- ``{"bench": "forecast", "ms": …, "units": …}``: the next 14 days' forecast over this
  history, as the view asks for it (statsmodels loaded once before). Target 1,000 ms.
- ``{"bench": "backlog_outcomes", "ms": …}``: counting the last 180 days' outcomes the
  backlog's worth is worked out from (once a day), over this history.
"""

import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from demo.history import write_history
from demo.master_data import load_demo_data
from station.returns.backlog import outcomes
from station.returns.inspection import Inspection
from station.rulepack import RulePack, load_rulepack
from station.settings import Settings
from station.store.engine import Store, open_store
from station.supervisor.facts import load_facts
from station.supervisor.forecast import forecast
from station.supervisor.kpis import Filters, returns_kpis
from station.supervisor.report import build_report, facts_for
from station.supervisor.tiles import before, tiles
from ui.supervisor_window import SupervisorWindow

UNITS, DAYS, RUNS = 10_000_000, 1460, 5


def main() -> None:
    app = QApplication(sys.argv[:1])
    pack = load_rulepack()
    today = date.today()
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "station.db")
        try:
            load_demo_data(store, today)
            started = time.perf_counter()
            written = write_history(store, pack, days=DAYS, units=UNITS, today=today)
            print(json.dumps({
                "bench": "history_write", "units": written.units,
                "s": round(time.perf_counter() - started, 1),
            }))  # fmt: skip
            figures(store, pack, today)
            opening(app, store, Inspection.configured(pack, Settings()), today, written.units)
            forecasting(store, today, written.units)
            started = time.perf_counter()
            outcomes(store, today)
            print(json.dumps({
                "bench": "backlog_outcomes", "units": written.units,
                "ms": round((time.perf_counter() - started) * 1000, 1),
            }))  # fmt: skip
        finally:
            store.close()


def figures(store: Store, pack: RulePack, today: date) -> None:
    """Every figure over the whole history; then narrowed to one bench."""
    everything = Filters(today - timedelta(days=DAYS), today)
    started = time.perf_counter()
    facts = facts_for(store, everything, today)
    loaded = (time.perf_counter() - started) * 1000
    earlier = before(everything)  # the headline tiles' comparison
    earlier_facts = load_facts(store, earlier.start, earlier.end, today)
    recovery = {code: d.recovery for code, d in pack.dispositions.items()}

    def every_figure() -> None:
        report = build_report(store, pack, everything, today=today, facts=facts)
        then = returns_kpis(earlier_facts, earlier, recovery)
        tiles(report.returns, then, everything, store)

    total = median_ms(every_figure)
    print(json.dumps({
        "bench": "supervisor_kpis", "units": facts.rows, "total_ms": round(total, 1),
        "load_ms": round(loaded, 1), "target_ms": 200, "within_target": total <= 200,
    }))  # fmt: skip
    one_bench = replace(everything, bench="BENCH-02")

    def narrowed() -> None:
        build_report(store, pack, one_bench, today=today, facts=facts)

    first = median_ms(narrowed, 1)  # the rows read from the kept days
    print(json.dumps({
        "bench": "supervisor_narrowed", "units": facts.rows, "first_ms": round(first, 1),
        "ms": round(median_ms(narrowed), 1),
    }))  # fmt: skip


def opening(
    app: QApplication, store: Store, inspection: Inspection, today: date, units: int
) -> None:
    def open_view() -> None:
        view = SupervisorWindow(store, inspection, today=today)
        view.show()
        app.processEvents()
        view.close()
        view.deleteLater()
        app.processEvents()

    opened = median_ms(open_view)
    print(json.dumps({
        "bench": "supervisor_open", "ms": round(opened, 1), "units": units,
        "target_ms": 1000, "within_target": opened <= 1000,
    }))  # fmt: skip


def forecasting(store: Store, today: date, units: int) -> None:
    forecast(store, today)  # statsmodels loads once, on the view's thread
    spent = median_ms(lambda: forecast(store, today))
    print(json.dumps({
        "bench": "forecast", "ms": round(spent, 1), "units": units, "target_ms": 1000,
    }))  # fmt: skip


def median_ms(call: Callable[[], object], runs: int = RUNS) -> float:
    spent = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        spent.append((time.perf_counter() - started) * 1000)
    return statistics.median(spent)


if __name__ == "__main__":
    main()
