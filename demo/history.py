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

import math
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import func, select

from demo.receiving_history import write_receiving_history
from station.errors import ConfigError
from station.returns.disposition import Facts as Unit
from station.returns.disposition import decide
from station.rulepack import RulePack
from station.states import ShipmentState, UnitStatus
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
_HOUR_LIST = list(HOURS)
_CHANNEL_LIST = [c for c, _ in CHANNELS]


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
    writer = _Writer(np.random.default_rng(seed), pack, items, inspectors, prefix)
    # The tables' other indexes are built once the rows are in, each in one sort, not
    # grown a row at a time (a random customer's, among ten million: the disk's pace).
    indexes = [i for t in (Rma, RmaLine, ReturnUnit) for i in t.__table__.indexes]  # type: ignore[attr-defined]
    with store.unit() as session:
        for index in indexes:
            index.drop(session.connection())
    try:
        for day, count in per_day:
            planted = [s for s in spikes if s.day == day]
            if not count + sum(s.extra for s in planted):
                continue  # a day with none: nothing to write
            rows = writer.day(day, count, planted, made, last_line + made)
            with store.unit() as session:  # plain SQL: the ORM's bookkeeping costs minutes
                connection = session.connection()
                for sql, table in zip(_INSERTS, rows, strict=True):
                    connection.exec_driver_sql(sql, table)
            made += len(rows[0])
    finally:  # however the writing ended, the store has its indexes back
        with store.unit() as session:
            for index in indexes:
                index.create(session.connection())
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


def _insert(table: str, columns: str) -> str:
    names = columns.split()
    return f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"


_INSERTS = (
    _insert("rma", "number customer order_number channel ship_date erp_state"),
    _insert("rma_line", "id rma_number line_no sku quantity stated_reason"),
    _insert(
        "return_unit",
        "id status bench operator started_at finished_at rma_line_id sku identified_by "
        "policy_verdict policy_trace grade found_reason notes disposition disposition_trace "
        "rulepack_version suggested_disposition destination lpn refund_eligible",
    ),
)


