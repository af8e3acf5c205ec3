"""A receipt counted at the bench, in a live Tryton: the supplier shipment received with the
quantities and lots found, its goods in the bins they were put away to (the damaged unit
in the damaged goods' location), done, and each putaway checked, once."""

import dataclasses
import itertools
import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from bench_events import blind_receipt
from fake_photos import photo_at
from fault_proxy import Fault, FaultProxy
from sqlalchemy import select, update

from demo import erp_server
from station.feedback import Feedback, Tone
from station.gtin import to_gtin14
from station.outbox import PutawayDone
from station.receiving.bench import ReceivingBench
from station.receiving.view import RStep
from station.recording import emit, utcnow
from station.scans import Scan
from station.settings import Settings
from station.store.engine import Store
from station.store.schema import OutboxEvent
from sync.push import Pusher, pending
from sync.tryton.connector import Tryton
from sync.tryton.push_receiving import RECEIPTS
from sync.tryton.rpc import Client

pytestmark = pytest.mark.erp
GS = "\x1d"
LATER = date.today() + timedelta(days=400)
_clock = itertools.count(1000, 2)
# ASN-200001 in the demo: HB-3010 lot LHAZASZ x101, HB-3047 lot LXUKCOG x93, HB-3042 lot
# LNY80Z4 x30, all lot-tracked with a minimum shelf life.
ASN = "ASN-200001"
# A receipt nobody announced: the supplier's code at the bench, then what came.
SUPPLIER = "SUP-HANSEOUTFITT"
BLIND_GOODS = [*["7610912083911"] * 3, *["8710449266418"] * 2]  # AP-1001 x3, AP-1002 x2


def scan(bench: ReceivingBench, *raws: str) -> Feedback:
    said = Feedback.good("")
    for raw in raws:
        said = bench.handle(Scan(raw, at=float(next(_clock))))
        assert said.tone is not Tone.BAD, f"{raw!r}: {said.message}"
    return said


def gs1(gtin: str, lot: str, count: int) -> str:
    return f"01{to_gtin14(gtin)}17{LATER:%y%m%d}10{lot}{GS}30{count}"


def put_away(bench: ReceivingBench) -> str:
    scan(bench, "@PUTAWAY")
    suggested = bench.view().suggested_bin
    assert suggested is not None
    scan(bench, suggested)
    return suggested


def receive(bench: ReceivingBench, photo: Path) -> tuple[str, str]:
    """Line 1 in full with its lot, line 2 under a lot nobody announced, line 3 two short
    and one of them damaged; two plates, each to its bin. Returns the bins."""
    scan(bench, "BADGE-2001", ASN, "@NEW-LPN")
    scan(bench, gs1("87422146", "LHAZASZ", 101), gs1("4005181171095", "LNEW001", 93))
    first = put_away(bench)
    scan(bench, "@NEW-LPN", gs1("4005142447566", "LNY80Z4", 28), "@DAMAGED", "@REASON-CRUSHED")
    photo_at(photo)
    assert bench.add_photo(photo).tone is Tone.GOOD
    second = put_away(bench)
    said = bench.handle(Scan("@CLOSE", at=float(next(_clock))))
    if bench.step() is RStep.APPROVAL:  # two short may be beyond the tolerance
        said = bench.approve_with_pin("3333")
    assert "closed" in said.message, said.message
    return first, second


def moves(admin: Client, *, incoming: bool) -> list[tuple[str, str | None, str, float, str]]:
    """The shipment's moves: item, lot, where they go, quantity, state."""
    (shipment,) = admin.model(RECEIPTS, "search", [["reference", "=", ASN]], 0, 1, None)
    side = "to_location.code" if incoming else "from_location.code"
    found = admin.model(
        "stock.move", "search_read",
        [["shipment", "=", f"{RECEIPTS},{shipment}"], [side, "=", "IN"]], 0, None, None,
        ["product.code", "lot.number", "to_location.code", "quantity", "state"],
    )  # fmt: skip
    return sorted(
        (
            m["product."]["code"],
            (m.get("lot.") or {}).get("number"),
            m["to_location."]["code"],
            m["quantity"],
            m["state"],
        )
        for m in found
    )


def state_of(admin: Client) -> Any:
    (found,) = admin.model(
        RECEIPTS, "search_read", [["reference", "=", ASN]], 0, 1, None, ["state"]
    )
    return found["state"]


def test_a_closed_receipt_is_received_put_away_and_done_in_the_erp_once(
    store: Store, tmp_path: Path, station_client: Client, admin_client: Client
) -> None:
    bench = ReceivingBench(store, Settings({}), tmp_path / "photos", date.today)
    first, second = receive(bench, tmp_path / "crushed.jpg")
    pushed = Pusher(Tryton(station_client)).push_due(store)
    assert (pushed.sent, pushed.rejected) == (3, 0), pushed.problems  # 2 putaways + the close
    assert pending(store) == 0
    assert state_of(admin_client) == "done"
    assert moves(admin_client, incoming=True) == [
        ("HB-3010", "LHAZASZ", "IN", 101.0, "done"),
        ("HB-3042", "LNY80Z4", "IN", 28.0, "done"),
        ("HB-3047", "LNEW001", "IN", 93.0, "done"),
    ]
    placed = [
        ("HB-3010", "LHAZASZ", first, 101.0, "done"),
        ("HB-3042", "LNY80Z4", second, 27.0, "done"),
        ("HB-3042", "LNY80Z4", "LOC-DAMAGED", 1.0, "done"),
        ("HB-3047", "LNEW001", first, 93.0, "done"),
    ]
    assert moves(admin_client, incoming=False) == sorted(placed)

    with store.unit() as session:  # every answer lost: all of it sent again
        session.execute(update(OutboxEvent).values(status="pending"))
    again = Pusher(Tryton(station_client)).push_due(store)
    assert (again.sent, again.rejected) == (3, 0), again.problems
    assert moves(admin_client, incoming=False) == sorted(placed)


