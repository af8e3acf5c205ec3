"""The dock's backlog ordered by what waiting costs, checked against a small example worked
out by hand.

The rule pack recovers RESTOCK 1.0, REFURBISH 0.6, RTV 0.8, LIQUIDATE 0.25, DISPOSE 0, and
loses apparel 1.0%, electronics 0.6%, health and beauty 0.4% of a waiting return's value a
day. The station's history (units by category, stated reason and how they ended):

    apparel, SIZE_FIT       20: 16 RESTOCK, 4 LIQUIDATE   -> 17/20 = 0.85 recovered
    apparel, CHANGED_MIND    5:  5 RESTOCK                -> too few: all apparel,
                                                             (21 + 1)/25 = 0.88
    electronics, DEFECTIVE  30: 10 RTV, 10 REFURBISH, 10 DISPOSE -> (8 + 6)/30 = 0.4667
    health and beauty: none -> every unit, (21 + 1 + 8 + 6)/55 = 0.6545

Five parcels, in the order they came:

    08:00 RMA-10001  HB-3001 35.99 DAMAGED         35.99 x 0.6545 = 23.56, loses 0.094 a day
    08:10 RMA-10004  AP-1007 48.99 SIZE_FIT        48.99 x 0.85   = 41.64, loses 0.416 a day
    08:20 (no RMA)                                 worth unknown: last
    08:30 RMA-10005  AP-1001 25.99 WRONG_ITEM and 2 x AP-1007 48.99 CHANGED_MIND
                     123.97 x 0.88 = 109.09, loses 1.091 a day
    08:40 RMA-10012  EL-2039 1,122.99 DEFECTIVE   1,122.99 x 0.4667 = 524.06, loses 3.144 a day
"""

import gc
import random
from collections import Counter
from datetime import date, datetime

import pytest
from sqlalchemy import select

from station.returns.backlog import Outcomes, backlog, in_words, outcomes, pull_order
from station.rulepack import RulePack
from station.store.engine import Store
from station.store.schema import Parcel, ReturnUnit, RmaLine

HISTORY = Outcomes({
    ("apparel", "SIZE_FIT"): Counter(RESTOCK=16, LIQUIDATE=4),
    ("apparel", "CHANGED_MIND"): Counter(RESTOCK=5),
    ("electronics", "DEFECTIVE"): Counter(RTV=10, REFURBISH=10, DISPOSE=10),
})  # fmt: skip
CAME = [
    ("PCL-B1-000001", "RMA-10001", 8, 0),
    ("PCL-B1-000002", "RMA-10004", 8, 10),
    ("PCL-B1-000003", None, 8, 20),
    ("PCL-B1-000004", "RMA-10005", 8, 30),
    ("PCL-B1-000005", "RMA-10012", 8, 40),
]


def check_in(store: Store, parcels: list[tuple[str, str | None, int, int]]) -> None:
    with store.unit() as session:
        for tag, rma, hour, minute in parcels:
            session.add(
                Parcel(
                    tag=tag, scanned=rma or "1ZUNKNOWN0000", rma_number=rma, bench="B1",
                    operator="BADGE-1001", arrived_at=datetime(2026, 12, 1, hour, minute),
                )
            )  # fmt: skip


def test_the_parcel_losing_most_a_day_comes_first_each_worth_as_worked_by_hand(
    store: Store, pack: RulePack
) -> None:
    check_in(store, CAME)
    with store.read() as session:
        waiting = backlog(session, pack, HISTORY)
    assert [w.tag for w in waiting] == [
        "PCL-B1-000005", "PCL-B1-000004", "PCL-B1-000002", "PCL-B1-000001", "PCL-B1-000003"
    ]  # fmt: skip
    worth = {w.rma: round(w.worth_cents / 100, 2) for w in waiting}
    losing = {w.rma: round(w.losing_cents / 100, 3) for w in waiting}
    assert worth == {
        "RMA-10012": 524.06, "RMA-10005": 109.09, "RMA-10004": 41.64, "RMA-10001": 23.56,
        None: 0.0,
    }  # fmt: skip
    assert losing == {
        "RMA-10012": 3.144, "RMA-10005": 1.091, "RMA-10004": 0.416, "RMA-10001": 0.094,
        None: 0.0,
    }  # fmt: skip
    (hb,) = waiting[3].lines
    assert (hb.category, hb.reason, round(hb.recovered, 4)) == ("health_beauty", "DAMAGED", 0.6545)


