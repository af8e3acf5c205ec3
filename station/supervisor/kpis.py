"""What a supervisor reads off the returns: throughput, reasons, mix, recovery, refunds,
exceptions, all over a date range and the filters set, from the returns' facts.

Every figure is a count or a sum over the facts' columns (``numpy.bincount``), so the
whole set over a million units takes a few tens of milliseconds.
"""

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt

from station.supervisor.facts import NONE, Column, Facts
from station.supervisor.site_facts import TRIAGE

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
    columns = _chosen(facts, filters)
    found = ReturnsKpis()
    units = len(columns["day"])
    found.units = units
    if not units:
        return found
    names = {d: facts.codes.names(d) for d in facts.codes.by_value}
    disposition = columns["disposition"]
    triage = facts.code("disposition", TRIAGE)
    decided = disposition != triage
    found.triaged = int(units - decided.sum())
    found.by_hour_of_day = np.bincount(columns["hour"], minlength=24).tolist()
    days = (filters.end - filters.start).days + 1
    found.by_day = np.bincount(columns["day"] - filters.start.toordinal(), minlength=days).tolist()
    for who in ("bench", "operator"):
        found.per_hour[who] = _per_hour(columns, who, names.get(who, []))
    # A unit of another bench whose events do not say when it began has no time to decision.
    timed = columns["seconds"] >= 0
    found.to_decision = _spread(columns["seconds"][decided & timed])
    for dimension in ("stated", "found", "category", "supplier", "channel", "grade"):
        found.by[dimension] = _counted(columns[dimension], names.get(dimension, []))
    found.by["disposition"] = _counted(disposition, names.get("disposition", []))
    found.by["sku"] = _top(columns["sku"], names.get("sku", []))
    found.mismatch_rate = _mismatch(facts, columns)
    value = columns["value_cents"].astype(np.int64)
    found.value_cents = int(value[decided].sum())
    shares = np.array([recovery.get(name, 0.0) for name in names.get("disposition", [])] or [0.0])
    found.recovered_cents = round(float((value * shares[disposition]).sum()))
    refund = columns["refund"] == 1
    found.refunds = int(refund.sum())
    found.refund_latency = _spread(columns["seconds"][refund & timed])
    found.overrides = int(columns["overridden"].sum())
    found.approvals = int(columns["approved"].sum())
    return found


def _chosen(facts: Facts, filters: Filters) -> dict[str, Column]:
    mask = facts.within(filters.start, filters.end, filters.chosen())
    if mask.all():
        return facts.columns
    return {name: column[mask] for name, column in facts.columns.items()}


def _per_hour(columns: dict[str, Column], who: str, names: list[str]) -> dict[str, float]:
    """Units per hour worked, an hour worked being one in which the bench (or operator)
    decided at least one unit."""
    codes = columns[who]
    slot = (columns["day"] - columns["day"].min()) * 24 + columns["hour"]
    slots = int(slot.max()) + 1
    busy = np.bincount(codes.astype(np.int64) * slots + slot, minlength=len(names) * slots)
    hours = (busy.reshape(-1, slots) > 0).sum(axis=1)
    units = busy.reshape(-1, slots).sum(axis=1)
    return {
        names[code]: round(float(units[code] / hours[code]), 2)
        for code in range(len(hours))
        if hours[code]
    }


def _spread(values: npt.NDArray[np.int32]) -> Spread:
    if not len(values):
        return Spread(None, None)
    median, p90 = np.percentile(values, [50, 90])
    return Spread(float(median), float(p90))


def _counted(codes: Column, names: list[str]) -> dict[str, int]:
    counts = np.bincount(codes, minlength=len(names))
    return {names[code]: int(n) for code, n in enumerate(counts) if n}


def _top(codes: Column, names: list[str]) -> dict[str, int]:
    counts = np.bincount(codes, minlength=len(names))
    order = np.argsort(counts)[::-1]
    top = {names[code]: int(counts[code]) for code in order[:TOP] if counts[code]}
    rest = int(counts.sum()) - sum(top.values())
    if rest:
        top["others"] = rest
    return top


def _mismatch(facts: Facts, columns: dict[str, Column]) -> float | None:
    """Of the units with a stated reason and a found one, the share found otherwise."""
    stated_names = facts.codes.names("stated")
    found_codes = facts.codes.by_value.get("found", {})
    as_found = np.array([found_codes.get(name, -1) for name in stated_names] or [-1])
    stated, found = columns["stated"], columns["found"]
    told = (stated != facts.code("stated", NONE)) & (found != facts.code("found", NONE))
    if not told.any():
        return None
    return float((found[told] != as_found[stated[told]]).mean())
