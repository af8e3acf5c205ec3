"""The receiving workflow, driven by scans as a bench would, checked in the store."""

import itertools
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from fake_photos import photo_at
from receiving_data import ASN, PO, SSCC, SUPPLIER, ReceiptUnderTest, add_test_receipt
from sqlalchemy import func, select, update

from station.feedback import Feedback, Tone
from station.receiving.bench import ReceivingBench
from station.receiving.view import RStep
from station.scans import Scan
from station.settings import Settings
from station.store.engine import Store
from station.store.schema import (
    AuditEntry,
    ExpectedLine,
    Gtin,
    Item,
    LabelJob,
    Lpn,
    Operator,
    OutboxEvent,
    Putaway,
    Receipt,
    Received,
    ScanRecord,
)

TODAY = date.today()
LATER = TODAY + timedelta(days=400)
_clock = itertools.count(1000, 2)


def scan(bench: ReceivingBench, *raws: str) -> Feedback:
    feedback = Feedback.good("")
    for raw in raws:
        feedback = bench.handle(Scan(raw, at=float(next(_clock))))
    return feedback


@pytest.fixture
def goods(store: Store) -> ReceiptUnderTest:
    return add_test_receipt(store, TODAY)


@pytest.fixture
def make_bench(store: Store, tmp_path: Path) -> Callable[..., ReceivingBench]:
    def make(**settings: object) -> ReceivingBench:
        return ReceivingBench(store, Settings(settings), tmp_path / "photos", lambda: TODAY)

    return make


@pytest.fixture
def bench(
    make_bench: Callable[..., ReceivingBench], request: pytest.FixtureRequest
) -> ReceivingBench:
    request.getfixturevalue("goods")  # the test receipt exists before the bench starts
    return make_bench()


def started(bench: ReceivingBench) -> ReceivingBench:
    """Clerk signed in, the test receipt started and a new plate to count onto."""
    scan(bench, "BADGE-2001", ASN, "@NEW-LPN")
    assert bench.step() is RStep.RECEIVE
    return bench


def put_away(bench: ReceivingBench) -> None:
    """The current plate, to the bin the bench suggests."""
    scan(bench, "@PUTAWAY")
    suggested = bench.view().suggested_bin
    assert suggested is not None
    assert scan(bench, suggested).tone is Tone.GOOD


def rows(store: Store) -> list[Received]:
    with store.read() as session:
        return list(session.scalars(select(Received).order_by(Received.id)))


def outbox(store: Store, kind: str) -> list[dict[str, object]]:
    with store.read() as session:
        return [
            e.payload for e in session.scalars(select(OutboxEvent).where(OutboxEvent.kind == kind))
        ]


@pytest.mark.parametrize("start", [ASN, PO, "00" + SSCC, "]C100" + SSCC])
def test_a_receipt_starts_from_its_asn_po_or_pallet(bench: ReceivingBench, start: str) -> None:
    said = scan(bench, "BADGE-2001", start)
    assert said.tone is Tone.GOOD, said.message
    view = bench.view()
    assert view.receipt is not None and view.receipt.number == ASN
    assert [line.expected for line in view.receipt.lines] == [24, 2, 20, 10, 5]


def test_a_blind_receipt_starts_from_a_supplier_code(
    bench: ReceivingBench, goods: ReceiptUnderTest
) -> None:
    scan(bench, "BADGE-2001", SUPPLIER, "@NEW-LPN", goods.over_ok.gtin, goods.stray.gtin)
    view = bench.view()
    assert view.receipt is not None and view.receipt.number is None
    assert [(line.sku, line.received) for line in view.receipt.lines] == [
        (goods.over_ok.sku, 1),
        (goods.stray.sku, 1),
    ]


def test_a_returns_inspector_may_not_receive(bench: ReceivingBench) -> None:
    said = scan(bench, "BADGE-1001")
    assert said.tone is Tone.BAD and "clerk or supervisor" in said.message


