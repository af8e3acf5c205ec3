"""The outbox's typed events: each kind reads and writes the payload the station always
wrote, an older release's payload reads, and an event's subject is a column query."""

import json
from typing import Any

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError, StatementError

from station.outbox import (
    RECORDS,
    DispositionDecided,
    EventKind,
    EventLacks,
    InspectionRecorded,
    PutawayDone,
    ReceiptClosed,
    ReceiptEvent,
    RefundEligible,
    ReturnReceived,
    RmaEvent,
    UnexpectedReturn,
    read_event,
    unsent_about,
)
from station.recording import emit
from station.states import OutboxStatus
from station.store.engine import Store
from station.store.schema import OutboxEvent

BASE = {
    "unit": "3f1c",
    "bench": "bench-1",
    "operator": "BADGE-1001",
    "sku": "AP-1002",
    "serial": None,
    "at": "2026-12-01T10:00:00",
    "started": "2026-12-01T09:58:30",
}
# Payloads as the benches wrote them before the events were typed, keys in their order.
WRITTEN: dict[str, dict[str, Any]] = {
    "inspection_recorded": {
        **BASE,
        "rma": "RMA-10001",
        "category": "apparel",
        "answers": {"tags": "yes", "stains": "no"},
        "checks": {"tags": True, "stains": None},
        "grade": "B",
        "found_reason": "too_small",
        "stated_reason": "size",
        "policy": "pass",
        "policy_trace": [["window", "pass", "within 30 days"]],
        "notes": "",
        "photos": ["ab12"],
    },
    "return_received": {
        **BASE,
        "rma": "RMA-10001",
        "line": 1,
        "order": "ORD-1",
        "customer": "Ada",
    },
    "disposition_decided": {
        **BASE,
        "rma": "RMA-10001",
        "line": 1,
        "disposition": "restock",
        "rules_said": "restock",
        "destination": "BIN-A01-01",
        "lpn": "LPN-000001",
        "rulepack": "2026.1",
        "trace": ["grade B: restock"],
        "approved_by": None,
    },
    "refund_eligible": {
        **BASE,
        "rma": "RMA-10001",
        "line": 1,
        "quantity": 1,
        "value_cents": 2999,
    },
    "unexpected_return": {
        **BASE,
        "scanned": "5907284338711",
        "notes": "no slip",
        "photos": [],
        "lpn": "LPN-000002",
    },
    "receipt_closed": {
        "receipt": "9a7e",
        "asn": "ASN-200001",
        "po": "PO-1",
        "supplier": "SUP-ALPENKRAUT",
        "bench": "bench-2",
        "operator": "BADGE-2001",
        "approved_by": None,
        "at": "2026-12-01T11:00:00",
        "lines": [
            {
                "line": 1,
                "sku": "HB-3010",
                "expected": 10,
                "received": 9,
                "damaged": 1,
                "lots": [{"lot": "L1", "expiry": "2027-06-30", "quantity": 9}],
                "serials": [],
            }
        ],
        "discrepancies": [
            {
                "kind": "short",
                "line": 1,
                "sku": "HB-3010",
                "quantity": 1,
                "beyond_tolerance": False,
            },
            {
                "kind": "damaged",
                "sku": "HB-3010",
                "quantity": 1,
                "reason": "crushed",
                "lot": "L1",
                "location": "DMG-01",
                "photos": ["cd34"],
            },
        ],
        "damaged_location": "DMG-01",
        "putaways": [{"bin": "BIN-B02-01", "sku": "HB-3010", "lot": "L1", "quantity": 9}],
    },
    "putaway_done": {
        "receipt": "9a7e",
        "asn": None,
        "lpn": "LPN-000003",
        "plates": ["LPN-000003"],
        "bin": "BIN-B02-01",
        "suggested": "BIN-B02-01",
        "override": False,
        "contents": [{"sku": "HB-3010", "lot": "L1", "quantity": 9}],
        "bench": "bench-2",
        "operator": "BADGE-2001",
        "at": "2026-12-01T10:50:00",
    },
    "parcel_checked_in": {
        "tag": "PCL-DOCK-1-000001",
        "bench": "DOCK-1",
        "at": "2026-12-01T08:10:00",
        "scanned": "TBA067832201915",
        "rma": "RMA-10004",
        "operator": "BADGE-2001",
    },
    "parcel_pulled": {"tag": "PCL-DOCK-1-000001", "bench": "bench-2", "at": "2026-12-01T09:00:00"},
}


def test_every_kind_has_its_record() -> None:
    assert set(RECORDS) == set(EventKind) == set(WRITTEN)


@pytest.mark.parametrize("kind", sorted(WRITTEN))
def test_a_record_writes_the_very_payload_it_reads(kind: str) -> None:
    written = WRITTEN[kind]
    record = read_event(kind, written)
    assert record.kind == kind
    assert json.dumps(record.to_payload()) == json.dumps(written)  # keys in the same order


