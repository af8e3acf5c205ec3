"""``make bench``: the supervisor view of a site of 20 benches, a million units, at one bench.

The bench's store holds the demo data and, in its replica of the site's events, what 19
other benches wrote over 90 days as they decided a million units (each unit's inspection,
disposition and, for most, its refund, written by the station's own event records), as
the site's feed would have brought them. Then, as in ``supervisor``:

- ``build_s``: the past days' figures built and kept once, as the site sync builds them
  on its own thread after bringing the units (not in the window's thread);
- ``total_ms``: every figure of the view (returns, receiving, alerts, scorecard) over the
  site's million units, the facts in memory, the median of five runs (target 200 ms);
- ``open_ms``: the facts read again, the past days from what was kept (the view's opening).
Prints ``{"bench": "site_supervisor", "benches", "units", "total_ms", …}``.
"""

import json
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from demo.master_data import load_demo_data
from station.outbox import DispositionDecided, InspectionRecorded, RefundEligible
from station.rulepack import load_rulepack
from station.store.engine import Store, open_store
from station.store.schema import RmaLine, SiteEvent
from station.supervisor.kpis import Filters
from station.supervisor.report import build_report, facts_for

BENCHES, UNITS, DAYS, RUNS = 20, 1_000_000, 90, 5
TARGET_MS = 200
DISPOSITIONS = ("RESTOCK", "RESTOCK", "REFURBISH", "RTV", "LIQUIDATE", "DONATE", "DISPOSE")
GRADES = "ABCDE"
REASONS = ("SIZE_FIT", "DEFECTIVE", "DAMAGED", "CHANGED_MIND", "NOT_AS_DESCRIBED")


def write_site(store: Store, today: date, rng: random.Random) -> int:
    """The other benches' units as their events, a day at a time; returns the units."""
    with store.read() as session:
        lines = list(session.execute(select(RmaLine.rma_number, RmaLine.line_no, RmaLine.sku)))
    others = [f"BENCH-{n:02}" for n in range(2, BENCHES + 1)]
    per_day, written, seq = UNITS // DAYS, 0, 0
    for back in range(DAYS, 0, -1):
        day = today - timedelta(days=back)
        rows: list[dict[str, Any]] = []
        opening = datetime.combine(day, clock(7)).astimezone(UTC).replace(tzinfo=None)
        for _ in range(per_day):
            bench = rng.choice(others)
            rma, line, sku = rng.choice(lines)
            finished = opening + timedelta(seconds=rng.randrange(12 * 3600))
            base = {
                "unit": str(uuid.uuid4()), "bench": bench, "operator": f"BADGE-{bench[-2:]}01",
                "sku": sku, "at": finished.isoformat(), "rma": rma,
                "started": (finished - timedelta(seconds=rng.randrange(40, 400))).isoformat(),
            }  # fmt: skip
            disposition = rng.choice(DISPOSITIONS)
            records = [
                InspectionRecorded(**base, category="apparel", checks={}, grade=rng.choice(GRADES),
                                   found_reason=rng.choice(REASONS)),
                DispositionDecided(**base, line=line, disposition=disposition,
                                   rules_said="RESTOCK", destination=f"LOC-{disposition}"),
            ]  # fmt: skip
            if disposition == "RESTOCK":
                records.append(RefundEligible(**base, line=line, value_cents=4899))
            for record in records:
                seq += 1
                rows.append({
                    "event_id": str(uuid.uuid4()),
                    "bench": bench, "seq": seq, "kind": record.kind.value,
                    "subject": record.subject, "payload": record.to_payload(),
                    "created_at": finished, "received_at": finished,
                })  # fmt: skip
        with store.unit() as session:
            session.execute(insert(SiteEvent), rows)
        written += per_day
    return written


def main() -> None:
    pack = load_rulepack()
    today = date.today()
    rng = random.Random(2026)
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "station.db")
        try:
            load_demo_data(store, today)
            units = write_site(store, today, rng)
            everything = Filters(today - timedelta(days=DAYS), today)
            started = time.perf_counter()
            facts = facts_for(store, everything, today)
            build_s = time.perf_counter() - started
            spent = []
            for _ in range(RUNS):
                started = time.perf_counter()
                build_report(store, pack, everything, today=today, facts=facts)
                spent.append((time.perf_counter() - started) * 1000)
            openings = []
            for _ in range(RUNS):
                started = time.perf_counter()
                facts_for(store, everything, today)
                openings.append((time.perf_counter() - started) * 1000)
        finally:
            store.close()
    total = statistics.median(spent)
    print(json.dumps({
        "bench": "site_supervisor", "benches": BENCHES, "units": facts.rows,
        "written": units, "total_ms": round(total, 1), "build_s": round(build_s, 1),
        "open_ms": round(statistics.median(openings), 1), "target_ms": TARGET_MS,
        "within_target": total <= TARGET_MS,
    }))  # fmt: skip


if __name__ == "__main__":
    main()
