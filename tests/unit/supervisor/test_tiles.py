"""The headline tiles: each figure against the period before, worked out by hand."""

from datetime import date

from sqlalchemy import select, update

from station.outbox import RefundEligible
from station.recording import emit
from station.states import OutboxStatus
from station.store.engine import Store
from station.store.schema import OutboxEvent
from station.supervisor.kpis import Filters, ReturnsKpis, Spread
from station.supervisor.tiles import before, tiles

WEEK = Filters(date(2026, 11, 23), date(2026, 11, 29), bench="BENCH-02")


def kpis(units: int, value: int, recovered: int, median: float | None) -> ReturnsKpis:
    found = ReturnsKpis(units=units, value_cents=value, recovered_cents=recovered)
    found.to_decision = Spread(median, None)
    return found


def test_the_period_before_is_as_long_and_keeps_the_filters() -> None:
    earlier = before(WEEK)
    assert (earlier.start, earlier.end, earlier.bench) == (
        date(2026, 11, 16), date(2026, 11, 22), "BENCH-02",
    )  # fmt: skip


def test_each_tile_against_the_week_before(store: Store) -> None:
    now = kpis(1_100, 100_000, 75_000, 84.0)  # 75.0% recovered, 1 min 24 s
    then = kpis(1_000, 100_000, 70_000, 90.0)  # 70.0%, 1 min 30 s
    units, recovery, speed, refunds, exceptions = tiles(now, then, WEEK, store)
    assert (units.value, units.change) == ("1,100", "+10% on the 7 days before")
    assert (recovery.value, recovery.change, recovery.better) == (
        "75.0%", "+5.0 points on the 7 days before", True,
    )  # fmt: skip
    assert (speed.value, speed.change, speed.better) == (
        "1 min 24 s", "6 s faster than the 7 days before", True,
    )  # fmt: skip
    assert (refunds.value, refunds.better) == ("0", None)
    assert (exceptions.value, exceptions.better) == ("0", None)


def test_what_waits_now_is_counted_and_said_as_bad_news(store: Store) -> None:
    with store.unit() as session:
        emit(session, RefundEligible(rma="RMA-10004", line=1, value_cents=1999))
        emit(session, RefundEligible(rma="RMA-10005", line=1, value_cents=2999))
    with store.unit() as session:  # the ERP refused one: it waits in the exception queue
        first = min(session.scalars(select(OutboxEvent.seq)))
        session.execute(
            update(OutboxEvent).where(OutboxEvent.seq == first).values(status=OutboxStatus.REJECTED)
        )
    _, _, _, refunds, exceptions = tiles(kpis(0, 0, 0, None), kpis(0, 0, 0, None), WEEK, store)
    assert (refunds.value, refunds.better) == ("2", False)
    assert (exceptions.value, exceptions.better) == ("1", False)
