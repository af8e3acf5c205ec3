"""What a supervisor reads off the returns: throughput, reasons, mix, recovery, refunds,
exceptions, all over a date range and the filters set, from the returns' facts.

Every figure is worked out from the range's tally (``station.supervisor.tally``): counts
that add up day by day, so the whole set over ten million units takes tens of
milliseconds.
"""

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from station.supervisor.facts import NONE, Facts
from station.supervisor.site_facts import TRIAGE
from station.supervisor.tally import Counts, Tally, spread

TOP = 20  # the SKUs shown by name; the rest are summed as "others"


@dataclass(frozen=True)
class Filters:
    start: date
    end: date
    bench: str | None = None
    operator: str | None = None
    category: str | None = None
    supplier: str | None = None

    def chosen(self) -> dict[str, str]:
        picked = {
            "bench": self.bench,
            "operator": self.operator,
            "category": self.category,
            "supplier": self.supplier,
        }
        return {name: value for name, value in picked.items() if value}


@dataclass(frozen=True)
class Spread:
    median: float | None
    p90: float | None


@dataclass
class ReturnsKpis:
    units: int = 0
    triaged: int = 0
    per_hour: dict[str, dict[str, float]] = field(default_factory=dict)  # bench/operator: rate
    by_hour_of_day: list[int] = field(default_factory=lambda: [0] * 24)
    by_day: list[int] = field(default_factory=list)  # a count a day of the range, in order
    to_decision: Spread = Spread(None, None)  # seconds, first scan to disposition
    by: dict[str, dict[str, int]] = field(default_factory=dict)  # dimension: value: units
    mismatch_rate: float | None = None  # found reason other than the customer's
    value_cents: int = 0
    recovered_cents: int = 0
    refunds: int = 0
    refund_latency: Spread = Spread(None, None)  # seconds, first scan to refund eligible
    overrides: int = 0
    approvals: int = 0

    @property
    def recovery_rate(self) -> float | None:
        return self.recovered_cents / self.value_cents if self.value_cents else None


def returns_kpis(facts: Facts, filters: Filters, recovery: dict[str, float]) -> ReturnsKpis:
    narrow = filters.chosen()
    tally = facts.tally(filters.start, filters.end, narrow)
    return kpis_of(tally, facts, recovery, facts.by_day(filters.start, filters.end, narrow))


def kpis_of(
    tally: Tally, facts: Facts, recovery: dict[str, float], by_day: list[int]
) -> ReturnsKpis:
    """The figures of ``tally`` (``facts`` name its codes), ``by_day`` its units a day."""
    counts = tally.counts
    found = ReturnsKpis()
    found.units = units = int(counts["disposition"].sum())
    if not units:
        return found
    names = {d: facts.codes.names(d) for d in facts.codes.by_value}
    triage = facts.code("disposition", TRIAGE)
    by_disposition = counts["disposition"]
    found.triaged = int(by_disposition[triage]) if 0 <= triage < len(by_disposition) else 0
    found.by_hour_of_day = counts["hour"].tolist()
    found.by_day = by_day
    for who in ("bench", "operator"):
        found.per_hour[who] = _per_hour(counts[who], counts[f"{who}_hours"], names.get(who, []))
    found.to_decision = _spread(counts["decided_seconds"])
    for dimension in ("stated", "found", "category", "supplier", "channel", "grade"):
        found.by[dimension] = _counted(counts[dimension], names.get(dimension, []))
    found.by["disposition"] = _counted(by_disposition, names.get("disposition", []))
    found.by["sku"] = _top(counts["sku"], names.get("sku", []))
    found.mismatch_rate = _mismatch(facts, counts["stated_found"])
    value = counts["value"]
    decided = np.arange(len(value)) != triage
    found.value_cents = int(value[decided].sum())
    dispositions = names.get("disposition", [])
    shares = np.array([recovery.get(dispositions[code], 0.0) for code in range(len(value))])
    found.recovered_cents = round(float((value * shares).sum()))
    found.refunds = int(counts["refund"].sum())
    found.refund_latency = _spread(counts["refund_seconds"])
    found.overrides = int(counts["overridden"].sum())
    found.approvals = int(counts["approved"].sum())
    return found


def _per_hour(units: Counts, hours: Counts, names: list[str]) -> dict[str, float]:
    """Units per hour worked, an hour worked being one in which the bench (or operator)
    decided at least one unit."""
    return {
        names[code]: round(float(units[code] / hours[code]), 2)
        for code in range(min(len(units), len(hours)))
        if hours[code]
    }


def _spread(histogram: Counts) -> Spread:
    found = spread(histogram)
    return Spread(*found) if found else Spread(None, None)


def _counted(counts: Counts, names: list[str]) -> dict[str, int]:
    return {names[code]: int(n) for code, n in enumerate(counts) if n}


def _top(counts: Counts, names: list[str]) -> dict[str, int]:
    counts = np.pad(counts, (0, len(names) - len(counts)))
    order = np.argsort(counts)[::-1]
    top = {names[code]: int(counts[code]) for code in order[:TOP] if counts[code]}
    rest = int(counts.sum()) - sum(top.values())
    if rest:
        top["others"] = rest
    return top


def _mismatch(facts: Facts, pairs: Counts) -> float | None:
    """Of the units with a stated reason and a found one, the share found otherwise.
    ``pairs``: units by stated reason's code and found reason's code."""
    stated_names = facts.codes.names("stated")[: len(pairs)]
    found_codes = facts.codes.by_value.get("found", {})
    told = pairs.copy()
    for dimension, axis in (("stated", 0), ("found", 1)):
        none = facts.code(dimension, NONE)
        if 0 <= none < told.shape[axis]:
            told[(slice(None),) * axis + (none,)] = 0
    total = int(told.sum())
    if not total:
        return None
    as_found = [found_codes.get(name, -1) for name in stated_names]
    same = sum(
        int(told[stated, code]) for stated, code in enumerate(as_found) if 0 <= code < told.shape[1]
    )
    return (total - same) / total
