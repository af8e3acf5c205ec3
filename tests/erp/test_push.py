"""Bench events pushed to a live Tryton: exactly once, the rejected set aside, the rest on."""

import itertools
import random
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from station.recording import emit, utcnow
from station.returns import ReturnsBench
from station.scans import Scan
from station.store.engine import Store
from station.store.schema import OutboxEvent
from sync.push import RETURNS, Pusher, backoff, pending
from sync.rpc import Client, Login

pytestmark = pytest.mark.erp
_clock = itertools.count(1000, 2)


def triage(bench: ReturnsBench, code: str) -> str:
    """A parcel with no RMA, sent to triage; returns its event's id."""
    for raw in ("BADGE-1001", code, "@TRIAGE", "@CONFIRM"):
        bench.handle(Scan(raw, at=float(next(_clock))))
    with bench.store.read() as session:
        event = session.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.kind == "unexpected_return")
            .order_by(OutboxEvent.seq.desc())
            .limit(1)
        ).one()
    return event.event_id


def shipments(admin: Client, reference: str) -> list[dict[str, object]]:
    found: list[dict[str, object]] = admin.model(
        RETURNS, "search_read", [["reference", "=", reference]], 0, None, None,
        ["state", "moves.product.code", "customer.name"],
    )  # fmt: skip
    return found


def status_of(store: Store, event_id: str) -> OutboxEvent:
    with store.read() as session:
        return session.scalars(select(OutboxEvent).where(OutboxEvent.event_id == event_id)).one()


def test_an_unexpected_return_reaches_the_erp_once_even_when_sent_again(
    bench: ReturnsBench, store: Store, station_client: Client, admin_client: Client
) -> None:
    event_id = triage(bench, "5907284338711")  # AP-1004's GTIN: on no RMA
    assert Pusher(station_client).push_due(store).sent == 1
    (shipment,) = shipments(admin_client, event_id)
    assert shipment["state"] == "draft"
    assert [m["product."]["code"] for m in shipment["moves."]] == ["AP-1004"]  # type: ignore[index, union-attr]
    assert shipment["customer."]["name"] == "Unidentified returns"  # type: ignore[index]
    assert status_of(store, event_id).status == "sent"

    with store.unit() as session:  # the answer was lost: the station sends it again
        event = session.scalars(select(OutboxEvent).where(OutboxEvent.event_id == event_id)).one()
        event.status = "pending"
    assert Pusher(station_client).push_due(store).sent == 1
    assert len(shipments(admin_client, event_id)) == 1


def test_a_rejected_event_is_set_aside_and_the_next_still_goes(
    bench: ReturnsBench, store: Store, station_client: Client, admin_client: Client
) -> None:
    with store.unit() as session:
        emit(session, "unexpected_return", {"sku": "NOT-IN-THE-ERP", "unit": "u-1"})
    good = triage(bench, "8710449266418")  # AP-1002
    pushed = Pusher(station_client).push_due(store)
    assert (pushed.sent, pushed.rejected) == (1, 1)
    assert "product NOT-IN-THE-ERP" in pushed.problems[0]
    with store.read() as session:
        rejected = session.scalars(
            select(OutboxEvent).where(OutboxEvent.status == "rejected")
        ).one()
    assert rejected.last_error is not None and "NOT-IN-THE-ERP" in rejected.last_error
    assert len(shipments(admin_client, good)) == 1
    assert pending(store) == 0


def test_an_erp_away_leaves_events_waiting_with_backoff_then_they_go(
    bench: ReturnsBench, store: Store, station_client: Client, admin_client: Client
) -> None:
    event_id = triage(bench, "5902529527776")  # AP-1003
    away = Client(Login("http://127.0.0.1:9", "station", "station", "x"))
    now = utcnow()
    pushed = Pusher(away).push_due(store, now)
    assert pushed.waiting and pushed.sent == 0
    waiting = status_of(store, event_id)
    assert waiting.status == "pending" and waiting.attempts == 1
    assert waiting.next_attempt_at is not None and waiting.next_attempt_at >= now
    assert Pusher(station_client).push_due(store, now - timedelta(seconds=1)).sent == 0  # not due
    assert Pusher(station_client).push_due(store, now + timedelta(minutes=11)).sent == 1
    assert len(shipments(admin_client, event_id)) == 1


