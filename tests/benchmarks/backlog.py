"""``make bench``: the dock's backlog, ordered by what waiting costs.

Writes the demo data and half a year of history (``demo.history``: 60,000 returned units,
each with its RMA, category, stated reason and the rule pack's disposition) into a fresh
store, then prints:

- ``{"bench": "backlog_order", "parcels": 10000, "ms": …}``: 10,000 parcels checked in on
  RMAs of their own (the history's items and stated reasons), ordered as a bench shows
  them after a scan (``station.returns.backlog.backlog``; the median of five), with what
  the setup made set aside from the garbage collector as the window sets its start aside.
  The history's outcomes are counted once a day, apart: ``outcomes_ms``. Target 100 ms.
- ``{"bench": "backlog_value", "by_value": …, "fifo": …}``: the last 60 days of the
  history replayed at a dock that inspects 80% of what comes in each day. Each day's
  returns join the backlog; the inspectors pull by the backlog's order, or first come
  first served. A unit inspected after waiting ``d`` days recovers its value * what its
  recorded disposition recovers * (1 - its category's daily loss)^d. Its worth for the
  order is estimated from the history before those 60 days only. ``by_value`` and
  ``fifo``: the value recovered once every unit of those days is inspected (the dock
  going on at its pace with nothing more coming), so that both orders inspect the same
  units and differ only in which waited; ``…_in_days``: what the 60 days themselves
  recovered, where the order also chooses which fifth is still waiting at the end.
"""

import gc
import json
import random
import statistics
import tempfile
import time
from collections import Counter, deque
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from demo.history import write_history
from demo.master_data import load_demo_data
from station.returns.backlog import (
    LineWorth,
    Outcomes,
    Waiting,
    backlog,
    outcomes,
    pull_order,
)
from station.rulepack import RulePack, load_rulepack
from station.states import UnitStatus
from station.store.engine import Store, open_store
from station.store.schema import Item, Parcel, ReturnUnit, Rma, RmaLine

UNITS, DAYS, PARCELS, RUNS = 60_000, 182, 10_000, 5
REPLAYED_DAYS, CAPACITY = 60, 0.8
TARGET_MS = 100


def check_in(store: Store, today: date, rng: random.Random) -> None:
    """``PARCELS`` parcels on RMAs of their own, of the history's items and reasons."""
    with store.read() as session:
        lines = session.execute(select(RmaLine.sku, RmaLine.stated_reason).limit(5000)).all()
    arrived = datetime.combine(today, datetime.min.time())
    rmas, rma_lines, parcels = [], [], []
    for n in range(PARCELS):
        number = f"RMA-{9_000_000_000 + n}"
        rmas.append({"number": number, "customer": "bench", "order_number": "",
                     "channel": "web", "ship_date": today, "erp_state": None})  # fmt: skip
        for line_no in range(1, rng.choice((1, 1, 1, 2, 3)) + 1):
            sku, reason = rng.choice(lines)
            rma_lines.append({"rma_number": number, "line_no": line_no, "sku": sku,
                              "quantity": 1, "serial": None, "stated_reason": reason})  # fmt: skip
        parcels.append({"tag": f"PCL-DOCK-{n:06d}", "scanned": number, "rma_number": number,
                        "bench": "DOCK", "operator": "BADGE-2001",
                        "arrived_at": arrived + timedelta(seconds=n)})  # fmt: skip
    with store.unit() as session:
        connection = session.connection()
        connection.execute(insert(Rma), rmas)
        connection.execute(insert(RmaLine), rma_lines)
        connection.execute(insert(Parcel), parcels)


@dataclass(frozen=True)
class Returned:
    day: date
    waiting: Waiting  # as the backlog would rank it, from the history before the replay
    value_cents: int
    recovery: float  # what its recorded disposition recovered
    loss_per_day: float


def replayed(store: Store, pack: RulePack, today: date) -> list[Returned]:
    start = datetime.combine(today - timedelta(days=REPLAYED_DAYS), datetime.min.time())
    with store.read() as session:
        rows = session.execute(
            select(ReturnUnit.id, ReturnUnit.finished_at, Item.category, RmaLine.stated_reason,
                   Item.unit_value_cents, ReturnUnit.disposition, RmaLine.sku)
            .join(RmaLine, RmaLine.id == ReturnUnit.rma_line_id)
            .join(Item, Item.sku == RmaLine.sku)
            .where(ReturnUnit.status == UnitStatus.DECIDED, ReturnUnit.finished_at >= start)
        ).all()  # fmt: skip
    before = _before(store, start)
    returned = []
    for unit, finished, category, reason, value, disposition, sku in rows:
        rate = pack.loss_per_day(category)
        line = LineWorth(sku, category, reason, 1, value or 0,
                         before.recovered(category, reason, pack), rate)  # fmt: skip
        returned.append(Returned(
            finished.date(),
            Waiting(unit, "RMA", finished, (line,), line.worth_cents, line.losing_cents),
            value or 0,
            pack.dispositions[disposition].recovery if disposition in pack.dispositions else 0,
            rate,
        ))  # fmt: skip
    return returned