def test_each_record_names_its_subject() -> None:
    subjects = {kind: read_event(kind, payload).subject for kind, payload in WRITTEN.items()}
    assert subjects == {
        "inspection_recorded": "RMA-10001",
        "return_received": "RMA-10001",
        "disposition_decided": "RMA-10001",
        "refund_eligible": "RMA-10001",
        "unexpected_return": "3f1c",  # no RMA: the unit
        "receipt_closed": "ASN-200001",
        "putaway_done": "9a7e",  # a blind receipt: its id
        "parcel_checked_in": "PCL-DOCK-1-000001",
        "parcel_pulled": "PCL-DOCK-1-000001",
    }


def test_an_older_payload_reads_with_what_it_lacks_left_empty() -> None:
    refund = RefundEligible.from_payload({"unit": "u-1", "rma": "RMA-10001"})
    assert (refund.rma, refund.line, refund.quantity, refund.value_cents) == (
        "RMA-10001",
        None,
        1,
        0,
    )
    triaged = UnexpectedReturn.from_payload({"sku": "AP-1004"})
    assert (triaged.sku, triaged.photos, triaged.notes, triaged.subject) == (
        "AP-1004",
        [],
        "",
        None,
    )


def test_a_payload_without_what_its_record_needs_says_what_it_lacks() -> None:
    with pytest.raises(EventLacks) as lacks:
        InspectionRecorded.from_payload({"unit": "u-9", "grade": "A", "answers": {}})
    assert lacks.value.missing == ["rma", "category", "checks"]
    assert str(lacks.value) == "the event lacks rma, category, checks"
    with pytest.raises(EventLacks, match="lacks sku, destination"):
        DispositionDecided.from_payload({"rma": "RMA-10001"})
    before_putaways = {k: v for k, v in WRITTEN["receipt_closed"].items() if k != "putaways"}
    with pytest.raises(EventLacks, match="lacks putaways"):
        ReceiptClosed.from_payload(before_putaways)


def test_the_unsent_events_about_a_document_are_a_column_query(store: Store) -> None:
    with store.unit() as session:
        emit(session, ReturnReceived(unit="u-1", rma="RMA-10001"))
        emit(session, RefundEligible(unit="u-1", rma="RMA-10001"))
        emit(session, ReturnReceived(unit="u-2", rma="RMA-10002"))
        emit(session, PutawayDone(receipt="r-1", asn="ASN-200001", bin="BIN-A01-01", contents=[]))
        emit(session, PutawayDone(receipt="r-2", bin="BIN-A01-01", contents=[]))
        emit(session, UnexpectedReturn(unit="u-3"))
    with store.unit() as session:  # the ERP took one of RMA-10001's
        first = session.scalar(select(OutboxEvent.seq).order_by(OutboxEvent.seq).limit(1))
        session.execute(
            update(OutboxEvent).where(OutboxEvent.seq == first).values(status=OutboxStatus.SENT)
        )
    with store.read() as session:
        stored = list(session.scalars(select(OutboxEvent.subject).order_by(OutboxEvent.seq)))
        assert stored == ["RMA-10001", "RMA-10001", "RMA-10002", "ASN-200001", "r-2", "u-3"]
        unsent = {
            s: (unsent_about(session, RmaEvent, s), unsent_about(session, ReceiptEvent, s))
            for s in ("RMA-10001", "ASN-200001", "r-2", "u-3", "X")
        }
    assert unsent == {
        "RMA-10001": (1, 0),
        "ASN-200001": (0, 1),
        "r-2": (0, 1),
        "u-3": (0, 0),  # a parcel with no RMA is about neither
        "X": (0, 0),
    }


def test_an_rma_and_an_asn_of_one_number_are_kept_apart(store: Store) -> None:
    with store.unit() as session:
        emit(session, ReturnReceived(unit="u-1", rma="SHIP-7"))
        emit(session, PutawayDone(receipt="r-1", asn="SHIP-7", bin="BIN-A01-01", contents=[]))
        emit(session, PutawayDone(receipt="r-1", asn="SHIP-7", bin="BIN-A01-02", contents=[]))
    with store.read() as session:
        assert unsent_about(session, RmaEvent, "SHIP-7") == 1
        assert unsent_about(session, ReceiptEvent, "SHIP-7") == 2


def test_a_status_outside_its_enum_is_refused(store: Store) -> None:
    with store.unit() as session:
        emit(session, ReturnReceived(unit="u-1", rma="RMA-10001"))
    with pytest.raises(StatementError, match="'lost' is not among"), store.unit() as session:
        session.execute(update(OutboxEvent).values(status="lost"))  # refused before the SQL
    with pytest.raises(IntegrityError, match="CHECK"), store.unit() as session:
        session.execute(text("UPDATE outbox SET status = 'lost'"))  # and by the database
