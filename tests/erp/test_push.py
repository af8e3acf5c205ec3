"""Bench events pushed to a live Tryton: exactly once, the rejected set aside, the rest on."""

import random
from datetime import timedelta
from typing import Any

import pytest
from bench_events import triage
from sqlalchemy import select

from demo import erp_server
from station.outbox import ReturnReceived, UnexpectedReturn
from station.recording import emit, utcnow
from station.returns.bench import ReturnsBench
from station.store.engine import Store
from station.store.schema import OutboxEvent
from sync.push import Pusher, backoff, pending
from sync.tryton.connector import Tryton
from sync.tryton.push_returns import RETURNS
from sync.tryton.rpc import Client, Login

pytestmark = pytest.mark.erp


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
    assert Pusher(Tryton(station_client)).push_due(store).sent == 1
    (shipment,) = shipments(admin_client, event_id)
    assert shipment["state"] == "draft"
    assert [m["product."]["code"] for m in shipment["moves."]] == ["AP-1004"]  # type: ignore[index, union-attr]
    assert shipment["customer."]["name"] == "Unidentified returns"  # type: ignore[index]
    assert status_of(store, event_id).status == "sent"

    with store.unit() as session:  # the answer was lost: the station sends it again
        event = session.scalars(select(OutboxEvent).where(OutboxEvent.event_id == event_id)).one()
        event.status = "pending"
    assert Pusher(Tryton(station_client)).push_due(store).sent == 1
    assert len(shipments(admin_client, event_id)) == 1


def test_a_rejected_event_is_set_aside_and_the_next_still_goes(
    bench: ReturnsBench, store: Store, station_client: Client, admin_client: Client
) -> None:
    with store.unit() as session:
        emit(session, UnexpectedReturn(sku="NOT-IN-THE-ERP", unit="u-1"))
    good = triage(bench, "8710449266418")  # AP-1002
    pushed = Pusher(Tryton(station_client)).push_due(store)
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
    pushed = Pusher(Tryton(away)).push_due(store, now)
    assert pushed.waiting and pushed.sent == 0
    waiting = status_of(store, event_id)
    assert waiting.status == "pending" and waiting.attempts == 1
    assert waiting.next_attempt_at is not None and waiting.next_attempt_at >= now
    assert (
        Pusher(Tryton(station_client)).push_due(store, now - timedelta(seconds=1)).sent == 0
    )  # not due
    assert Pusher(Tryton(station_client)).push_due(store, now + timedelta(minutes=11)).sent == 1
    assert len(shipments(admin_client, event_id)) == 1


def test_backoff_has_full_jitter_under_a_ceiling() -> None:
    rng = random.Random(7)
    waits = [backoff(attempts, rng) for attempts in range(30)]
    assert all(timedelta(0) <= w <= timedelta(minutes=10) for w in waits)
    assert len(set(waits)) == len(waits)


def test_a_return_whose_rma_the_erp_cancelled_is_rejected_with_why(
    store: Store, station_client: Client, admin_client: Client
) -> None:
    (cancelled,) = admin_client.model(
        RETURNS, "search", [["reference", "=", "RMA-10005"]], 0, 1, None
    )
    admin_client.model(RETURNS, "cancel", [cancelled])
    with store.unit() as session:
        emit(session, ReturnReceived(rma="RMA-10005", unit="u-2"))
    pushed = Pusher(Tryton(station_client)).push_due(store)
    assert pushed.rejected == 1 and "RMA-10005 is cancelled in the ERP" in pushed.problems[0]


def test_events_behind_one_in_backoff_wait_their_turn(store: Store, station_client: Client) -> None:
    with store.unit() as session:
        emit(session, ReturnReceived(rma="RMA-10016", unit="u-3"))
        emit(session, UnexpectedReturn(sku="AP-1006", unit="u-4"))
        first = session.scalars(select(OutboxEvent).order_by(OutboxEvent.seq).limit(1)).one()
        first.next_attempt_at = utcnow() + timedelta(minutes=5)  # it met a 429 a moment ago
    pushed = Pusher(Tryton(station_client)).push_due(store)
    assert (pushed.sent, pushed.waiting) == (0, True)
    assert pending(store) == 2


class CrashAfterCreate(Client):
    """The station dies the moment Tryton has made the record, before it hears back."""

    def model(self, model: str, method: str, *args: Any) -> Any:
        answer = super().model(model, method, *args)
        if method == "create":
            raise KeyboardInterrupt("the bench PC lost power")
        return answer


def test_an_event_cut_off_by_a_crash_is_looked_up_before_it_is_made_again(
    bench: ReturnsBench, store: Store, erp: erp_server.Running, admin_client: Client
) -> None:
    event_id = triage(bench, "5902529527776")  # AP-1003
    with pytest.raises(KeyboardInterrupt):
        Pusher(Tryton(CrashAfterCreate(erp.station))).push_due(store)
    cut_off = status_of(store, event_id)
    assert (cut_off.status, cut_off.attempts, cut_off.tried_at is not None) == ("pending", 0, True)
    assert Pusher(Tryton(Client(erp.station))).push_due(store).sent == 1
    assert len(shipments(admin_client, event_id)) == 1