def test_backoff_has_full_jitter_under_a_ceiling() -> None:
    rng = random.Random(7)
    waits = [backoff(attempts, rng) for attempts in range(30)]
    assert all(timedelta(0) <= w <= timedelta(minutes=10) for w in waits)
    assert len(set(waits)) == len(waits)


RESTOCK = ("RMA-10004", "5907725452020", "@YES", "@NO", "@NO", "@NO", "@GRADE-A")


def test_a_return_recorded_at_the_bench_is_received_and_put_where_it_goes_once(
    bench: ReturnsBench, store: Store, station_client: Client, admin_client: Client
) -> None:
    for raw in ("BADGE-1001", *RESTOCK, "@CONFIRM", "@CONFIRM"):
        bench.handle(Scan(raw, at=float(next(_clock))))
    pushed = Pusher(station_client).push_due(store)
    assert (pushed.sent, pushed.rejected) == (2, 0)  # received, then sent to its disposition
    (shipment,) = shipments(admin_client, "RMA-10004")
    assert shipment["state"] == "done"
    moves = admin_client.model(
        "stock.move",
        "search_read",
        [["shipment", "=", f"{RETURNS},{shipment['id']}"], ["to_location.code", "!=", "IN"]],
        0, None, None, ["state", "to_location.code", "product.code"],
    )  # fmt: skip
    assert [(m["product."]["code"], m["to_location."]["code"], m["state"]) for m in moves] == [
        ("AP-1007", "LOC-RESTOCK", "done")
    ]
    with store.unit() as session:  # both sent again, as after lost answers
        session.execute(
            update(OutboxEvent)
            .where(OutboxEvent.kind.in_(["return_received", "disposition_decided"]))
            .values(status="pending")
        )
    assert Pusher(station_client).push_due(store).sent == 2  # nothing left to do: done
    assert shipments(admin_client, "RMA-10004")[0]["state"] == "done"


def test_a_return_whose_rma_the_erp_cancelled_is_rejected_with_why(
    store: Store, station_client: Client, admin_client: Client
) -> None:
    (cancelled,) = admin_client.model(
        RETURNS, "search", [["reference", "=", "RMA-10005"]], 0, 1, None
    )
    admin_client.model(RETURNS, "cancel", [cancelled])
    with store.unit() as session:
        emit(session, "return_received", {"rma": "RMA-10005", "unit": "u-2"})
    pushed = Pusher(station_client).push_due(store)
    assert pushed.rejected == 1 and "RMA-10005 is cancelled in the ERP" in pushed.problems[0]


def test_events_behind_one_in_backoff_wait_their_turn(store: Store, station_client: Client) -> None:
    with store.unit() as session:
        emit(session, "return_received", {"rma": "RMA-10016", "unit": "u-3"})
        emit(session, "unexpected_return", {"sku": "AP-1006", "unit": "u-4"})
        first = session.scalars(select(OutboxEvent).order_by(OutboxEvent.seq).limit(1)).one()
        first.next_attempt_at = utcnow() + timedelta(minutes=5)  # it met a 429 a moment ago
    pushed = Pusher(station_client).push_due(store)
    assert (pushed.sent, pushed.waiting) == (0, True)
    assert pending(store) == 2


def test_a_move_of_several_units_is_not_sent_whole_for_one_unit(
    store: Store, station_client: Client, admin_client: Client
) -> None:
    with store.unit() as session:
        emit(session, "return_received", {"rma": "RMA-10009", "unit": "u-5"})
        emit(
            session,
            "disposition_decided",
            {"rma": "RMA-10009", "sku": "HB-3005", "destination": "LOC-RESTOCK", "unit": "u-5"},
        )
    pushed = Pusher(station_client).push_due(store)
    assert (pushed.sent, pushed.rejected) == (1, 1)
    assert "2 units on one move" in pushed.problems[0]
    assert shipments(admin_client, "RMA-10009")[0]["state"] == "received"