def test_two_alike_go_oldest_first_and_units_already_returned_are_worth_nothing_more(
    store: Store, pack: RulePack
) -> None:
    check_in(store, [("PCL-B1-000007", "RMA-10004", 9, 30), ("PCL-B1-000006", "RMA-10004", 9, 0)])
    with store.read() as session:
        assert [w.tag for w in backlog(session, pack, HISTORY)] == [
            "PCL-B1-000006", "PCL-B1-000007"
        ]  # fmt: skip
    with store.unit() as session:
        line = session.scalar(select(RmaLine).where(RmaLine.rma_number == "RMA-10004"))
        assert line is not None
        session.add(returned_unit("u1", line.id, "RESTOCK"))
        session.get_one(Parcel, "PCL-B1-000006").pulled_at = datetime(2026, 12, 1, 10)
    with store.read() as session:
        (left,) = backlog(session, pack, HISTORY)
    assert left.tag == "PCL-B1-000007" and left.worth_cents == 0  # its one unit came


def test_many_parcels_alike_come_in_pull_order_and_the_collector_is_on_after(
    store: Store, pack: RulePack
) -> None:
    """The backlog sorts by what a parcel loses alone and keeps the arrival order among
    equals (the second boxes of an RMA are worth nothing more: many ties), as
    ``pull_order`` says; and Python's collector, held off meanwhile, is on again."""
    rng = random.Random(7)
    rmas = [None, "RMA-10001", "RMA-10004", "RMA-10005", "RMA-10012"]
    came = [
        (f"PCL-B1-{n:06}", rng.choice(rmas), rng.randrange(8, 10), rng.randrange(60))
        for n in range(1, 61)
    ]
    check_in(store, came)
    with store.read() as session:
        waiting = backlog(session, pack, HISTORY)
    assert len(waiting) == len(came)
    assert waiting == sorted(waiting, key=pull_order)
    assert gc.isenabled()


class Failing(Outcomes):
    def recovered(self, _category: str, _reason: str, _pack: RulePack) -> float:
        raise RuntimeError("a fault while the backlog is made")


def test_the_collector_is_on_again_when_making_the_backlog_fails(
    store: Store, pack: RulePack
) -> None:
    check_in(store, CAME)
    with store.read() as session, pytest.raises(RuntimeError):
        backlog(session, pack, Failing({}))
    assert gc.isenabled()


def returned_unit(unit: str, line: int, disposition: str) -> ReturnUnit:
    return ReturnUnit(
        id=unit, status="decided", bench="B1", operator="BADGE-1001",
        started_at=datetime(2026, 11, 20, 10), finished_at=datetime(2026, 11, 20, 10, 2),
        rma_line_id=line, sku="AP-1007", identified_by="RMA-10004", grade="A",
        found_reason="SIZE_FIT", disposition=disposition, lpn=f"LPN-{unit}",
    )  # fmt: skip


def triaged_unit() -> ReturnUnit:
    return ReturnUnit(
        id="t1", status="triage", bench="B2", operator="BADGE-1001",
        started_at=datetime(2026, 11, 20, 11), finished_at=datetime(2026, 11, 20, 11, 1),
        sku="AP-1007", identified_by="5907284338711", lpn="LPN-t1",
    )  # fmt: skip


def test_the_history_is_counted_by_category_stated_reason_and_disposition(store: Store) -> None:
    with store.unit() as session:
        line = session.scalar(select(RmaLine.id).where(RmaLine.rma_number == "RMA-10004"))
        assert line is not None
        for n, disposition in enumerate(["RESTOCK", "RESTOCK", "LIQUIDATE"]):
            session.add(returned_unit(f"u{n}", line, disposition))
        session.add(triaged_unit())  # no RMA, no decision: not counted
    counted = outcomes(store, date(2026, 12, 1))
    too_late = outcomes(store, date(2027, 12, 1))  # past the days looked back on
    assert counted.counts == {("apparel", "SIZE_FIT"): Counter(RESTOCK=2, LIQUIDATE=1)}
    assert too_late.counts == {}


@pytest.mark.parametrize(
    ("history", "share"),
    [
        (Outcomes({}), (1.0 + 0.6 + 0.8 + 0.25) / 8),  # nothing known: every disposition alike
        (Outcomes({("toys", "DAMAGED"): Counter(RTV=1)}), 0.8),  # a little, all there is
    ],
)
def test_with_little_or_no_history_the_share_is_said_from_what_there_is(
    history: Outcomes, share: float, pack: RulePack
) -> None:
    assert history.recovered("apparel", "SIZE_FIT", pack) == pytest.approx(share)


def test_a_parcel_whose_rma_is_not_here_says_its_worth_is_unknown(
    store: Store, pack: RulePack
) -> None:
    check_in(store, [("PCL-B7-000001", None, 9, 0)])
    with store.unit() as session:  # checked in at another bench, on an RMA not here yet
        session.get_one(Parcel, "PCL-B7-000001").rma_number = "RMA-99999"
    with store.read() as session:
        (waiting,) = backlog(session, pack, HISTORY)
    assert in_words(waiting, "EUR") == (
        "RMA-99999 is not at this bench yet (or has come back whole): worth unknown"
    )