def test_goods_go_onto_a_plate_and_qty_counts_the_last_scan(
    bench: ReceivingBench, goods: ReceiptUnderTest, store: Store
) -> None:
    scan(bench, "BADGE-2001", ASN)
    refused = scan(bench, goods.over_ok.gtin)
    assert refused.tone is Tone.BAD and "license plate" in refused.message
    scan(bench, "LPN-PRE-0001", goods.over_ok.gtin, goods.over_ok.gtin)
    said = scan(bench, "@QTY-12")  # the second scan was a case of 12
    assert said.tone is Tone.GOOD and "(line 3: 13 of 20)" in said.message
    scan(bench, goods.over_ok.gtin, "@QTY-6")
    assert [(r.sku, r.quantity, r.lpn) for r in rows(store)] == [
        (goods.over_ok.sku, 1, "LPN-PRE-0001"),
        (goods.over_ok.sku, 12, "LPN-PRE-0001"),
        (goods.over_ok.sku, 6, "LPN-PRE-0001"),
    ]
    said = scan(bench, "@UNDO")  # takes back the last scan only
    assert said.tone is Tone.GOOD and "×6" in said.message
    assert sum(r.quantity for r in rows(store)) == 13


def test_one_gs1_scan_fills_item_lot_expiry_and_count(
    bench: ReceivingBench, goods: ReceiptUnderTest, store: Store
) -> None:
    started(bench)
    said = scan(bench, goods.gs1(goods.lot_item, lot="L1", expiry=LATER, count=24))
    assert said.tone is Tone.GOOD, said.message
    assert "24 of 24" in said.message
    (row,) = rows(store)
    assert (row.sku, row.lot, row.expiry, row.quantity) == (goods.lot_item.sku, "L1", LATER, 24)


def test_a_lot_tracked_item_needs_its_lot_and_expiry(
    bench: ReceivingBench, goods: ReceiptUnderTest
) -> None:
    started(bench)
    said = scan(bench, goods.lot_item.gtin)
    assert said.tone is Tone.BAD and "lot" in said.message
    assert bench.view().receipt.received_units == 0  # type: ignore[union-attr]


def test_a_short_shelf_life_waits_for_a_supervisor(
    bench: ReceivingBench, goods: ReceiptUnderTest, store: Store
) -> None:
    started(bench)
    soon = TODAY + timedelta(days=30)
    said = scan(bench, goods.gs1(goods.lot_item, lot="L1", expiry=soon, count=6))
    assert said.tone is Tone.WARN and "30 days of shelf life left" in said.message
    assert bench.step() is RStep.SHELF_LIFE
    assert scan(bench, goods.over_ok.gtin).tone is Tone.BAD  # nothing else until decided
    refused = bench.approve_with_pin("2222")  # the clerk's own PIN
    assert refused.tone is Tone.BAD and "supervisor" in refused.message
    assert scan(bench, "BADGE-3001").tone is Tone.GOOD
    assert bench.step() is RStep.RECEIVE
    assert rows(store)[0].accepted_by == "BADGE-3001"


def test_serials_one_per_unit_and_never_twice(
    bench: ReceivingBench, goods: ReceiptUnderTest, store: Store
) -> None:
    started(bench)
    scan(bench, goods.serial_item.gtin)
    assert bench.step() is RStep.SERIAL
    assert scan(bench, "SNT0000001").tone is Tone.GOOD
    assert bench.view().receipt.lines[1].lots == "1 serial"  # type: ignore[union-attr]
    gs1 = f"01{goods.serial_item.gtin}21SNT0000002"
    assert scan(bench, gs1).tone is Tone.GOOD
    again = scan(bench, f"]C101{goods.serial_item.gtin}21SNT0000001")
    assert again.tone is Tone.BAD and "already received" in again.message
    assert [r.serial for r in rows(store)] == ["SNT0000001", "SNT0000002"]
    assert bench.view().receipt.lines[1].lots == "2 serials"  # type: ignore[union-attr]


def test_an_item_not_on_the_receipt_is_offered_never_added(
    bench: ReceivingBench, goods: ReceiptUnderTest, store: Store
) -> None:
    started(bench)
    said = scan(bench, goods.stray.gtin)
    assert said.tone is Tone.WARN and "not on ASN-900001" in said.message
    assert rows(store) == []
    assert bench.step() is RStep.UNEXPECTED
    assert scan(bench, "@ADD").tone is Tone.GOOD
    (row,) = rows(store)
    assert (row.sku, row.line_id) == (goods.stray.sku, None)


