"""The supervisor's figures, checked against a small history worked out by hand.

Four units on 20 November (local time): two at bench B1 by Ines between 10:00 and 10:10,
a third at B2 by Olaf at 11:00, whose found reason is not the customer's and whose
disposition a supervisor overrode, and a parcel with no RMA at B2 at 12:30, sent to triage.
"""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from station.rulepack import RulePack
from station.store.engine import Store
from station.store.schema import FactDay, ReturnUnit, RmaLine
from station.supervisor.facts import load_facts
from station.supervisor.kpis import Filters, Spread, returns_kpis

DAY = date(2026, 11, 20)
TODAY = date(2026, 11, 27)


def at(hour: int, minute: int) -> datetime:
    """A local clock time on DAY, as the store keeps it (naive UTC)."""
    return datetime(2026, 11, 20, hour, minute).astimezone(UTC).replace(tzinfo=None)


def line_of(store: Store, rma: str) -> int:
    with store.read() as session:
        found = session.scalar(select(RmaLine.id).where(RmaLine.rma_number == rma))
        assert found is not None
        return found


@pytest.fixture
def history(store: Store) -> Store:
    units = [
        # id, bench, operator, sku, RMA, found, grade, disposition, suggested, started,
        # finished, approved by, refund
        ("u1", "B1", "BADGE-1001", "AP-1007", "RMA-10004", "SIZE_FIT", "A", "RESTOCK",
         "RESTOCK", at(10, 0), at(10, 2), None, True),
        ("u2", "B1", "BADGE-1001", "EL-2039", "RMA-10012", "DEFECTIVE", "A", "RTV", "RTV",
         at(10, 5), at(10, 10), None, True),
        ("u3", "B2", "BADGE-1002", "AP-1052", "RMA-10010", "SIZE_FIT", "C", "LIQUIDATE",
         "RESTOCK", at(11, 0), at(11, 1), "BADGE-3001", False),
    ]  # fmt: skip
    with store.unit() as session:
        for (unit_id, bench, operator, sku, rma, found, grade, disposition, suggested,
             started, finished, approved, refund) in units:  # fmt: skip
            session.add(
                ReturnUnit(
                    id=unit_id, status="decided", bench=bench, operator=operator,
                    started_at=started, finished_at=finished, rma_line_id=line_of(store, rma),
                    sku=sku, identified_by=rma, grade=grade, found_reason=found,
                    disposition=disposition, suggested_disposition=suggested,
                    approved_by=approved, refund_eligible=refund, lpn=f"LPN-{unit_id}",
                )
            )  # fmt: skip
        session.add(
            ReturnUnit(
                id="u4", status="triage", bench="B2", operator="BADGE-1002",
                started_at=at(12, 29), finished_at=at(12, 30), sku="AP-1004",
                identified_by="5907284338711", lpn="LPN-u4",
            )
        )  # fmt: skip
    return store