def test_a_putaway_the_erp_does_not_show_is_rejected_with_what_is_missing(
    store: Store, tmp_path: Path, station_client: Client
) -> None:
    bench = ReceivingBench(store, Settings({}), tmp_path / "photos", date.today)
    first, _ = receive(bench, tmp_path / "crushed.jpg")
    with store.unit() as session:  # a plate the ERP never heard of in that bin
        putaway = session.scalars(
            select(OutboxEvent).where(OutboxEvent.kind == "putaway_done").limit(1)
        ).one()
        putaway.payload = dataclasses.replace(
            PutawayDone.from_payload(putaway.payload),
            contents=[{"sku": "HB-3010", "lot": "LHAZASZ", "quantity": 500}],
        ).to_payload()
    pushed = Pusher(Tryton(station_client)).push_due(store)
    assert pushed.rejected == 1 and pushed.sent == 2
    assert f"does not have HB-3010 lot LHAZASZ in {first}" in pushed.problems[0]


def test_a_putaway_whose_close_never_comes_is_rejected_after_a_day(
    store: Store, station_client: Client
) -> None:
    with store.unit() as session:
        emit(session, PutawayDone(asn="ASN-200005", receipt="r-1", bin="BIN-A01-01", contents=[]))
    assert Pusher(Tryton(station_client)).push_due(store).rejected == 0  # it waits for the close
    with store.unit() as session:  # a day and more later, the close was never sent
        session.execute(update(OutboxEvent).values(created_at=utcnow() - timedelta(days=2)))
    pushed = Pusher(Tryton(station_client)).push_due(store)
    assert pushed.rejected == 1
    assert "waited a day: ASN-200005 is not closed in the ERP yet" in pushed.problems[0]


def blind_shipments(admin: Client, reference: str) -> list[tuple[str, str, list[Any]]]:
    """Every supplier shipment under ``reference``: its state, supplier and moves in."""
    found = admin.model(
        RECEIPTS, "search_read", [["reference", "=", reference]], 0, None, None,
        ["state", "supplier.code", "incoming_moves.product.code", "incoming_moves.quantity"],
    )  # fmt: skip
    return [
        (
            shipment["state"],
            shipment["supplier."]["code"],
            sorted((m["product."]["code"], m["quantity"]) for m in shipment["incoming_moves."]),
        )
        for shipment in found
    ]


BLIND_DONE = ("done", SUPPLIER, [("AP-1001", 3.0), ("AP-1002", 2.0)])


def test_a_blind_receipt_is_made_in_the_erp_received_and_done_once(
    store: Store, tmp_path: Path, station_client: Client, admin_client: Client
) -> None:
    bench = ReceivingBench(store, Settings({}), tmp_path / "photos", date.today)
    reference = blind_receipt(bench, SUPPLIER, BLIND_GOODS)
    assert blind_shipments(admin_client, reference) == []
    pushed = Pusher(Tryton(station_client)).push_due(store)
    assert (pushed.sent, pushed.rejected) == (2, 0), pushed.problems  # the putaway + the close
    assert blind_shipments(admin_client, reference) == [BLIND_DONE]

    with store.unit() as session:  # every answer lost: all of it sent again
        session.execute(update(OutboxEvent).values(status="pending"))
    again = Pusher(Tryton(station_client)).push_due(store)
    assert (again.sent, again.rejected) == (2, 0), again.problems
    assert blind_shipments(admin_client, reference) == [BLIND_DONE]


@pytest.fixture
def answers_lost(erp: erp_server.Running) -> Iterator[tuple[FaultProxy, Client]]:
    """The station's client through a proxy that faults only where a test plans it."""
    with FaultProxy(erp.station.url, random.Random(13), rate=0, drop_rate=0) as proxy:
        client = Client(dataclasses.replace(erp.station, url=proxy.url))
        try:
            yield proxy, client
        finally:
            client.http.close()  # its kept-alive links: no socket left to warn of


@pytest.mark.parametrize(
    "lost",
    [
        f"model.{RECEIPTS}.create",  # the blind receipt's shipment made
        f"model.{RECEIPTS}.write",  # its moves counted in
        f"model.{RECEIPTS}.receive",
        f"model.{RECEIPTS}.do",
    ],
)
def test_a_blind_receipt_whose_answer_was_lost_is_made_once_on_the_retry(
    store: Store,
    tmp_path: Path,
    answers_lost: tuple[FaultProxy, Client],
    admin_client: Client,
    lost: str,
) -> None:
    """Tryton committed the step and its answer never came: the retry finds the shipment
    by the station's reference and carries on from where it is, making no second one."""
    proxy, client = answers_lost
    proxy.plan(lost, Fault.DROP)
    bench = ReceivingBench(store, Settings({}), tmp_path / "photos", date.today)
    reference = blind_receipt(bench, SUPPLIER, BLIND_GOODS)
    pusher = Pusher(Tryton(client), random.Random(13))
    first = pusher.push_due(store)
    assert first.sent < 2 and first.problems == [], first  # the close waits for the retry
    assert proxy.injected == {Fault.DROP: 1} and proxy.dropped == {lost: 1}
    assert len(blind_shipments(admin_client, reference)) == 1  # Tryton did commit it
    retry = pusher.push_due(store, utcnow() + timedelta(hours=1))
    assert retry.problems == [] and pending(store) == 0, retry
    assert blind_shipments(admin_client, reference) == [BLIND_DONE]
