"""The receiving and exception figures, against a small day worked out by hand.

On 20 November (local time) two receipts of ASN-200001's supplier close, at 09:40 and
10:20 (one approved beyond tolerance); three lines are received between 09:00 and 10:15
(one lot a supervisor accepted short of shelf life), and three plates are put away at
09:30, 09:45 and 10:10, the last to another bin than the one suggested. One conflict and
one rejected event that day, one of each the day before.
"""

import json
from datetime import UTC, date, datetime

import pytest

from station.store.engine import Store
from station.store.schema import Lpn, OutboxEvent, Putaway, Receipt, Received, SyncConflict
from station.supervisor.receiving_kpis import receiving_kpis

DAY = date(2026, 11, 20)


def at(hour: int, minute: int, day: int = 20) -> datetime:
    return datetime(2026, 11, day, hour, minute).astimezone(UTC).replace(tzinfo=None)


@pytest.fixture
def receiving_day(store: Store) -> Store:
    with store.unit() as session:
        for n, (closed, approved) in enumerate(((at(9, 40), None), (at(10, 20), "BADGE-3001"))):
            session.add(
                Receipt(
                    id=f"r{n}", number=None, supplier_code="SUP-ALPENKRAUT", status="closed",
                    bench="B1", operator="BADGE-2001", started_at=at(9, 0),
                    identified_by="SUP-ALPENKRAUT", approved_by=approved, closed_at=closed,
                )
            )  # fmt: skip
        session.flush()
        for n in range(3):
            session.add(Lpn(code=f"LPN-{n}", receipt_id="r0", bench="B1", created_at=at(9, 0)))
        session.flush()
        rows = [
            ("HB-3010", 40, at(9, 0), None),
            ("HB-3010", 60, at(9, 5), None),
            ("HB-3047", 30, at(10, 15), "BADGE-3001"),
            ("AP-1007", 5, at(9, 30), None),
        ]
        for n, (sku, quantity, when, accepted) in enumerate(rows):
            session.add(
                Received(
                    receipt_id="r0" if n < 3 else "r1", sku=sku, quantity=quantity,
                    received_at=when, operator="BADGE-2001", accepted_by=accepted,
                    short_life=accepted is not None, lpn=f"LPN-{min(n, 2)}",
                )
            )  # fmt: skip
        for n, (when, bin_code, suggested) in enumerate(
            ((at(9, 30), "BIN-A03-01", "BIN-A03-01"), (at(9, 45), "BIN-A03-02", "BIN-A03-02"),
             (at(10, 10), "BIN-A01-01", "BIN-A03-03"))
        ):  # fmt: skip
            session.add(
                Putaway(
                    lpn=f"LPN-{n}", bin=bin_code, suggested=suggested, quantity=10,
                    override=bin_code != suggested, receipt_id="r0", operator="BADGE-2001",
                    at=when,
                )
            )  # fmt: skip
        for day in (19, 20):
            session.add(SyncConflict(entity="rma", key=f"RMA-{day}", erp_state="cancelled",
                                     detail="", found_at=at(12, 0, day)))  # fmt: skip
            session.add(OutboxEvent(event_id=f"e{day}", kind="return_received", payload={},
                                    created_at=at(12, 0, day), status="rejected"))  # fmt: skip
        session.add(
            OutboxEvent(
                event_id="closed", kind="receipt_closed", created_at=at(10, 20), status="sent",
                payload={"supplier": "SUP-ALPENKRAUT", "discrepancies": [
                    {"kind": "short", "quantity": 3}, {"kind": "over", "quantity": 2},
                    {"kind": "damaged", "quantity": 1}, {"kind": "short", "quantity": 1}]},
            )
        )  # fmt: skip
    return store


def test_receiving_and_exceptions_as_worked_out_by_hand(receiving_day: Store) -> None:
    with receiving_day.read() as session:
        kpis = receiving_kpis(session, DAY, DAY)
    assert (kpis.receipts_closed, kpis.lines_received, kpis.putaways) == (2, 3, 3)
    # closes in the 9 and 10 o'clock hours: 1 an hour; 3 lines over the hours 9 and 10;
    # putaways 2 in the 9 o'clock hour and 1 in the 10: 1.5 an hour
    assert kpis.per_hour == {"receipts": 1.0, "lines": 1.5, "putaways": 1.5}
    assert kpis.units_by_supplier == {"Alpenkraut": 130, "Lusitania Textiles": 5}
    assert kpis.discrepancies == {"Alpenkraut": {"damaged": 1, "over": 2, "short": 4}}
    assert kpis.overrides_by_zone == {"APP": (1, 1), "HB": (0, 2)}
    assert kpis.exceptions == {
        "conflicts": 1,
        "rejected sync events": 1,
        "shelf-life acceptances": 1,
        "tolerance approvals": 1,
        "putaway overrides": 1,
    }


def test_a_day_without_receiving_is_all_zero(store: Store) -> None:
    with store.read() as session:
        kpis = receiving_kpis(session, DAY, DAY)
    assert (kpis.receipts_closed, kpis.lines_received, kpis.putaways) == (0, 0, 0)
    assert kpis.per_hour == {"receipts": 0.0, "lines": 0.0, "putaways": 0.0}


def test_a_close_some_release_stored_as_json_text_is_counted_too(receiving_day: Store) -> None:
    close = {"supplier": "SUP-ALPENKRAUT", "discrepancies": [{"kind": "short", "quantity": 2}]}
    with receiving_day.unit() as session:
        session.add(
            OutboxEvent(event_id="as-text", kind="receipt_closed", created_at=at(11, 0),
                        status="sent", payload=json.dumps(close))
        )  # fmt: skip
        session.add(
            OutboxEvent(event_id="none-told", kind="receipt_closed", created_at=at(11, 5),
                        status="sent", payload={"supplier": "SUP-ALPENKRAUT"})
        )  # fmt: skip
    with receiving_day.read() as session:
        kpis = receiving_kpis(session, DAY, DAY)
    assert kpis.discrepancies == {"Alpenkraut": {"damaged": 1, "over": 2, "short": 6}}
