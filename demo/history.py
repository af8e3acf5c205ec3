"""A realistic past for the supervisor view, for development and benchmarks:
``station demo-data history --days 90 --units 1000000``.

Returns over the days before today, at several benches and by several inspectors: more
on Mondays and after the weekend's orders, fewer on Sundays, busiest mid-morning and
after lunch, on the demo's items (a few sell, and come back, far more than the rest). Each
unit gets an RMA of its own with the customer's channel and stated reason; the inspector
finds that reason three times in four; the grade follows the reason; the disposition is
the rule pack's own decision; refunds follow the grade. A few spikes are planted: one
item coming back in numbers on a day, one supplier's goods on another, and a wave of
"damaged in transit" after a carrier's bad day, so the alerts have something to find.

Receipts come in meanwhile (``receiving_history``). Rows go in with bulk inserts, and the
days' facts are built at the end, so the supervisor view opens on them at once.
"""

import itertools
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, insert, select

from demo.receiving_history import write_receiving_history
from station.errors import ConfigError
from station.returns.disposition import Facts as Unit
from station.returns.disposition import decide
from station.rulepack import RulePack
from station.states import UnitStatus
from station.store.engine import Store
from station.store.schema import Item, Operator, ReturnUnit, Rma, RmaLine
from station.supervisor.facts import build_days, load_codes
from station.supervisor.kept_days import forget_days

BENCHES = ("BENCH-01", "BENCH-02", "BENCH-03", "BENCH-04")
CHANNELS = (("web", 60), ("marketplace", 25), ("store", 15))
WEEKDAY = (1.35, 1.15, 1.0, 0.95, 0.9, 0.6, 0.45)  # Monday first
HOURS = {7: 2, 8: 6, 9: 10, 10: 12, 11: 10, 12: 5, 13: 8, 14: 11, 15: 9, 16: 6, 17: 2}
REASONS = {
    "apparel": {"SIZE_FIT": 40, "CHANGED_MIND": 20, "NOT_AS_DESCRIBED": 15, "DAMAGED": 8,
                "WRONG_ITEM": 7, "NO_LONGER_NEEDED": 10},
    "electronics": {"DEFECTIVE": 30, "MISSING_PARTS": 12, "CHANGED_MIND": 18,
                    "NOT_AS_DESCRIBED": 12, "DAMAGED": 10, "WRONG_ITEM": 6, "NO_LONGER_NEEDED": 12},
    "health_beauty": {"CHANGED_MIND": 30, "DAMAGED": 20, "NOT_AS_DESCRIBED": 20,
                      "WRONG_ITEM": 10, "NO_LONGER_NEEDED": 20},
    "bulky": {"DAMAGED": 35, "NOT_AS_DESCRIBED": 20, "CHANGED_MIND": 20, "WRONG_ITEM": 10,
              "MISSING_PARTS": 15},
}  # fmt: skip
GRADES_BY_REASON = {
    "DEFECTIVE": {"C": 3, "D": 4, "E": 3},
    "DAMAGED": {"B": 2, "C": 3, "D": 3, "E": 2},
    "MISSING_PARTS": {"B": 3, "C": 4, "D": 3},
}
USUAL_GRADES = {"A": 55, "B": 30, "C": 10, "D": 4, "E": 1}
INSERT_BATCH = 20_000
# Cumulative weights, worked out once: ``choices`` would add them up on every draw.
_HOUR_LIST, _HOUR_WEIGHTS = list(HOURS), list(itertools.accumulate(HOURS.values()))
_CHANNEL_LIST = [c for c, _ in CHANNELS]
_CHANNEL_WEIGHTS = list(itertools.accumulate(w for _, w in CHANNELS))


@dataclass(frozen=True)
class Spike:
    kind: str  # sku, supplier, reason
    key: str
    day: date
    extra: int  # units added that day


@dataclass(frozen=True)
class Written:
    units: int
    days: int
    spikes: tuple[Spike, ...]
    receipts: int


