"""Exactly once under faults: bench events pushed over a link that loses answers after
Tryton committed, answers late, resets and says 503 still reach the ERP once each."""

import dataclasses
import itertools
import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from bench_events import (
    assert_returned_once,
    loose_items,
    record_return,
    single_units,
    triage,
    waiting,
)
from demo_lines import DemoLine
from fault_proxy import Fault, FaultProxy
from sqlalchemy import select

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
