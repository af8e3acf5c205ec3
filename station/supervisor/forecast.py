"""The returns to come, per category and day, for the next two weeks, and the inspector-hours
they need; and how the same method did on days already known (its back-test).

**The model** is statsmodels' structural time series (``UnobservedComponents``): a level
with a growth that both drift (a local linear trend), a weekly season (three harmonics:
any shape of week) and a monthly wave (one harmonic of 365.25 / 12 days: pay days, the
month's promotions), fitted by maximum likelihood to each category's units per day over
the last 16 weeks of this store's facts. Exponential smoothing (Holt-Winters, with and
without a damped trend) was tried first: on the demo's history it did worse than the
seasonal-naive forecast, the last week repeated, since a month-long wave passes for a
trend to it; the structural model's error is about a third below the naive one (``make
bench``: ``forecast_backtest``). With fewer than four weeks of a category the last week
is repeated, and the forecast says so.

**Announced RMAs** are a floor: the open lines of RMAs the ERP sent down arrive on their
ship date plus the transit time measured here (the median days from an RMA's ship date to
its first scan at a bench over the last 90 days; 3 without any), those overdue by up to 30
days tomorrow, and a day's forecast of a category is never below what is already on its
way for it.

**Hours**: the units expected times the category's median seconds from first scan to
decision over the same 16 weeks (a category not seen: the median of the others; nothing
measured yet: five minutes a unit), in hours of an inspector's work.
"""

import statistics
import warnings
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt
from sqlalchemy import exists, func, literal_column, select, text
from sqlalchemy.orm import Session

from station.states import UnitStatus
from station.store.engine import Store
from station.store.schema import Item, ReturnUnit, Rma, RmaLine
from station.store.schema.master import COMING
from station.supervisor.facts import Facts, load_facts

HORIZON_DAYS = 14
TRAINING_DAYS = 112  # sixteen weeks: four turns of the month, the trend of a season
HELD_OUT_DAYS = 28  # the back-test's days, forecast from the ones before them
LEAST_DAYS = 28  # fewer days of a category: its last week repeated
WEEK_DAYS = 7
MONTH_DAYS = 365.25 / 12
TRANSIT_DAYS = 3  # from ship date to the dock, until this store has measured its own
TRANSIT_MEASURED_DAYS = 90
TRANSIT_SAMPLE = 5_000  # RMAs at most whose transit is measured
OVERDUE = timedelta(days=30)  # an RMA shipped longer ago and never come is not counted on
UNMEASURED_SECONDS = 300.0  # a unit's inspection, until this store has timed its own
NO_ITEM = "no item (triage)"  # the category of a parcel sent to triage, in words
STRUCTURAL = "structural time series (trend, week, month)"
NAIVE = "the last week repeated (too little history)"

Series = npt.NDArray[np.float64]


@dataclass(frozen=True)
class CategoryDay:
    day: date
    category: str
    units: float  # expected, announced ones included
    announced: int  # open RMA lines due that day
    hours: float  # of an inspector's work


@dataclass(frozen=True)
class Forecast:
    days: tuple[date, ...]
    rows: tuple[CategoryDay, ...]
    methods: dict[str, str]  # by category: the model, or the naive stand-in and why

    def per_day(self) -> list[tuple[date, float, int, float]]:
        """Each day's (day, units, announced, hours) over every category."""
        return [
            (
                day,
                sum(r.units for r in self.rows if r.day == day),
                sum(r.announced for r in self.rows if r.day == day),
                sum(r.hours for r in self.rows if r.day == day),
            )
            for day in self.days
        ]


@dataclass(frozen=True)
class Backtest:
    error: float  # the model's, over every held-out category and day
    naive_error: float  # the last known week repeated, over the same
    days: int
    units: int  # held out
    metric: str = "WAPE"  # the absolute errors' sum over the units' sum


