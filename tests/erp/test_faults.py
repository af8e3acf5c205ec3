"""Exactly once under faults: bench events pushed over a link that loses answers after
Tryton committed, answers late, resets and says 503 still reach the ERP once each."""

import dataclasses
import itertools
import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from bench_events import record_return, triage
from demo_lines import DemoLine, demo_lines
from fault_proxy import Fault, FaultProxy
from sqlalchemy import func, select

from demo import erp_server
from station.recording import utcnow
from station.returns.bench import ReturnsBench
from station.store.engine import Store
from station.store.schema import OutboxEvent
from sync.push import Pushed, Pusher
from sync.tryton.connector import HANDLERS, Tryton
from sync.tryton.push_returns import RETURNS
from sync.tryton.rpc import Client

pytestmark = pytest.mark.erp
SEED = 8202  # the proxy's faults and the pusher's jitter: a failing run can be replayed
READ_TIMEOUT = 1.5  # the client's, here: a stalled answer outlasts it; Tryton's never do
UNEXPECTED, RETURNED = 16, 6  # parcels sent to triage; RMAs received and disposed of
# Fewer rounds with faults than it takes to send everything through them: the rest goes
# once the link heals.
FAULTY_ROUNDS, HEALED_ROUNDS = 40, 5


@pytest.fixture
def proxy(erp: erp_server.Running) -> Iterator[FaultProxy]:
    with FaultProxy(erp.station.url, random.Random(SEED), stall=READ_TIMEOUT + 0.5) as running:
        yield running


@pytest.fixture
def flaky_client(
    proxy: FaultProxy, erp: erp_server.Running, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Client]:
    """The station's client, through the proxy, with a read timeout a stall outlasts."""
    monkeypatch.setattr("sync.tryton.rpc.TIMEOUT", (1.0, READ_TIMEOUT))
    client = Client(dataclasses.replace(erp.station, url=proxy.url))
    yield client
    client.http.close()  # its kept-alive links: no socket left for the collector to warn of


def loose_items(demo: dict[str, Any]) -> list[tuple[str, str]]:
    """(SKU, GTIN) of items on no RMA: a parcel of one is an unexpected return."""
    on_rmas = {line["sku"] for rma in demo["rmas"] for line in rma["lines"]}
    return [(item["sku"], item["gtins"][0]) for item in demo["items"] if item["sku"] not in on_rmas]


def single_units(demo: dict[str, Any]) -> list[DemoLine]:
    """Lines that are their RMA's only unit: once it is disposed of, the shipment is done."""
    alone = {r["number"] for r in demo["rmas"] if [li["quantity"] for li in r["lines"]] == [1]}
    return demo_lines(demo, lambda line, _item: line.rma in alone)


def waiting(store: Store) -> int:
    """Events the pusher has a handler for that are still pending."""
    with store.read() as session:
        count = select(func.count()).select_from(OutboxEvent)
        return session.scalar(
            count.where(OutboxEvent.status == "pending", OutboxEvent.kind.in_(HANDLERS))
        ) or 0  # fmt: skip


def push_rounds(
    pusher: Pusher, store: Store, moments: Iterator[datetime], rounds: int
) -> list[Pushed]:
    """Rounds of pushing, at most ``rounds``, until nothing the pusher handles is pending."""
    done: list[Pushed] = []
    while len(done) < rounds and waiting(store):
        done.append(pusher.push_due(store, next(moments)))
    return done


def outbox(store: Store) -> list[OutboxEvent]:
    with store.read() as session:
        return list(session.scalars(select(OutboxEvent).order_by(OutboxEvent.seq)))


@dataclasses.dataclass(frozen=True)
class Recorded:
    unexpected: dict[str, str]  # event id: SKU of each parcel sent to triage
    returned: list[DemoLine]  # each RMA line received, inspected and disposed of


@pytest.fixture
def recorded(bench: ReturnsBench, demo: dict[str, Any]) -> Recorded:
    """A stretch of the bench's work: parcels with no RMA, and returns on RMAs."""
    unexpected = {triage(bench, gtin): sku for sku, gtin in loose_items(demo)[:UNEXPECTED]}
    returned = single_units(demo)[:RETURNED]
    assert len(returned) == RETURNED
    for line in returned:
        record_return(bench, line)
    return Recorded(unexpected, returned)