def test_a_damaged_unit_leaves_the_plate_with_reason_and_photo(
    bench: ReceivingBench, goods: ReceiptUnderTest, store: Store, tmp_path: Path
) -> None:
    started(bench)
    scan(bench, goods.over_ok.gtin, "@QTY-5", "@DAMAGED")
    assert bench.step() is RStep.DAMAGE
    assert scan(bench, "@REASON-CRUSHED").tone is Tone.GOOD
    assert bench.step() is RStep.DAMAGE  # still no photo
    photo = photo_at(tmp_path / "crushed.jpg")
    assert bench.add_photo(photo).tone is Tone.GOOD
    assert bench.step() is RStep.RECEIVE
    good, damaged = rows(store)
    assert (good.quantity, good.lpn is not None, good.damaged) == (4, True, False)
    assert (damaged.quantity, damaged.lpn, damaged.damage_reason) == (1, None, "CRUSHED")


def test_cartons_nest_on_a_pallet_that_goes_away_with_one_bin_scan(
    bench: ReceivingBench, goods: ReceiptUnderTest, store: Store
) -> None:
    started(bench)
    carton = bench.view().plate
    scan(bench, goods.over_ok.gtin, "@QTY-12", "@NEST", "@NEW-LPN")
    pallet = bench.view().plate
    assert pallet != carton
    scan(bench, "LPN-CARTON-0002", goods.over_ok.gtin, "@QTY-8", "@NEST", pallet or "")
    said = scan(bench, "@PUTAWAY")
    view = bench.view()
    assert view.step is RStep.PUTAWAY and view.putaway_plate == pallet
    assert view.suggested_bin is not None and view.suggested_bin in said.message
    assert scan(bench, "LOC-DAMAGED").tone is Tone.BAD  # never good stock to damaged goods
    assert scan(bench, view.suggested_bin).tone is Tone.GOOD
    with store.read() as session:
        bins = set(
            session.scalars(
                select(Lpn.bin).where(Lpn.code.in_([carton, pallet, "LPN-CARTON-0002"]))
            )
        )
        putaway = session.scalars(select(Putaway)).one()
    assert bins == {view.suggested_bin}
    assert (putaway.quantity, putaway.override) == (20, False)
    (event,) = outbox(store, "putaway_done")
    assert event["contents"] == [{"sku": goods.over_ok.sku, "lot": None, "quantity": 20}]


def test_another_valid_bin_is_an_override(
    bench: ReceivingBench, goods: ReceiptUnderTest, store: Store
) -> None:
    started(bench)
    scan(bench, goods.over_ok.gtin, "@PUTAWAY")
    suggested = bench.view().suggested_bin
    other = "BIN-A05-09" if suggested != "BIN-A05-09" else "BIN-A05-08"
    said = scan(bench, other)
    assert said.tone is Tone.WARN and "instead of" in said.message
    with store.read() as session:
        assert session.scalars(select(Putaway.override)).one() is True
        assert session.scalars(
            select(AuditEntry.action).where(AuditEntry.action == "putaway_override")
        ).one()


def receive_everything(bench: ReceivingBench, goods: ReceiptUnderTest) -> None:
    """Line 1 exact, 2 exact by serials, 3 one over, 4 three over, 5 two short."""
    started(bench)
    scan(bench, goods.gs1(goods.lot_item, lot="L1", expiry=LATER, count=24))
    scan(bench, goods.serial_item.gtin, "SNT0000011", goods.serial_item.gtin, "SNT0000012")
    scan(bench, goods.over_ok.gtin, "@QTY-21", goods.over_bad.gtin, "@QTY-13")
    scan(bench, goods.short.gtin, "@QTY-3")
    put_away(bench)