class _Writer:
    """What every unit is drawn from, and the rule pack's decisions already taken. A day's
    units are drawn together, a column at a time (ten million units in minutes, not hours),
    and written as the store keeps them: times as UTC text, flags as 0 and 1."""

    def __init__(
        self,
        rng: np.random.Generator,
        pack: RulePack,
        items: list[Item],
        inspectors: list[str],
        prefix: str,
    ) -> None:
        self.rng, self.pack, self.items, self.inspectors = rng, pack, items, inspectors
        self.prefix = prefix
        popularity = _popularity(random.Random(int(rng.integers(2**32))), items)
        self.popularity = [share / sum(popularity) for share in popularity]
        self.reasons = list(pack.reasons)
        self.skus = [item.sku for item in items]
        self.categories = np.array([item.category for item in items], dtype=object)
        self.decided: dict[tuple[int, str, str], str] = {}

    def day(
        self, day: date, count: int, spikes: list[Spike], made: int, last_line: int
    ) -> tuple[list[tuple[Any, ...]], ...]:
        """The day's rows for ``_INSERTS``, in the order they were finished."""
        rng, items = self.rng, self.items
        extra = sum(s.extra for s in spikes)
        n = count + extra
        item = rng.choice(len(items), size=n, p=self.popularity)
        said: list[tuple[slice, str]] = []  # the reason spike's units: their stated reason
        at = count
        for spike in spikes:  # the planted spikes' extra units come last in the day
            planted = slice(at, at + spike.extra)
            if spike.kind == "sku":
                item[planted] = next(n for n, i in enumerate(items) if i.sku == spike.key)
            elif spike.kind == "supplier":
                own = [n for n, i in enumerate(items) if i.supplier == spike.key]
                item[planted] = rng.choice(own, size=spike.extra)
            else:
                said.append((planted, spike.key))
            at += spike.extra
        stated = np.empty(n, dtype=object)
        category = self.categories[item]  # each unit's reasons are those of its own item
        for name in set(category):
            odds = REASONS.get(name, REASONS["apparel"])
            where = np.flatnonzero(category == name)
            stated[where] = rng.choice(list(odds), size=len(where), p=_shares(odds))
        for planted, reason in said:
            stated[planted] = reason
        found = np.where(rng.random(n) < 0.75, stated, rng.choice(self.reasons, size=n))
        grade = np.empty(n, dtype=object)
        for reason in set(found):
            odds = GRADES_BY_REASON.get(reason, USUAL_GRADES)
            where = np.flatnonzero(found == reason)
            grade[where] = rng.choice(list(odds), size=len(where), p=_shares(odds))
        channel = rng.choice(_CHANNEL_LIST, size=n, p=_shares(dict(CHANNELS)))
        bench = rng.integers(len(BENCHES), size=n)
        # mostly the inspector who works that bench, at times another
        usual = np.array(self.inspectors, dtype=object)[bench % len(self.inspectors)]
        operator = np.where(rng.random(n) < 0.7, usual, rng.choice(self.inspectors, size=n))
        clock = (
            rng.choice(_HOUR_LIST, size=n, p=_shares(HOURS)) * 3600
            + rng.integers(60, size=n) * 60
            + rng.integers(60, size=n)
        )
        seconds = np.minimum(1800, rng.lognormal(math.log(85), 0.45, size=n)).astype(np.int64)
        waited = rng.integers(2, 25, size=n)
        customer = rng.integers(40_000, size=n)
        order = np.argsort(clock, kind="stable")  # numbered in the order finished
        # local times, at the day's own offset from UTC (the units are decided by day)
        midnight = datetime.combine(day, time(12)).astimezone(UTC).replace(tzinfo=None)
        finished = np.datetime64(midnight - timedelta(hours=12), "s") + clock[order]
        started = _stored(finished - seconds[order])
        shipped = np.datetime_as_string(finished - waited[order] * 86400, unit="D").tolist()
        sku = [self.skus[i] for i in item[order]]
        disposition = [
            self._decided(i, g, f)
            for i, g, f in zip(item[order].tolist(), grade[order], found[order], strict=True)
        ]
        numbers = [f"{self.prefix}{made + k:08d}" for k in range(1, n + 1)]
        lines_id = range(last_line + 1, last_line + n + 1)
        rmas = [f"RMA-{number}" for number in numbers]
        version, where_to = self.pack.version, self.pack.dispositions
        decided = UnitStatus.DECIDED.value
        done = ShipmentState.DONE.value  # every unit of it decided: the ERP closed it
        return (
            list(zip(
                rmas, [f"Customer {c:05d}" for c in customer[order].tolist()],
                [f"ORD-{number}" for number in numbers], channel[order].tolist(), shipped,
                [done] * n, strict=True,
            )),
            [(line, rma, 1, s, 1, r)
             for line, rma, s, r in zip(lines_id, rmas, sku, stated[order], strict=True)],
            [
                (f"hist-{number}", decided, BENCHES[b], o, s0, s1, line, s,
                 rma, "pass", "[]", g, f, "", d, "[]", version, d, where_to[d].destination,
                 f"LPN-{number}", int(g in ("A", "B", "C")))
                for number, b, o, s0, s1, line, s, rma, g, f, d in zip(
                    numbers, bench[order].tolist(), operator[order], started,
                    _stored(finished), lines_id, sku, rmas, grade[order], found[order],
                    disposition, strict=True,
                )
            ],
        )  # fmt: skip

    def _decided(self, item: int, grade: str, found: str) -> str:
        """The rule pack's decision, taken once per item, grade and reason."""
        key = (item, grade, found)
        if key not in self.decided:
            i = self.items[item]
            unit = Unit(i.sku, i.category, grade, found, i.unit_value_cents, "pass", "passed")
            self.decided[key] = decide(self.pack, unit).disposition
        return self.decided[key]


def _shares(weights: dict[str, int] | dict[int, int]) -> list[float]:
    total = sum(weights.values())
    return [w / total for w in weights.values()]


def _stored(moments: npt.NDArray[np.datetime64]) -> list[str]:
    """UTC times as the store keeps them (SQLAlchemy's text for SQLite)."""
    return [f"{text[:10]} {text[11:]}.000000" for text in np.datetime_as_string(moments).tolist()]
