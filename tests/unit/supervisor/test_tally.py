"""The counts the supervisor's figures add up from: a range added up from its kept days'
tallies gives every figure its rows give, without reading a row."""

from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta

import numpy as np
import numpy.typing as npt
import pytest
from sqlalchemy import delete

from demo.history import write_history
from station.rulepack import RulePack
from station.states import UnitStatus
from station.store.engine import Store
from station.store.schema import FactDay, ReturnUnit
from station.supervisor.facts import COLUMNS, Facts, load_facts
from station.supervisor.kept_days import forget_days
from station.supervisor.kpis import Filters, returns_kpis
from station.supervisor.report import build_report
from station.supervisor.tally import NAMES, Tally, of_rows, packed, spread, summed

TODAY = date(2026, 11, 27)
FIRST = TODAY - timedelta(days=21)


@pytest.mark.parametrize("size", [1, 2, 3, 10, 101, 5_000])
def test_a_spread_from_counts_is_numpys_from_the_values_to_the_last_bit(size: int) -> None:
    values = np.random.default_rng(size).integers(0, 400, size)
    assert spread(np.bincount(values)) == tuple(np.percentile(values, [50, 90]))


def test_nothing_counted_has_no_spread() -> None:
    assert spread(np.zeros(5, dtype=np.int64)) is None


def test_days_kept_apart_add_up_to_the_tally_of_all_their_rows() -> None:
    rng = np.random.default_rng(7)
    days = []
    for n in range(6):  # each day knows fewer codes than the next: codes only grow
        rows = 50 + 20 * n
        day = {name: rng.integers(0, 3 + n, rows, dtype=np.int32) for name in COLUMNS}
        day["day"] = np.full(rows, FIRST.toordinal() + n, dtype=np.int32)
        day["hour"] = rng.integers(0, 24, rows, dtype=np.int32)
        day["seconds"] = rng.integers(-1, 900, rows, dtype=np.int32)
        day["value_cents"] = rng.integers(0, 90_000, rows, dtype=np.int32)
        for flag in ("overridden", "approved", "refund"):
            day[flag] = rng.integers(0, 2, rows, dtype=np.int32)
        days.append(day)
    every = {name: np.concatenate([day[name] for day in days]) for name in COLUMNS}
    kept = summed([packed(of_rows(day, triage=2)) for day in days[:-1]]) + of_rows(days[-1], 2)
    whole = of_rows(every, triage=2)
    for name in NAMES:
        assert np.array_equal(_trimmed(kept, name), _trimmed(whole, name)), name


def test_a_kept_range_gives_the_figures_its_rows_give_without_reading_them(
    store: Store, pack: RulePack
) -> None:
    written = write_history(store, pack, days=20, units=2_000, today=TODAY)
    recovery = {code: d.recovery for code, d in pack.dispositions.items()}
    facts = load_facts(store, FIRST, TODAY, TODAY)  # kept by the history: tallies only
    whole = Filters(FIRST, TODAY)
    kept = returns_kpis(facts, whole, recovery)
    assert "columns" not in facts.__dict__  # no day's rows were read
    rows = Facts(facts.columns, facts.codes)  # the same facts, counted row by row
    assert kept.units == written.units
    assert asdict(kept) == asdict(returns_kpis(rows, whole, recovery))
    bench = Filters(FIRST, TODAY, bench="BENCH-02")  # narrowed: counted from its rows
    assert asdict(returns_kpis(facts, bench, recovery)) == asdict(
        returns_kpis(rows, bench, recovery)
    )


def test_the_report_reads_only_the_alerts_weeks_of_rows(store: Store, pack: RulePack) -> None:
    write_history(store, pack, days=60, units=3_000, today=TODAY)
    facts = load_facts(store, TODAY - timedelta(days=60), TODAY, TODAY)
    report = build_report(store, pack, Filters(TODAY - timedelta(days=60), TODAY), facts=facts)
    assert report.returns.units > 3_000
    assert "columns" not in facts.__dict__  # the spikes read their 29 days apart


def test_a_day_forgotten_since_it_was_read_is_built_again_when_its_rows_are_needed(
    store: Store, pack: RulePack
) -> None:
    written = write_history(store, pack, days=5, units=500, today=TODAY)
    facts = load_facts(store, TODAY - timedelta(days=5), TODAY, TODAY)
    with store.unit() as session:  # a late event from another bench changed those days
        session.execute(delete(FactDay))
    assert len(facts.columns["day"]) == written.units