def test_closing_beyond_tolerance_needs_a_supervisor_then_sends_everything(
    bench: ReceivingBench, goods: ReceiptUnderTest, store: Store
) -> None:
    receive_everything(bench, goods)
    said = scan(bench, "@CLOSE")
    assert said.tone is Tone.WARN
    assert (
        f"line 4 {goods.over_bad.sku}: over by 3 of 10 (1 allowed by the supplier)" in said.message
    )
    assert "line 5" in said.message and "line 3" not in said.message
    assert bench.step() is RStep.APPROVAL
    assert outbox(store, "receipt_closed") == []
    closed = bench.approve_with_pin("3333")
    assert closed.tone is Tone.WARN and "closed" in closed.message
    (event,) = outbox(store, "receipt_closed")
    lines = {line["line"]: line for line in event["lines"]}  # type: ignore[attr-defined]
    assert lines[1]["lots"] == [{"lot": "L1", "expiry": LATER.isoformat(), "quantity": 24}]
    assert lines[2]["serials"] == ["SNT0000011", "SNT0000012"]
    kinds = {
        (d["line"], d["kind"], d["quantity"], d["beyond_tolerance"]) for d in event["discrepancies"]
    }  # type: ignore[attr-defined]
    assert kinds == {(3, "over", 1, False), (4, "over", 3, True), (5, "short", 2, True)}
    assert event["approved_by"] == "BADGE-3001"
    with store.read() as session:
        receipt = session.scalars(select(Receipt)).one()
    assert receipt.status == "closed"
    assert bench.step() is RStep.START


def test_close_waits_for_plates_to_be_put_away(
    bench: ReceivingBench, goods: ReceiptUnderTest
) -> None:
    started(bench)
    scan(bench, goods.over_ok.gtin)
    said = scan(bench, "@CLOSE")
    assert said.tone is Tone.BAD and "Put away" in said.message


def test_blind_counting_hides_what_is_expected(
    make_bench: Callable[..., ReceivingBench], goods: ReceiptUnderTest
) -> None:
    bench = make_bench(**{"receiving.blind_counts": True})
    started(bench)
    said = scan(bench, goods.over_ok.gtin)
    assert "of 20" not in said.message and "1 counted" in said.message
    view = bench.view()
    assert view.receipt is not None and view.receipt.expected_units is None
    assert {line.expected for line in view.receipt.lines} == {None}


@pytest.mark.parametrize(
    ("raw", "said"),
    [
        ("00" + SSCC[:-1] + str((int(SSCC[-1]) + 1) % 10), "SSCC"),
        ("0109506000134352" + "17261131" + "10A", "date"),
        ("0109506000134352" + "23XYZ", "Application Identifier"),
    ],
)
def test_bad_codes_are_refused_kept_raw_and_change_nothing(
    bench: ReceivingBench, store: Store, raw: str, said: str
) -> None:
    started(bench)
    before = rows(store)
    answer = scan(bench, raw)
    assert answer.tone is Tone.BAD and said in answer.message
    assert rows(store) == before
    with store.read() as session:
        last = session.scalars(select(ScanRecord).order_by(ScanRecord.id.desc()).limit(1)).one()
    assert (last.outcome, last.raw) == ("rejected", raw)


def test_a_new_plate_queues_its_label(bench: ReceivingBench, store: Store) -> None:
    started(bench)
    plate = bench.view().plate
    with store.read() as session:
        job = session.scalars(select(LabelJob)).one()
    assert (job.template, job.data["lpn"], job.data["receipt"]) == ("receiving-plate", plate, ASN)


def test_a_bench_that_restarts_resumes_the_open_receipt(
    bench: ReceivingBench,
    goods: ReceiptUnderTest,
    make_bench: Callable[..., ReceivingBench],
    store: Store,
) -> None:
    started(bench)
    scan(bench, goods.over_ok.gtin)
    again = make_bench()
    scan(again, "BADGE-2001")
    view = again.view()
    assert view.receipt is not None and view.receipt.number == ASN
    assert view.receipt.received_units == 1
    assert view.plate == bench.view().plate  # goods go on onto the same plate
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(Receipt)) == 1


