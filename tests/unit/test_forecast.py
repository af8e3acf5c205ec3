"""The forecast of returns: the model against the last week repeated, the announced RMAs
as a floor, the transit time and the hours, each on numbers worked out here."""

from datetime import date, datetime, time, timedelta

import numpy as np
import pytest
from sqlalchemy import select

from demo.history import write_history
from station.rulepack import RulePack
from station.states import UnitStatus
from station.store.engine import Store
from station.store.schema import Item, ReturnUnit, Rma, RmaLine
from station.supervisor import forecast as forecasting
from station.supervisor.facts import Codes, Facts, load_facts
from station.supervisor.forecast import (
    HORIZON_DAYS,
    NAIVE,
    STRUCTURAL,
    UNMEASURED_SECONDS,
    predict,
    seasonal_naive,
    transit_days,
    wape,
)

TODAY = date.today()


def a_business(days: int, seed: int = 7) -> np.ndarray:
    """Returns per day of a growing business with a busy Monday, a quiet weekend and a
    monthly wave, in Poisson noise: the shape the model is for."""
    rng = np.random.default_rng(seed)
    week = np.array([1.4, 1.2, 1.0, 1.0, 0.9, 0.5, 0.4])
    n = np.arange(days)
    mean = 60 * week[n % 7] * (1 + 0.004 * n) * (1 + 0.15 * np.sin(2 * np.pi * n / 30.4))
    return rng.poisson(mean).astype(np.float64)


def test_the_model_beats_the_last_week_repeated_by_a_fifth_at_least() -> None:
    series = a_business(112 + 28)
    known, came = series[:112], series[112:]
    predicted, method = predict(known, 28)
    assert method == STRUCTURAL
    assert wape(predicted, came) <= 0.8 * wape(seasonal_naive(known, 28), came)


def test_with_too_little_history_the_last_week_is_repeated_and_said() -> None:
    known = np.array([5, 1, 2, 3, 4, 0, 9, 1, 2, 3], dtype=np.float64)
    predicted, method = predict(known, 10)
    assert method == NAIVE
    assert predicted.tolist() == [3, 4, 0, 9, 1, 2, 3, 3, 4, 0]
    assert seasonal_naive(np.zeros(0), 3).tolist() == [0, 0, 0]


def test_wape_weighs_each_day_by_its_returns() -> None:
    # 2 off of 10 and 0 off of 1: 2 / 11, where MAPE would say (20% + 0%) / 2 = 10%.
    assert wape(np.array([8.0, 1.0]), np.array([10.0, 1.0])) == pytest.approx(2 / 11)
    assert wape(np.array([1.0]), np.array([0.0])) == 0.0


def test_transit_is_measured_from_ship_date_to_first_scan(store: Store) -> None:
    with store.unit() as session:
        assert transit_days(session, TODAY) == forecasting.TRANSIT_DAYS  # none measured
        firsts = select(RmaLine).where(RmaLine.line_no == 1).order_by(RmaLine.id).limit(3)
        lines = session.scalars(firsts).all()
        for line, lag in zip(lines, (2, 4, 9), strict=True):
            rma = session.get(Rma, line.rma_number)
            assert rma is not None
            rma.ship_date = TODAY - timedelta(days=20)
            session.add(
                ReturnUnit(
                    id=f"u-{line.id}", status=UnitStatus.DECIDED, bench="BENCH-01",
                    operator="BADGE-1001", identified_by=rma.number, rma_line_id=line.id,
                    started_at=datetime.combine(rma.ship_date + timedelta(days=lag), time(10)),
                )
            )  # fmt: skip
    with store.read() as session:
        assert transit_days(session, TODAY) == 4  # the median of 2, 4 and 9


def test_announced_rmas_are_a_floor_and_the_hours_follow_the_units(store: Store) -> None:
    # No history at all: the model has nothing, the RMAs on their way are the forecast.
    with store.read() as session:
        lag = transit_days(session, TODAY)
        open_lines = session.execute(
            select(Rma.ship_date, Item.category, RmaLine.quantity)
            .join(RmaLine, RmaLine.rma_number == Rma.number)
            .join(Item, Item.sku == RmaLine.sku)
        ).all()
    first = TODAY + timedelta(days=1)
    due: dict[tuple[date, str], int] = {}
    for shipped, category, quantity in open_lines:
        arrives = shipped + timedelta(days=lag)
        if first - timedelta(days=30) <= arrives < first + timedelta(days=HORIZON_DAYS):
            arrives = max(arrives, first)  # overdue: any day now
            due[arrives, category] = due.get((arrives, category), 0) + quantity
    assert due, "the demo announces RMAs shipping in the coming days"
    empty = Facts({c: np.zeros(0, dtype=np.int32) for c in ("day", "category", "seconds")},
                  Codes({}))  # fmt: skip
    expected = forecasting.forecast(store, TODAY, empty)
    assert len(expected.days) == HORIZON_DAYS and expected.days[0] == first
    shown = {(r.day, r.category): r for r in expected.rows if r.units}
    assert {key: int(row.units) for key, row in shown.items()} == due
    assert all(row.announced == row.units for row in shown.values())
    assert all(row.hours == pytest.approx(row.units * UNMEASURED_SECONDS / 3600)
               for row in shown.values())  # fmt: skip
    assert set(expected.methods.values()) == {NAIVE}


def test_a_forecast_over_a_real_past_names_each_category_and_its_method(
    store: Store, pack: RulePack
) -> None:
    write_history(store, pack, days=140, units=14_000, today=TODAY)
    facts = load_facts(store, TODAY - timedelta(days=112), TODAY - timedelta(days=1), TODAY)
    expected = forecasting.forecast(store, TODAY, facts)
    assert set(expected.methods.values()) == {STRUCTURAL}
    per_day = expected.per_day()
    # About a hundred a day were returned lately: the next two weeks are of that order.
    assert 40 < sum(units for _, units, _, _ in per_day) / HORIZON_DAYS < 250
    assert all(hours > 0 for _, units, _, hours in per_day if units)
    held = forecasting.backtest(store, TODAY)
    assert held.metric == "WAPE" and held.days == 28 and held.units > 0
    assert held.error < held.naive_error