def write_history(
    store: Store, pack: RulePack, *, days: int, units: int, today: date, seed: int = 2026
) -> Written:
    rng = random.Random(seed)
    with store.read() as session:
        items = list(session.scalars(select(Item).order_by(Item.sku)))
        inspectors = list(
            session.scalars(select(Operator.badge).where(Operator.role == "inspector"))
        ) or ["BADGE-1001"]
    first = today - timedelta(days=days)
    spikes = _plant(rng, items, first, days, units)
    per_day = _daily(first, days, units)
    made = 0
    prefix = f"H{seed}-"  # a past of its own per seed: written once into a store
    with store.read() as session:
        last_line = session.scalar(select(func.max(RmaLine.id))) or 0
        if session.get(Rma, f"RMA-{prefix}{1:08d}") is not None:
            raise ConfigError(
                f"The history of seed {seed} is in this store already: give another --seed."
            )
    with store.unit() as session:  # the days written into are counted again when next read
        forget_days(session, first, today - timedelta(days=1))
    rows = _Writer(rng, pack, items, inspectors, prefix).rows(per_day, spikes)
    for batch in _batches(rows, INSERT_BATCH):
        for offset, row in enumerate(batch, start=last_line + made + 1):
            row["line"]["id"] = row["unit"]["rma_line_id"] = offset
        with store.unit() as session:  # plain inserts: the ORM's bookkeeping costs minutes
            connection = session.connection()
            connection.execute(insert(Rma), [r["rma"] for r in batch])
            connection.execute(insert(RmaLine), [r["line"] for r in batch])
            connection.execute(insert(ReturnUnit), [r["unit"] for r in batch])
        made += len(batch)
    past = [first + timedelta(days=n) for n in range(days)]
    receipts = write_receiving_history(
        store, rng, days=past, units=units, benches=BENCHES, prefix=prefix
    )
    with store.read() as session:
        codes = load_codes(session, store)
    build_days(store, past, codes)
    return Written(made, days, spikes, receipts)