def test_a_closed_receipt_is_not_received_twice(
    bench: ReceivingBench, goods: ReceiptUnderTest, store: Store
) -> None:
    receive_everything(bench, goods)
    scan(bench, "@CLOSE", "BADGE-3001")
    assert bench.step() is RStep.START
    again = scan(bench, ASN)
    assert again.tone is Tone.BAD and "received and closed" in again.message
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(Receipt)) == 1


def test_counts_fill_the_first_open_line_of_an_item_and_each_line_reports_its_own(
    bench: ReceivingBench, goods: ReceiptUnderTest, store: Store
) -> None:
    with store.unit() as session:  # a second line of the same item, expected 5 more
        session.add(ExpectedLine(receipt_number=ASN, line_no=6, sku=goods.over_ok.sku, quantity=5))
    started(bench)
    scan(bench, goods.over_ok.gtin, "@QTY-20", goods.over_ok.gtin, "@QTY-5")
    lines = {line.line_no: line for line in bench.view().receipt.lines}  # type: ignore[union-attr]
    assert (lines[3].received, lines[6].received) == (20, 5)
    put_away(bench)
    scan(bench, "@CLOSE", "BADGE-3001")
    (closed,) = outbox(store, "receipt_closed")
    by_line = {line["line"]: line for line in closed["lines"]}  # type: ignore[attr-defined]
    assert (by_line[3]["received"], by_line[6]["received"]) == (20, 5)
    assert [lot["quantity"] for lot in by_line[6]["lots"]] == [5]


def test_qty_damaged_and_undo_leave_put_away_goods_alone(
    bench: ReceivingBench, goods: ReceiptUnderTest, store: Store
) -> None:
    started(bench)
    scan(bench, goods.over_ok.gtin, "@QTY-5")
    put_away(bench)
    for command in ("@QTY-50", "@DAMAGED", "@UNDO"):
        said = scan(bench, command)
        assert said.tone is Tone.BAD and "put away" in said.message, command
    assert [r.quantity for r in rows(store)] == [5]


def test_undo_after_damaged_counts_the_unit_good_again(
    bench: ReceivingBench, goods: ReceiptUnderTest, store: Store
) -> None:
    started(bench)
    plate = bench.view().plate
    scan(bench, goods.over_ok.gtin, "@QTY-3", "@DAMAGED")
    assert bench.step() is RStep.DAMAGE
    said = scan(bench, "@UNDO")
    assert said.tone is Tone.GOOD and "good again" in said.message
    assert bench.step() is RStep.RECEIVE
    assert sorted((r.quantity, r.damaged, r.lpn) for r in rows(store)) == [
        (1, False, plate),
        (2, False, plate),
    ]


def test_cancel_clears_an_offer_then_the_receipt_and_frees_its_plates(
    bench: ReceivingBench, goods: ReceiptUnderTest
) -> None:
    scan(bench, "BADGE-2001", ASN, "LPN-PRE-0009", goods.stray.gtin)
    assert bench.step() is RStep.UNEXPECTED
    assert scan(bench, "@CANCEL").message == "Cleared."
    assert bench.step() is RStep.RECEIVE
    asked = scan(bench, "@CANCEL")
    assert asked.tone is Tone.WARN and asked.message.startswith("ASN-900001 is open at step")
    assert scan(bench, "@CONFIRM").message == "Receipt cancelled."
    scan(bench, PO)  # the same expected receipt, started again
    assert scan(bench, "LPN-PRE-0009").tone is Tone.GOOD  # the plate serves again
    scan(bench, goods.over_ok.gtin)
    refused = scan(bench, "@CANCEL")
    assert refused.tone is Tone.BAD and "UNDO them first" in refused.message