def _trimmed(tally: Tally, name: str) -> npt.NDArray[np.int64]:
    """The counts without the zeros a wider tally is padded with."""
    counts = tally.counts[name]
    while counts.ndim and counts.shape[-1] and not counts[..., -1].any():
        counts = counts[..., :-1]
    while counts.ndim == 2 and counts.shape[0] and not counts[-1].any():
        counts = counts[:-1]
    return counts


def _trimmed(tally: Tally, name: str) -> npt.NDArray[np.int64]:
    """The counts without the zeros a wider tally is padded with."""
    counts = tally.counts[name]
    while counts.ndim and counts.shape[-1] and not counts[..., -1].any():
        counts = counts[..., :-1]
    while counts.ndim == 2 and counts.shape[0] and not counts[-1].any():
        counts = counts[:-1]
    return counts


def test_a_day_forgotten_is_counted_from_its_units_again_and_its_month_too(
    store: Store, pack: RulePack
) -> None:
    """A unit of a kept day arrives late (as another bench's do, by the site sync): the
    day is forgotten, and the figures count it, the month's too."""
    september, october = date(2026, 9, 1), date(2026, 10, 31)
    whole = Filters(september, october)
    written = write_history(store, pack, days=61, units=1_000, today=date(2026, 11, 1))
    recovery = {code: d.recovery for code, d in pack.dispositions.items()}
    facts = load_facts(store, september, october, TODAY)
    assert facts.kept is not None and set(facts.kept.months) == {september, date(2026, 10, 1)}
    assert returns_kpis(facts, whole, recovery).units == written.units
    late = datetime(2026, 9, 15, 11, 0).astimezone(UTC).replace(tzinfo=None)
    with store.unit() as session:
        session.add(
            ReturnUnit(
                id="late", status=UnitStatus.DECIDED, bench="BENCH-09", operator="BADGE-1001",
                started_at=late, finished_at=late, sku="AP-1007", identified_by="AP-1007",
                grade="A", found_reason="SIZE_FIT", disposition="RESTOCK", lpn="LPN-late",
            )
        )  # fmt: skip
        forget_days(session, late.date(), late.date())
    again = load_facts(store, september, october, TODAY)
    figures = returns_kpis(again, whole, recovery)
    assert figures.units == written.units + 1
    assert figures.per_hour["bench"]["BENCH-09"] == 1.0
    rows = Facts(again.columns, again.codes)
    assert asdict(figures) == asdict(returns_kpis(rows, whole, recovery))


def _trimmed(tally: Tally, name: str) -> npt.NDArray[np.int64]:
    """The counts without the zeros a wider tally is padded with."""
    counts = tally.counts[name]
    while counts.ndim and counts.shape[-1] and not counts[..., -1].any():
        counts = counts[..., :-1]
    while counts.ndim == 2 and counts.shape[0] and not counts[-1].any():
        counts = counts[:-1]
    return counts


def _trimmed(tally: Tally, name: str) -> npt.NDArray[np.int64]:
    """The counts without the zeros a wider tally is padded with."""
    counts = tally.counts[name]
    while counts.ndim and counts.shape[-1] and not counts[..., -1].any():
        counts = counts[..., :-1]
    while counts.ndim == 2 and counts.shape[0] and not counts[-1].any():
        counts = counts[:-1]
    return counts


def test_days_written_into_again_are_counted_again_months_too(store: Store, pack: RulePack) -> None:
    """A month kept summed, its days then written into (a bench back from a week away):
    the figures count the new units."""
    first = date(2026, 9, 1)
    whole = Filters(first, date(2026, 10, 31))
    one = write_history(store, pack, days=61, units=1_000, today=whole.end + timedelta(days=1))
    recovery = {code: d.recovery for code, d in pack.dispositions.items()}
    facts = load_facts(store, whole.start, whole.end, TODAY)
    assert facts.kept is not None and set(facts.kept.months) == {first, date(2026, 10, 1)}
    assert returns_kpis(facts, whole, recovery).units == one.units
    two = write_history(
        store, pack, days=61, units=500, today=whole.end + timedelta(days=1), seed=7
    )
    again = load_facts(store, whole.start, whole.end, TODAY)
    assert returns_kpis(again, whole, recovery).units == one.units + two.units
    rows = Facts(again.columns, again.codes)
    assert asdict(returns_kpis(again, whole, recovery)) == asdict(
        returns_kpis(rows, whole, recovery)
    )