def test_every_event_reaches_the_erp_exactly_once_over_a_link_that_fails(
    recorded: Recorded,
    store: Store,
    proxy: FaultProxy,
    flaky_client: Client,
    admin_client: Client,
) -> None:
    pusher = Pusher(Tryton(flaky_client), random.Random(SEED))
    # Each round an hour after the last: past any backoff (10 minutes at most) and any
    # Retry-After, so every waiting event is due again and the test never waits on a clock.
    start = utcnow()
    moments = (start + timedelta(hours=n) for n in itertools.count(1))

    faulty = push_rounds(pusher, store, moments, FAULTY_ROUNDS)
    proxy.heal()
    healed = push_rounds(pusher, store, moments, HEALED_ROUNDS)

    assert len(faulty) == FAULTY_ROUNDS and healed, "the faults let everything through"
    assert waiting(store) == 0, f"still waiting after {len(healed)} rounds on the healed link"
    assert [problem for pushed in faulty + healed for problem in pushed.problems] == []
    assert proxy.errors == []
    assert all(proxy.injected[fault] for fault in Fault), proxy.injected
    assert proxy.outwaited == proxy.injected[Fault.STALL]  # the client's timeout let go
    # Answers lost after Tryton committed: a create, and as many kinds of call as can be.
    assert proxy.dropped[f"model.{RETURNS}.create"], proxy.dropped
    assert len(proxy.dropped) >= 5, proxy.dropped
    events = outbox(store)
    assert {e.kind for e in events} <= set(HANDLERS)  # the bench made nothing left unsent
    assert {e.status for e in events} == {"sent"}
    assert any(e.attempts > 1 for e in events)  # the faults met the events, not only lookups

    unexpected = recorded.unexpected
    made = admin_client.model(
        RETURNS, "search_read", [["reference", "in", list(unexpected)]], 0, None, None,
        ["reference", "state", "moves.product.code", "moves.quantity"],
    )  # fmt: skip
    assert sorted(s["reference"] for s in made) == sorted(unexpected)  # each once, once only
    for shipment in made:
        moves = [(m["product."]["code"], m["quantity"]) for m in shipment["moves."]]
        assert (shipment["state"], moves) == ("draft", [(unexpected[shipment["reference"]], 1)])

    for line in recorded.returned:
        mine = {e.kind: e for e in events if e.payload.get("rma") == line.rma}
        assert_returned_once(admin_client, line, mine)


def assert_returned_once(admin: Client, line: DemoLine, events: dict[str, OutboxEvent]) -> None:
    """The RMA's shipment received and done with one move in and one out, where the bench
    sent the unit; one inspection, passed; one complaint, approved or recorded."""
    (shipment,) = admin.model(
        RETURNS, "search_read", [["reference", "=", line.rma]], 0, None, None, ["state"]
    )
    assert shipment["state"] == "done", f"{line.rma} is {shipment['state']}, all its events sent"
    of_rma = f"{RETURNS},{shipment['id']}"
    moves = admin.model(
        "stock.move", "search_read", [["shipment", "=", of_rma]], 0, None, [["id", "ASC"]],
        ["product.code", "from_location.code", "to_location.code", "quantity", "state"],
    )  # fmt: skip
    assert [
        (m["product."]["code"], m["from_location."]["code"], m["to_location."]["code"],
         m["quantity"], m["state"])
        for m in moves
    ] == [
        (line.sku, "CUS", "IN", 1, "done"),
        (line.sku, "IN", events["disposition_decided"].payload["destination"], 1, "done"),
    ]  # fmt: skip
    inspections = admin.model(
        "quality.inspection", "search_read", [["origin", "=", of_rma]], 0, None, None,
        ["state", "reference"],
    )  # fmt: skip
    assert [(i["reference"], i["state"]) for i in inspections] == [
        (events["inspection_recorded"].event_id, "passed")
    ]
    refund = events["refund_eligible"].event_id
    complaints = admin.model(
        "sale.complaint", "search_read", [["reference", "in", [line.rma, refund]]], 0, None,
        None, ["reference", "state"],
    )  # fmt: skip
    assert [(c["reference"], c["state"]) for c in complaints] in (
        [(line.rma, "approved")],  # the RMA's own complaint, approved by the verified return
        [(line.rma, "done")],  # ... and already processed by Tryton
        [(refund, "waiting")],  # no complaint on the RMA: the refund recorded for the office
    ), line.rma


def test_a_login_whose_preferences_were_lost_is_done_again_whole(
    bench: ReturnsBench, store: Store, demo: dict[str, Any], erp: erp_server.Running,
    admin_client: Client,
) -> None:  # fmt: skip
    """Tryton granted the session, but the answer carrying the user's context (the company)
    was lost. Used without that context, the session has every create refused by Tryton's
    company rules, and the events would land in the exception queue for good."""
    with FaultProxy(erp.station.url, random.Random(SEED), rate=0, drop_rate=0) as proxy:
        proxy.plan("model.res.user.get_preferences", Fault.DROP)
        client = Client(dataclasses.replace(erp.station, url=proxy.url))
        try:
            sku, gtin = loose_items(demo)[-1]
            event_id = triage(bench, gtin)
            pusher = Pusher(Tryton(client), random.Random(SEED))
            lost = pusher.push_due(store)
            assert (lost.sent, lost.waiting) == (0, True)
            again = pusher.push_due(store, utcnow() + timedelta(hours=1))
            assert (again.sent, again.problems) == (1, [])
        finally:
            client.http.close()
    assert proxy.injected == {Fault.DROP: 1}
    (shipment,) = admin_client.model(
        RETURNS, "search_read", [["reference", "=", event_id]], 0, None, None,
        ["moves.product.code"],
    )  # fmt: skip
    assert [m["product."]["code"] for m in shipment["moves."]] == [sku]