def test_plates_do_not_nest_in_a_circle_or_cross_receipts(
    bench: ReceivingBench, goods: ReceiptUnderTest, store: Store
) -> None:
    started(bench)
    inner = bench.view().plate or ""
    scan(bench, goods.over_ok.gtin, "@NEST", "LPN-OUTER-0001")
    scan(bench, inner)  # back on the carton, now nested on the pallet
    circle = scan(bench, "@NEST", "LPN-OUTER-0001")
    assert circle.tone is Tone.GOOD  # the carton is already on that pallet: nothing new
    refused = scan(bench, "@NEST", inner)
    assert refused.tone is Tone.BAD and "or on it" in refused.message
    with store.unit() as session:
        other = Receipt(
            id="other-receipt",
            number=None,
            supplier_code=SUPPLIER,
            status="open",
            bench="BENCH-02",
            operator="BADGE-2002",
            started_at=datetime(2026, 11, 27),
            identified_by=SUPPLIER,
        )
        session.add(other)
        session.flush()
        session.add(
            Lpn(
                code="LPN-ELSEWHERE-01",
                receipt_id=other.id,
                bench="BENCH-02",
                created_at=datetime(2026, 11, 27),
            )
        )
    scan(bench, "@CANCEL")
    refused = scan(bench, "LPN-ELSEWHERE-01")
    assert refused.tone is Tone.BAD and "another receipt" in refused.message


def test_a_serial_tracked_item_counts_one_unit_per_serial(
    bench: ReceivingBench, goods: ReceiptUnderTest
) -> None:
    started(bench)
    counted = scan(bench, f"01{goods.serial_item.gtin}21SNT0000031|302")
    assert counted.tone is Tone.BAD and "one serial per unit" in counted.message
    scan(bench, goods.serial_item.gtin)
    wrong = scan(bench, f"01{goods.over_ok.gtin}21OTHER123")
    assert wrong.tone is Tone.BAD and "another item" in wrong.message
    assert bench.step() is RStep.SERIAL


def test_an_unexpected_serial_item_is_offered_once(bench: ReceivingBench, store: Store) -> None:
    started(bench)
    with store.read() as session:
        other = session.scalars(
            select(Gtin.gtin14)
            .join(Item)
            .where(Item.serial_tracked.is_(True), Item.sku.not_in(select(ExpectedLine.sku)))
            .limit(1)
        ).one()
    assert scan(bench, other).tone is Tone.WARN
    scan(bench, "@ADD")
    assert bench.step() is RStep.SERIAL
    assert scan(bench, "SNU0000001").tone is Tone.GOOD
    said = scan(bench, other, "SNU0000002")  # taken once: not offered again
    assert said.tone is Tone.GOOD and "unexpected" in said.message
    assert [r.line_id for r in rows(store)] == [None, None]


def test_closing_blind_hides_the_expected_and_an_empty_blind_receipt_is_cancelled(
    make_bench: Callable[..., ReceivingBench], goods: ReceiptUnderTest
) -> None:
    bench = make_bench(**{"receiving.blind_counts": True})
    started(bench)
    scan(bench, goods.over_ok.gtin)
    put_away(bench)
    said = scan(bench, "@CLOSE")
    assert said.tone is Tone.WARN and "off the count" in said.message
    assert " of 20" not in said.message and "short by" not in said.message
    blind = make_bench(**{"bench.id": "BENCH-02"})
    scan(blind, "BADGE-2002", SUPPLIER)
    refused = scan(blind, "@CLOSE")
    assert refused.tone is Tone.BAD and "CANCEL it instead" in refused.message


def test_the_next_clerk_carries_an_open_receipt_on(
    bench: ReceivingBench, goods: ReceiptUnderTest, store: Store
) -> None:
    started(bench)
    scan(bench, goods.over_ok.gtin)
    assert bench.sign_out().message.startswith("Close (CLOSE) or cancel (CANCEL)")
    assert scan(bench, "BADGE-2002").tone is Tone.GOOD
    assert bench.operator is not None and bench.operator.badge == "BADGE-2002"
    with store.read() as session:
        took = session.scalars(select(AuditEntry).where(AuditEntry.action == "took_over")).one()
    assert (took.operator, took.subject) == ("BADGE-2002", "BADGE-2001")
    refused = scan(bench, "@MODE-RETURNS")
    assert refused.tone is Tone.BAD and "Then switch to returns" in refused.message