def _before(store: Store, start: datetime) -> Outcomes:
    """The outcomes of the history's days before ``start`` only."""
    with store.read() as session:
        rows = session.execute(
            select(Item.category, RmaLine.stated_reason, ReturnUnit.disposition)
            .join(RmaLine, RmaLine.id == ReturnUnit.rma_line_id)
            .join(Item, Item.sku == RmaLine.sku)
            .where(ReturnUnit.status == UnitStatus.DECIDED, ReturnUnit.finished_at < start)
        ).all()
    counts: dict[tuple[str, str], Counter[str]] = {}
    for category, reason, disposition in rows:
        counts.setdefault((category, reason), Counter())[disposition] += 1
    return Outcomes(counts)


def recovered(returned: list[Returned], by_value: bool) -> tuple[float, float]:
    """Value recovered pulling by the backlog's order or first come first served: over the
    replayed days, and once the dock, at the same pace with nothing more coming, has
    inspected every unit of them (so that both orders inspect the same units)."""
    days = sorted({r.day for r in returned})
    capacity = int(CAPACITY * len(returned) / len(days))
    by_day: dict[date, list[Returned]] = {}
    for r in returned:
        by_day.setdefault(r.day, []).append(r)
    waiting: list[Returned] = []
    fifo: deque[Returned] = deque()
    total, within, day = 0.0, 0.0, days[0]
    while day <= days[-1] or waiting or fifo:
        came = sorted(by_day.get(day, []), key=lambda r: r.waiting.arrived_at)
        if by_value:
            waiting.extend(came)
            waiting.sort(key=lambda r: pull_order(r.waiting))
            pulled, waiting = waiting[:capacity], waiting[capacity:]
        else:
            fifo.extend(came)
            pulled = [fifo.popleft() for _ in range(min(capacity, len(fifo)))]
        for r in pulled:
            total += r.value_cents * r.recovery * (1 - r.loss_per_day) ** (day - r.day).days
        if day == days[-1]:
            within = total
        day += timedelta(days=1)
    return within / 100, total / 100


def main() -> None:
    today = date.today()
    pack = load_rulepack()
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "station.db")
        try:
            load_demo_data(store, today)
            started = time.perf_counter()
            write_history(store, pack, days=DAYS, units=UNITS, today=today)
            written_s = time.perf_counter() - started
            check_in(store, today, random.Random(2026))
            # As the window does once it is up (app.gui.keep_start_out_of_collections): what
            # was made before is set aside from the collector, which walked it all (100 ms).
            gc.freeze()
            started = time.perf_counter()
            known = outcomes(store, today)
            outcomes_ms = (time.perf_counter() - started) * 1000
            with store.read() as session:
                took = []
                for _ in range(RUNS):
                    started = time.perf_counter()
                    ordered = backlog(session, pack, known)
                    took.append((time.perf_counter() - started) * 1000)
            returned = replayed(store, pack, today)
        finally:
            store.close()
    ms = statistics.median(took)
    print(json.dumps({
        "bench": "backlog_order", "parcels": len(ordered), "ms": round(ms, 1),
        "outcomes_ms": round(outcomes_ms, 1), "history_units": UNITS,
        "history_s": round(written_s, 1), "target_ms": TARGET_MS, "within_target": ms <= TARGET_MS,
    }))  # fmt: skip
    (in_days, by_value), (fifo_in_days, fifo) = (
        recovered(returned, by_value=True),
        recovered(returned, by_value=False),
    )
    print(json.dumps({
        "bench": "backlog_value", "by_value": round(by_value, 2), "fifo": round(fifo, 2),
        "gain": round(by_value / fifo - 1, 4), "by_value_in_days": round(in_days, 2),
        "fifo_in_days": round(fifo_in_days, 2), "units": len(returned),
        "days": REPLAYED_DAYS, "capacity_share": CAPACITY,
    }))  # fmt: skip


if __name__ == "__main__":
    main()