def _plant(
    rng: random.Random, items: list[Item], first: date, days: int, units: int
) -> tuple[Spike, ...]:
    """Three spikes in the last fortnight, each several times a usual day's volume of its
    kind; a usual day of one item is a few units, so the spike stands out."""
    late = [first + timedelta(days=days - n) for n in range(2, min(days, 14))]
    per_day = max(1, units // max(days, 1))
    chosen = rng.sample(late, 3) if len(late) >= 3 else [first] * 3
    item = rng.choice(items)
    supplier = rng.choice(sorted({i.supplier for i in items if i.supplier}) or [""])
    return (
        Spike("sku", item.sku, chosen[0], max(20, per_day // 60)),
        Spike("supplier", supplier, chosen[1], max(40, per_day // 15)),
        Spike("reason", "DAMAGED", chosen[2], max(60, per_day // 8)),
    )


def _popularity(rng: random.Random, items: list[Item]) -> list[float]:
    order = list(range(len(items)))
    rng.shuffle(order)
    return [1.0 / (rank + 1) ** 0.8 for rank in order]


def _daily(first: date, days: int, units: int) -> list[tuple[date, int]]:
    raw = []
    for n in range(days):
        day = first + timedelta(days=n)
        trend = 1.0 + 0.3 * n / max(days, 1)  # the business grows
        season = 1.0 + 0.15 * math.sin(2 * math.pi * n / 30)
        raw.append((day, WEEKDAY[day.weekday()] * trend * season))
    total = sum(weight for _, weight in raw)
    shares = [units * weight / total for _, weight in raw]
    counts = [int(share) for share in shares]
    # the units rounding left over go to the days that lost the most: exactly ``units``
    for n in sorted(range(days), key=lambda n: counts[n] - shares[n])[: units - sum(counts)]:
        counts[n] += 1
    return [(day, count) for (day, _), count in zip(raw, counts, strict=True)]


class _Writer:
    """What every unit is drawn from, and the rule pack's decisions already taken."""

    def __init__(
        self,
        rng: random.Random,
        pack: RulePack,
        items: list[Item],
        inspectors: list[str],
        prefix: str,
    ) -> None:
        self.rng, self.pack, self.items, self.inspectors = rng, pack, items, inspectors
        self.prefix = prefix
        self.weights = list(itertools.accumulate(_popularity(rng, items)))
        self.by_supplier: dict[str, list[Item]] = {}
        for item in items:
            self.by_supplier.setdefault(item.supplier, []).append(item)
        self.decided: dict[tuple[str, str, str, int, str], str] = {}

    def rows(
        self, per_day: list[tuple[date, int]], spikes: tuple[Spike, ...]
    ) -> Iterator[dict[str, Any]]:
        rng, number = self.rng, 0
        for day, count in per_day:
            extra = [s for s in spikes if s.day == day]
            for n in range(count + sum(s.extra for s in extra)):
                spike = _spike_of(n - count, extra)
                item = _item(rng, self.items, self.weights, self.by_supplier, spike)
                hour = rng.choices(_HOUR_LIST, cum_weights=_HOUR_WEIGHTS)[0]
                at = time(hour, rng.randrange(60), rng.randrange(60))
                finished = datetime.combine(day, at).astimezone(UTC)  # local, its own offset
                number += 1
                yield self.unit(
                    item,
                    _stated(rng, item.category, spike),
                    f"{self.prefix}{number:08d}",
                    finished.replace(tzinfo=None),
                )

    def unit(self, item: Item, stated: str, number: str, finished: datetime) -> dict[str, Any]:
        rng, pack = self.rng, self.pack
        found = stated if rng.random() < 0.75 else rng.choice(list(pack.reasons))
        odds = GRADES_BY_REASON.get(found, USUAL_GRADES)
        grade = rng.choices(list(odds), list(odds.values()))[0]
        disposition = self._decided(item, grade, found)
        channel = rng.choices(_CHANNEL_LIST, cum_weights=_CHANNEL_WEIGHTS)[0]
        bench = rng.choice(BENCHES)
        seconds = int(min(1800, rng.lognormvariate(math.log(85), 0.45)))
        rma = f"RMA-{number}"
        return {
            "rma": {
                "number": rma, "customer": f"Customer {rng.randrange(40_000):05d}",
                "order_number": f"ORD-{number}", "channel": channel,
                "ship_date": finished.date() - timedelta(days=rng.randrange(2, 25)),
                "tracking_number": None, "erp_state": None,
            },
            "line": {
                "id": None, "rma_number": rma, "line_no": 1, "sku": item.sku, "quantity": 1,
                "serial": None, "stated_reason": stated,
            },
            "unit": {
                "id": f"hist-{number}", "status": UnitStatus.DECIDED, "bench": bench,
                # mostly the inspector who works that bench, at times another
                "operator": self.inspectors[BENCHES.index(bench) % len(self.inspectors)]
                if rng.random() < 0.7 else rng.choice(self.inspectors),
                "started_at": finished - timedelta(seconds=seconds), "finished_at": finished,
                "rma_line_id": None, "sku": item.sku, "serial": None, "identified_by": rma,
                "policy_verdict": "pass", "policy_trace": [], "grade": grade,
                "found_reason": found, "notes": "", "disposition": disposition,
                "disposition_trace": [], "rulepack_version": pack.version,
                "suggested_disposition": disposition, "approved_by": None,
                "destination": pack.dispositions[disposition].destination,
                "lpn": f"LPN-{number}", "refund_eligible": grade in ("A", "B", "C"),
            },
        }  # fmt: skip

    def _decided(self, item: Item, grade: str, found: str) -> str:
        """The rule pack's decision, taken once per item, grade and reason."""
        key = (item.category, grade, found, 0, item.sku)
        if key not in self.decided:
            unit = Unit(
                item.sku, item.category, grade, found, item.unit_value_cents, "pass", "passed"
            )
            self.decided[key] = decide(self.pack, unit).disposition
        return self.decided[key]


def _spike_of(position: int, spikes: list[Spike]) -> Spike | None:
    """Which planted spike the ``position``-th extra unit of the day belongs to."""
    for spike in spikes:
        if 0 <= position < spike.extra:
            return spike
        position -= spike.extra
    return None


def _item(
    rng: random.Random,
    items: list[Item],
    weights: list[float],
    by_supplier: dict[str, list[Item]],
    spike: Spike | None,
) -> Item:
    if spike is not None and spike.kind == "sku":
        return next(i for i in items if i.sku == spike.key)
    if spike is not None and spike.kind == "supplier":
        return rng.choice(by_supplier[spike.key])
    return rng.choices(items, cum_weights=weights)[0]


def _stated(rng: random.Random, category: str, spike: Spike | None) -> str:
    if spike is not None and spike.kind == "reason":
        return spike.key
    odds = REASONS.get(category, REASONS["apparel"])
    return rng.choices(list(odds), list(odds.values()))[0]


def _batches(rows: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
