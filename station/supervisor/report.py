"""The supervisor's report over a date range: every figure of the supervisor view, as CSV
(one figure a row) or as a PDF with its charts, and the forecast of the next two weeks
when it was made (``with_forecast``). ``station report --from --to --format``.
"""

import csv
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

from station.rulepack import RulePack
from station.store.engine import Store
from station.supervisor.facts import Facts, load_facts
from station.supervisor.forecast import Forecast, forecast
from station.supervisor.kpis import Filters, ReturnsKpis, kpis_of
from station.supervisor.receiving_kpis import ReceivingKpis, receiving_kpis
from station.supervisor.site_facts import freshness
from station.supervisor.spikes import USUAL_RULE, Rule, Spike, days_before, find_spikes
from station.supervisor.tally import Tally

DEFECTS = ("DEFECTIVE", "DAMAGED")  # found reasons that count against the supplier


@dataclass(frozen=True)
class Scored:
    """A supplier's defect-driven returns against the units received from it."""

    supplier: str
    defects: int
    received: int

    @property
    def rate(self) -> float | None:
        return self.defects / self.received if self.received else None


@dataclass(frozen=True)
class Report:
    filters: Filters
    returns: ReturnsKpis
    receiving: ReceivingKpis
    spikes: list[Spike]
    rule: Rule
    scorecard: list[Scored]
    # The site's other benches: when each last sent what its figures here are made of.
    freshness: dict[str, datetime] = field(default_factory=dict)
    forecast: Forecast | None = None  # the next two weeks, from the day it was made


def with_forecast(report: Report, store: Store, today: date) -> Report:
    """The report with the forecast of the two weeks after ``today`` (a second or two:
    statsmodels loads, and each category's model is fitted)."""
    return replace(report, forecast=forecast(store, today))


def facts_for(store: Store, filters: Filters, today: date, rule: Rule = USUAL_RULE) -> Facts:
    """The facts a report over ``filters`` reads: its range, and the alerts' window before
    its last day."""
    return load_facts(store, min(filters.start, days_before(filters.end, rule)), filters.end, today)


def build_report(
    store: Store,
    pack: RulePack,
    filters: Filters,
    *,
    today: date | None = None,
    rule: Rule = USUAL_RULE,
    facts: Facts | None = None,
) -> Report:
    """``facts`` when the caller holds them already (they must cover ``facts_for``)."""
    today = today or datetime.now().astimezone().date()
    facts = facts or facts_for(store, filters, today, rule)
    recovery = {code: d.recovery for code, d in pack.dispositions.items()}
    with store.read() as session:
        receiving = receiving_kpis(session, filters.start, filters.end)
        fresh = freshness(session)
    narrow = filters.chosen()
    tally = facts.tally(filters.start, filters.end, narrow)
    by_day = facts.by_day(filters.start, filters.end, narrow)
    return Report(
        filters,
        kpis_of(tally, facts, recovery, by_day),
        receiving,
        find_spikes(facts, filters.end, rule, narrow),
        rule,
        scorecard(tally, facts, receiving.units_by_supplier),
        fresh,
    )


def scorecard(tally: Tally, facts: Facts, received: dict[str, int]) -> list[Scored]:
    """Suppliers ranked by defect-driven returns per unit received from them; those with
    returns but nothing received in the range come last, by count. ``tally``: the range's
    (``facts`` name its codes)."""
    pairs = tally.counts["supplier_found"]
    found_codes = facts.codes.by_value.get("found", {})
    defective = [code for r in DEFECTS if 0 <= (code := found_codes.get(r, -1)) < pairs.shape[1]]
    names = facts.codes.names("supplier")
    counts = np.pad(pairs[:, defective].sum(axis=1), (0, len(names) - len(pairs)))
    scored = [
        Scored(names[code], int(counts[code]), received.get(names[code], 0))
        for code in range(len(names))
        if names[code] and (counts[code] or received.get(names[code]))
    ]
    return sorted(scored, key=lambda s: (s.rate is None, -(s.rate or 0), -s.defects))


def figures(report: Report) -> list[tuple[str, str, float | int | str]]:
    """Every figure as (section, key, value): the CSV's rows, and what the PDF prints."""
    r, g = report.returns, report.receiving
    rows: list[tuple[str, str, float | int | str]] = [
        ("range", "from", report.filters.start.isoformat()),
        ("range", "to", report.filters.end.isoformat()),
        *(
            ("site", f"{bench} as of", f"{at.replace(tzinfo=UTC).astimezone():%Y-%m-%d %H:%M}")
            for bench, at in sorted(report.freshness.items())
        ),
        *(("filter", k, v) for k, v in report.filters.chosen().items()),
        ("returns", "units", r.units),
        ("returns", "triaged", r.triaged),
        ("returns", "value", r.value_cents / 100),
        ("returns", "recovered", r.recovered_cents / 100),
        ("returns", "recovery rate", _maybe(r.recovery_rate)),
        ("returns", "reason mismatch rate", _maybe(r.mismatch_rate)),
        ("returns", "seconds to decision, median", _maybe(r.to_decision.median)),
        ("returns", "seconds to decision, p90", _maybe(r.to_decision.p90)),
        ("returns", "refunds", r.refunds),
        ("returns", "seconds to refund, median", _maybe(r.refund_latency.median)),
        ("returns", "seconds to refund, p90", _maybe(r.refund_latency.p90)),
        ("returns", "overrides", r.overrides),
        ("returns", "approvals", r.approvals),
    ]
    for who, rates in r.per_hour.items():
        rows += [(f"units per hour by {who}", k, v) for k, v in rates.items()]
    rows += [("units by hour of day", f"{h:02d}", n) for h, n in enumerate(r.by_hour_of_day)]
    first = report.filters.start
    rows += [
        ("units by day", (first + timedelta(days=n)).isoformat(), units)
        for n, units in enumerate(r.by_day)
    ]
    for dimension, counts in r.by.items():
        rows += [(f"units by {dimension}", k or "(none)", v) for k, v in counts.items()]
    rows += [
        ("receiving", "receipts closed", g.receipts_closed),
        ("receiving", "lines received", g.lines_received),
        ("receiving", "putaways", g.putaways),
        *(("receiving per hour", k, v) for k, v in g.per_hour.items()),
        *(("units received by supplier", k, v) for k, v in g.units_by_supplier.items()),
        *(
            (f"discrepancies of {supplier}", kind, n)
            for supplier, kinds in g.discrepancies.items()
            for kind, n in kinds.items()
        ),
        *(
            (f"putaway overrides in zone {z}", "overrides", n[0])
            for z, n in g.overrides_by_zone.items()
        ),
        *(
            (f"putaway overrides in zone {z}", "putaways", n[1])
            for z, n in g.overrides_by_zone.items()
        ),
        *(("exceptions", k, v) for k, v in g.exceptions.items()),
        *(("spikes", f"{s.kind} {s.key}", s.why(report.rule)) for s in report.spikes),
        *(("supplier scorecard", s.supplier, _maybe(s.rate)) for s in report.scorecard),
    ]
    if report.forecast is not None:
        rows += [
            (f"forecast {row.day.isoformat()}", row.category, round(row.units, 1))
            for row in report.forecast.rows
        ]
        rows += [
            (f"forecast {day.isoformat()}", "inspector-hours", round(hours, 1))
            for day, _, _, hours in report.forecast.per_day()
        ]
    return rows


def _maybe(value: float | None) -> float | str:
    return "" if value is None else round(value, 4)


def write_csv(report: Report, out: Path) -> None:
    with out.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(("section", "key", "value"))
        writer.writerows(figures(report))
