"""The counts the supervisor's figures add up from: a range added up from its kept days'
tallies gives every figure its rows give, without reading a row."""

from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta

import numpy as np
import numpy.typing as npt
import pytest
from sqlalchemy import delete, func, select

from demo.history import write_history
from station.rulepack import RulePack
from station.states import UnitStatus
from station.store.engine import Store
from station.store.schema import FactDay, FactMonth, FactTally, ReturnUnit
from station.supervisor import kept as kept_module
from station.supervisor.facts import COLUMNS, Facts, load_facts
from station.supervisor.kept_days import forget_days
from station.supervisor.kpis import Filters, returns_kpis
from station.supervisor.report import build_report
from station.supervisor.tally import LONGEST, NAMES, Tally, of_rows, packed, spread, summed

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


def _trimmed(tally: Tally, name: str) -> npt.NDArray[np.int64]:
    """The counts without the zeros a wider tally is padded with, along every key."""
    counts = tally.counts[name]
    for axis in range(counts.ndim):
        kept = np.flatnonzero(counts.any(axis=tuple(a for a in range(counts.ndim) if a != axis)))
        counts = np.take(counts, range(kept[-1] + 1 if len(kept) else 0), axis=axis)
    return counts


def test_a_unit_left_open_for_years_counts_as_a_week_not_as_a_histogram_that_long() -> None:
    columns = {name: np.zeros(3, dtype=np.int32) for name in COLUMNS}
    columns["seconds"] = np.array([60, 90, 2_000_000_000], dtype=np.int32)  # a clock gone wrong
    counted = of_rows(columns, triage=-1).counts["decided_seconds"]
    assert len(counted) == LONGEST + 1 and counted.sum() == 3
    assert spread(counted) == (90.0, LONGEST - 0.2 * (LONGEST - 90))


def test_days_kept_before_tallies_are_tallied_from_their_columns(
    store: Store, pack: RulePack
) -> None:
    """A store kept its days' columns before this release: their tallies are worked out
    from those, not from the units (the same figures, the units not read again)."""
    written = write_history(store, pack, days=20, units=1_000, today=TODAY)
    with store.unit() as session:  # as the release before left it
        session.execute(delete(FactTally))
        session.execute(delete(FactMonth))
        session.execute(delete(ReturnUnit))  # so that a count from the units would say 0
    recovery = {code: d.recovery for code, d in pack.dispositions.items()}
    facts = load_facts(store, FIRST, TODAY, TODAY)
    assert returns_kpis(facts, Filters(FIRST, TODAY), recovery).units == written.units
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(FactTally)) == (TODAY - FIRST).days


def test_a_day_forgotten_while_the_kept_days_are_read_is_built_again(
    store: Store, pack: RulePack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another thread forgets a day between reading which days are kept and reading their
    tallies: that day is built again, not left out of the figures."""
    first, last = date(2026, 8, 25), date(2026, 10, 31)
    written = write_history(store, pack, days=68, units=1_000, today=last + timedelta(days=1))
    summing = kept_module._summed_month

    def forgetting_meanwhile(store: Store, first: date, last: date) -> bytes | None:
        with store.unit() as session:
            forget_days(session, date(2026, 8, 28), date(2026, 8, 28))
        return summing(store, first, last)

    monkeypatch.setattr(kept_module, "_summed_month", forgetting_meanwhile)
    recovery = {code: d.recovery for code, d in pack.dispositions.items()}
    facts = load_facts(store, first, last, TODAY)
    assert returns_kpis(facts, Filters(first, last), recovery).units == written.units