def test_the_close_event_carries_damaged_and_expiry_discrepancies(
    bench: ReceivingBench, goods: ReceiptUnderTest, store: Store, tmp_path: Path
) -> None:
    started(bench)
    soon = TODAY + timedelta(days=30)
    scan(bench, goods.gs1(goods.lot_item, lot="L1", expiry=soon, count=24), "BADGE-3001")
    scan(bench, goods.over_ok.gtin, "@QTY-20", "@DAMAGED", "@REASON-WET")
    photo = photo_at(tmp_path / "wet.jpg")
    bench.add_photo(photo)
    put_away(bench)
    scan(bench, "@CLOSE", "BADGE-3001")
    (closed,) = outbox(store, "receipt_closed")
    found = {d["kind"]: d for d in closed["discrepancies"]}  # type: ignore[attr-defined]
    assert found["damaged"]["reason"] == "WET" and found["damaged"]["location"] == "LOC-DAMAGED"
    assert len(found["damaged"]["photos"]) == 1
    assert found["expiry"]["accepted_by"] == "BADGE-3001"
    assert found["expiry"]["expiry"] == soon.isoformat()


def typed(bench: ReceivingBench, raw: str) -> Feedback:
    """A code typed at the F2 field."""
    return bench.handle(Scan(raw, source="keyboard", at=float(next(_clock))))


def waiting_to_close(bench: ReceivingBench, goods: ReceiptUnderTest) -> None:
    receive_everything(bench, goods)
    assert scan(bench, "@CLOSE").tone is Tone.WARN
    assert bench.step() is RStep.APPROVAL


def still_open(store: Store) -> Receipt:
    with store.read() as session:
        receipt = session.scalars(select(Receipt)).one()
    assert (receipt.status, receipt.approved_by) == ("open", None)
    assert outbox(store, "receipt_closed") == []
    return receipt


def test_a_second_clerk_never_closes_a_receipt_beyond_tolerance(
    bench: ReceivingBench, goods: ReceiptUnderTest, store: Store
) -> None:
    waiting_to_close(bench, goods)
    for refused in (scan(bench, "BADGE-2002"), bench.approve_with_pin("59184")):
        assert refused.tone is Tone.BAD and "supervisor only" in refused.message
        assert bench.step() is RStep.APPROVAL
    still_open(store)
    with store.read() as session:
        kept_out = session.scalars(select(AuditEntry).where(AuditEntry.action == "refused"))
        assert [entry.operator for entry in kept_out] == ["BADGE-2002", "BADGE-2002"]


def test_an_approval_holds_only_while_its_giver_is_a_supervisor(
    bench: ReceivingBench, goods: ReceiptUnderTest, store: Store
) -> None:
    """Approved from the supervisor's queue, then the ERP made the approver a clerk: the
    clerk's next CLOSE waits for a supervisor again."""
    waiting_to_close(bench, goods)
    with store.unit() as session:
        receipt = session.scalars(select(Receipt)).one()
        receipt.approved_by = "BADGE-3002"
        session.execute(update(Operator).where(Operator.badge == "BADGE-3002").values(role="clerk"))
    said = scan(bench, "@CLOSE")
    assert said.tone is Tone.WARN and "A supervisor must approve" in said.message
    still_open(store)


def test_a_supervisor_badge_typed_by_hand_accepts_no_short_lot(
    bench: ReceivingBench, goods: ReceiptUnderTest, store: Store
) -> None:
    started(bench)
    scan(bench, goods.gs1(goods.lot_item, lot="L1", expiry=TODAY + timedelta(days=30), count=6))
    assert bench.step() is RStep.SHELF_LIFE
    refused = typed(bench, "BADGE-3001")
    assert refused.tone is Tone.BAD and "PIN" in refused.message
    assert bench.step() is RStep.SHELF_LIFE and rows(store)[0].accepted_by is None
    assert bench.approve_with_pin("3333").tone is Tone.GOOD  # the PIN accepts from the keys


def test_a_supervisor_badge_typed_by_hand_closes_nothing(
    bench: ReceivingBench, goods: ReceiptUnderTest, store: Store
) -> None:
    waiting_to_close(bench, goods)
    refused = typed(bench, "BADGE-3001")
    assert refused.tone is Tone.BAD and "PIN" in refused.message
    still_open(store)
    closed = scan(bench, "BADGE-3001")  # the badge itself, scanned
    assert closed.tone is Tone.WARN and "closed" in closed.message
