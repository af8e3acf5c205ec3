"""The work the bench has in hand on an RMA or an expected receipt, as the sync asks it
before it lets the ERP close or cancel the document quietly."""

from datetime import date
from pathlib import Path

from receiving_data import ASN, add_test_receipt
from sqlalchemy import update

from station import open_work
from station.outbox import ReceiptClosed, ReturnReceived
from station.receiving.bench import ReceivingBench
from station.recording import emit
from station.returns.bench import ReturnsBench
from station.scans import Scan
from station.settings import Settings
from station.states import OutboxStatus
from station.store.engine import Store
from station.store.schema import OutboxEvent


def sent_all(store: Store) -> None:
    with store.unit() as session:
        session.execute(update(OutboxEvent).values(status=OutboxStatus.SENT))


def test_an_rma_with_a_unit_open_at_the_bench(bench: ReturnsBench, store: Store) -> None:
    for n, raw in enumerate(("BADGE-1001", "RMA-10004", "5907725452020")):
        bench.handle(Scan(raw, at=float(n)))
    with store.read() as session:
        work = open_work.on_rma(session, "RMA-10004")
        idle = open_work.on_rma(session, "RMA-10005")
    assert (work.at_bench, work.unsent, bool(work)) == (1, 0, True)
    assert str(work) == "1 unit(s) open, 0 event(s) not yet sent"
    assert not idle
    assert str(idle) == "0 unit(s) open, 0 event(s) not yet sent"


def test_an_rma_with_events_not_yet_sent(store: Store) -> None:
    with store.unit() as session:
        emit(session, ReturnReceived(rma="RMA-10005", unit="U-1"))
        emit(session, ReturnReceived(rma="RMA-10005", unit="U-2"))
        emit(session, ReturnReceived(rma="RMA-10006", unit="U-3"))
    with store.read() as session:
        work = open_work.on_rma(session, "RMA-10005")
    assert (work.at_bench, work.unsent, bool(work)) == (0, 2, True)
    assert str(work) == "0 unit(s) open, 2 event(s) not yet sent"
    sent_all(store)
    with store.read() as session:
        assert not open_work.on_rma(session, "RMA-10005"), "sent events are no work"


def test_an_expected_receipt_open_at_a_bench_or_with_events_unsent(
    store: Store, tmp_path: Path
) -> None:
    add_test_receipt(store, date.today())
    with store.read() as session:
        assert not open_work.on_receipt(session, ASN)
    bench = ReceivingBench(store, Settings(), tmp_path / "photos", date.today)
    for n, raw in enumerate(("BADGE-2001", ASN)):
        bench.handle(Scan(raw, at=float(n)))
    with store.unit() as session:
        for asn in (ASN, "ASN-OTHER"):
            closed = ReceiptClosed(
                receipt="r-1", asn=asn, supplier="SUP-1", lines=[], discrepancies=[], putaways=[]
            )
            emit(session, closed)
    with store.read() as session:
        work = open_work.on_receipt(session, ASN)
    assert (work.at_bench, work.unsent) == (1, 1)
    assert str(work) == "1 receipt(s) open, 1 event(s) not yet sent"