def forecast(store: Store, today: date, facts: Facts | None = None) -> Forecast:
    """The next ``HORIZON_DAYS`` days from tomorrow. ``facts``: the supervisor's, when they
    cover the 16 weeks to yesterday already."""
    first, last = today - timedelta(days=TRAINING_DAYS), today - timedelta(days=1)
    facts = facts or load_facts(store, first, last, today)
    categories, grid = daily_units(facts, first, last)
    days = tuple(today + timedelta(days=n) for n in range(1, HORIZON_DAYS + 1))
    with store.read() as session:
        lag = timedelta(days=transit_days(session, today))
        shipped = announced(session, days[0] - lag - OVERDUE, days[-1] - lag)
    due: dict[tuple[date, str], int] = {}
    for (ship_date, category), count in shipped.items():
        # Overdue and not here yet: it is expected any day now, from tomorrow.
        arrives = max(ship_date + lag, days[0])
        due[arrives, category] = due.get((arrives, category), 0) + count
    seconds = seconds_to_decide(facts, first, last)
    anyone = statistics.median(seconds.values()) if seconds else UNMEASURED_SECONDS
    rows: list[CategoryDay] = []
    methods: dict[str, str] = {}
    for category in sorted({*categories, *(c for _, c in due)}):
        series = grid[categories.index(category)] if category in categories else np.zeros(0)
        expected, methods[category] = predict(series, HORIZON_DAYS)
        per_unit = seconds.get(category, anyone)
        for n, day in enumerate(days):
            coming = due.get((day, category), 0)
            units = max(float(expected[n]), float(coming))
            rows.append(CategoryDay(day, category, units, coming, units * per_unit / 3600))
    return Forecast(days, tuple(rows), methods)


def backtest(store: Store, today: date) -> Backtest:
    """The last ``HELD_OUT_DAYS`` before today forecast from the ``TRAINING_DAYS`` before
    them, by the model and by the last known week repeated, against what came."""
    cut = today - timedelta(days=HELD_OUT_DAYS)
    first = cut - timedelta(days=TRAINING_DAYS)
    facts = load_facts(store, first, today - timedelta(days=1), today)
    _, grid = daily_units(facts, first, today - timedelta(days=1))
    known, came = grid[:, :TRAINING_DAYS], grid[:, TRAINING_DAYS:]
    model = np.array([predict(series, HELD_OUT_DAYS)[0] for series in known])
    naive = np.array([seasonal_naive(series, HELD_OUT_DAYS) for series in known])
    total = float(came.sum())
    return Backtest(
        error=wape(model, came),
        naive_error=wape(naive, came),
        days=HELD_OUT_DAYS,
        units=round(total),
    )


def wape(predicted: npt.NDArray[np.float64], actual: npt.NDArray[np.float64]) -> float:
    """Weighted absolute percentage error: a day of few returns weighs little, where MAPE
    would divide by its near-zero and a quiet category's Sunday would swamp the rest."""
    total = float(actual.sum())
    return float(np.abs(predicted - actual).sum()) / total if total else 0.0


def daily_units(facts: Facts, first: date, last: date) -> tuple[list[str], Series]:
    """The categories in words, and their units on each day from ``first`` to ``last``:
    one row per category, one column per day."""
    chosen = facts.within(first, last)
    day = facts.columns["day"][chosen] - first.toordinal()
    category = facts.columns["category"][chosen]
    names = [name or NO_ITEM for name in facts.codes.names("category")]
    grid = np.zeros((len(names), (last - first).days + 1))
    np.add.at(grid, (category, day), 1)
    seen = grid.sum(axis=1) > 0
    return [n for n, s in zip(names, seen, strict=True) if s], grid[seen]