def test_each_figure_is_the_one_worked_out_by_hand(history: Store, pack: RulePack) -> None:
    facts = load_facts(history, DAY, DAY, today=TODAY)
    recovery = {code: d.recovery for code, d in pack.dispositions.items()}
    kpis = returns_kpis(facts, Filters(DAY, DAY), recovery)
    assert (kpis.units, kpis.triaged) == (4, 1)
    assert kpis.per_hour["bench"] == {"B1": 2.0, "B2": 1.0}  # B2: one unit in each of 2 hours
    assert kpis.per_hour["operator"] == {"BADGE-1001": 2.0, "BADGE-1002": 1.0}
    assert kpis.by_hour_of_day[10] == 2 and kpis.by_hour_of_day[11] == 1
    assert kpis.by_hour_of_day[12] == 1 and sum(kpis.by_hour_of_day) == 4
    # 120 s, 300 s and 60 s: the median is 120; the 90th percentile 120 + 0.8 x 180
    assert kpis.to_decision == Spread(120.0, 264.0)
    assert kpis.by["stated"] == {"SIZE_FIT": 1, "DEFECTIVE": 1, "NOT_AS_DESCRIBED": 1, "": 1}
    assert kpis.by["found"] == {"SIZE_FIT": 2, "DEFECTIVE": 1, "": 1}
    assert kpis.mismatch_rate == pytest.approx(1 / 3)  # only u3 was found otherwise
    assert kpis.by["disposition"] == {"RESTOCK": 1, "RTV": 1, "LIQUIDATE": 1, "TRIAGE": 1}
    assert kpis.by["category"] == {"apparel": 3, "electronics": 1}
    assert kpis.by["supplier"] == {"Lusitania Textiles": 3, "Shenzhen Brightway": 1}
    assert kpis.by["grade"] == {"A": 2, "C": 1, "": 1}
    assert kpis.by["sku"] == {"AP-1007": 1, "EL-2039": 1, "AP-1052": 1, "AP-1004": 1}
    assert kpis.value_cents == 4899 + 112299 + 8399  # the triaged parcel is not valued
    assert kpis.recovered_cents == round(4899 * 1.0 + 112299 * 0.8 + 8399 * 0.25)  # 96838
    assert kpis.recovery_rate == pytest.approx(96838 / 125597)
    assert kpis.refunds == 2
    assert kpis.refund_latency == Spread(210.0, 282.0)  # 120 s and 300 s
    assert (kpis.overrides, kpis.approvals) == (1, 1)


def test_filters_narrow_every_figure(history: Store, pack: RulePack) -> None:
    facts = load_facts(history, DAY, DAY, today=TODAY)
    recovery = {code: d.recovery for code, d in pack.dispositions.items()}
    b2 = returns_kpis(facts, Filters(DAY, DAY, bench="B2"), recovery)
    assert (b2.units, b2.triaged, b2.value_cents, b2.overrides) == (2, 1, 8399, 1)
    electronics = returns_kpis(facts, Filters(DAY, DAY, category="electronics"), recovery)
    assert electronics.by["sku"] == {"EL-2039": 1}
    nobody = returns_kpis(facts, Filters(DAY, DAY, operator="BADGE-9999"), recovery)
    assert nobody.units == 0 and nobody.recovery_rate is None
    before = returns_kpis(facts, Filters(date(2026, 11, 1), date(2026, 11, 19)), recovery)
    assert before.units == 0


def test_a_past_day_is_built_once_and_read_back_the_same(history: Store) -> None:
    first = load_facts(history, DAY, DAY, today=TODAY)
    with history.read() as session:
        kept = session.get(FactDay, DAY)
        assert kept is not None and kept.rows == 4
    again = load_facts(history, DAY, DAY, today=TODAY)
    assert {k: v.tolist() for k, v in again.columns.items()} == {
        k: v.tolist() for k, v in first.columns.items()
    }


def test_today_is_read_from_the_units_each_time(history: Store) -> None:
    assert load_facts(history, DAY, DAY, today=DAY).rows == 4
    with history.unit() as session:
        session.add(
            ReturnUnit(
                id="u5", status="triage", bench="B1", operator="BADGE-1001",
                started_at=at(15, 0), finished_at=at(15, 1), sku="AP-1004",
                identified_by="5907284338711", lpn="LPN-u5",
            )
        )  # fmt: skip
    assert load_facts(history, DAY, DAY, today=DAY).rows == 5
    with history.read() as session:
        assert session.get(FactDay, DAY) is None  # today is never kept: it is not over


def test_a_day_kept_after_midnight_is_counted_once_by_a_view_that_still_calls_it_today(
    history: Store,
) -> None:
    # The site sync kept DAY's figures once the clock passed its midnight; a view (or a
    # report) opened before it still reads DAY as today, from the units.
    load_facts(history, DAY, DAY, today=TODAY)
    assert load_facts(history, DAY, DAY, today=DAY).rows == 4