def predict(series: Series, horizon: int) -> tuple[Series, str]:
    """The next ``horizon`` days of ``series`` (units per day, oldest first), never below
    zero, and the method used."""
    # From the category's first return on: the days before it are not quiet days of it.
    series = np.trim_zeros(series, "f")
    if len(series) < LEAST_DAYS:
        return seasonal_naive(series, horizon), NAIVE
    # statsmodels is loaded when a forecast is asked for, not at the window's start.
    from statsmodels.tsa.statespace.structural import (  # noqa: PLC0415
        UnobservedComponents,
    )

    model = UnobservedComponents(
        series,
        level="local linear trend",
        freq_seasonal=[
            {"period": WEEK_DAYS, "harmonics": 3},
            {"period": MONTH_DAYS, "harmonics": 1},
        ],
    )
    with warnings.catch_warnings():
        # A fit stopped at its iteration limit still forecasts well (the back-test uses the
        # same path); the optimiser's notice is not the supervisor's business.
        warnings.filterwarnings("ignore", message=".*converge.*")
        fitted = model.fit(disp=False)
    return np.clip(np.asarray(fitted.forecast(horizon), dtype=np.float64), 0, None), STRUCTURAL


def seasonal_naive(series: Series, horizon: int) -> Series:
    """The last known week repeated (zeros where there is none)."""
    week = series[-WEEK_DAYS:] if len(series) else np.zeros(WEEK_DAYS)
    week = np.concatenate([np.zeros(WEEK_DAYS - len(week)), week])
    return np.resize(week, horizon).astype(np.float64)


def seconds_to_decide(facts: Facts, first: date, last: date) -> dict[str, float]:
    """Each category's median seconds from first scan to decision over the days."""
    chosen = facts.within(first, last) & (facts.columns["seconds"] >= 0)
    names = [name or NO_ITEM for name in facts.codes.names("category")]
    seconds, category = facts.columns["seconds"][chosen], facts.columns["category"][chosen]
    return {
        names[code]: float(np.median(seconds[category == code]))
        for code in np.unique(category).tolist()
    }


def transit_days(session: Session, today: date) -> int:
    """The median days from an RMA's ship date to its first unit's scan at this store's
    benches, over the last ``TRANSIT_MEASURED_DAYS``; ``TRANSIT_DAYS`` with none. Of more
    RMAs than ``TRANSIT_SAMPLE``, every so many (a busy site ships 600,000 in three months,
    whose first scans took seconds to look up; the median of a few thousand is the same
    number of days)."""
    since = today - timedelta(days=TRANSIT_MEASURED_DAYS)
    shipped_since = Rma.ship_date >= since
    every = -(-(session.scalar(select(func.count()).where(shipped_since)) or 0) // TRANSIT_SAMPLE)
    # The RMAs shipped since, found by their ship date; each one's first scan looked up by
    # its lines: grouped by RMA in one join, every unit of the store was read.
    first_scan = (
        select(func.min(ReturnUnit.started_at))
        .join(RmaLine, RmaLine.id == ReturnUnit.rma_line_id)
        .where(RmaLine.rma_number == Rma.number)
        .scalar_subquery()
    )
    sampled = literal_column("rma.rowid") % max(every, 1) == 0  # the order they came in
    shipped = session.execute(select(Rma.ship_date, first_scan).where(shipped_since, sampled))
    lags = [(scanned.date() - day).days for day, scanned in shipped if scanned is not None]
    return max(0, round(statistics.median(lags))) if lags else TRANSIT_DAYS


def announced(session: Session, first: date, last: date) -> dict[tuple[date, str], int]:
    """Units of open RMA lines shipped from ``first`` to ``last``, by ship date and the
    item's category: the lines no unit was taken in against yet."""
    # Looked up line by line (the index on a unit's line): NOT IN would first gather the
    # lines of every unit of the store, years of them.
    taken = exists().where(
        ReturnUnit.rma_line_id == RmaLine.id, ReturnUnit.status != UnitStatus.CANCELLED
    )
    rows = session.execute(
        select(Rma.ship_date, Item.category, func.sum(RmaLine.quantity))
        .join(RmaLine, RmaLine.rma_number == Rma.number)
        .join(Item, Item.sku == RmaLine.sku)
        .where(Rma.ship_date >= first, Rma.ship_date <= last, ~taken)
        # Received or closed in the ERP: come already, or never coming. Said as the index
        # of the RMAs still coming says it (``COMING``), so that SQLite reads that index.
        .where(text(COMING))
        .group_by(Rma.ship_date, Item.category)
    )
    return {(shipped, category): int(units) for shipped, category, units in rows}
