"""Exactly once at scale: bench events of every kind, made by the returns and the receiving
bench while the sync runs, pushed through a link that loses answers after Tryton committed,
resets, says 503, answers late and stalls; each must show in Tryton once, none twice, none
missing. Prints its figures as a JSON line, like the benches.

``make test`` runs a few hundred events; ``make soak`` runs 10,000 (marked ``soak``, which
the default run deselects).
"""

import dataclasses
import itertools
import json
import os
import random
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from bench_events import (
    assert_returned_once,
    blind_receipt,
    loose_items,
    record_return,
    single_units,
    triage,
    waiting,
)
from demo_lines import DemoLine
from fault_proxy import Fault, FaultProxy
from sqlalchemy import func, select

from demo import erp_server
from station.receiving.bench import ReceivingBench
from station.recording import utcnow
from station.returns.bench import ReturnsBench
from station.settings import Settings
from station.states import OutboxStatus
from station.store.engine import Store
from station.store.schema import OutboxEvent
from sync.push import Pusher
from sync.tryton.connector import HANDLERS, Tryton
from sync.tryton.push_receiving import RECEIPTS
from sync.tryton.push_returns import RETURNS
from sync.tryton.rpc import Client

pytestmark = pytest.mark.erp
SEED = 1313  # the proxy's faults and the pusher's jitter: a failing run can be replayed
READ_TIMEOUT = 2.0  # the client's: a stall outlasts it, Tryton's own answers do not
# Fewer faults than the 40-event test's, many more requests: every kind still meets each.
RATE, DROP_RATE = 0.03, 0.05
BATCH = 100  # events the benches make between two syncs: the sync runs while they work
ROUNDS_A_BATCH = 400  # rounds of pushing through the faults after each batch, at most
HEALED_ROUNDS = 20
SUPPLIER = "SUP-HANSEOUTFITT"
GOODS = ("7610912083911", "8710449266418")  # AP-1001, AP-1002: on no lot
READ_CHUNK = 500  # references asked of Tryton in one search
Link = tuple[FaultProxy, Client]


@dataclasses.dataclass
class Made:
    unexpected: dict[str, str] = dataclasses.field(default_factory=dict)  # event id: SKU
    # receipt reference: what was counted, (SKU, quantity) sorted
    blind: dict[str, list[tuple[str, float]]] = dataclasses.field(default_factory=dict)
    returned: list[DemoLine] = dataclasses.field(default_factory=list)


def outbox_size(store: Store) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(OutboxEvent)) or 0


def found_in_erp(
    admin: Client, model: str, references: list[str], fields: list[str]
) -> dict[str, list[dict[str, Any]]]:
    """Every record of ``model`` under each reference, as Tryton holds them."""
    found: dict[str, list[dict[str, Any]]] = {reference: [] for reference in references}
    for first in range(0, len(references), READ_CHUNK):
        chunk = references[first : first + READ_CHUNK]
        for row in admin.model(
            model, "search_read", [["reference", "in", chunk]], 0, None, None,
            ["reference", *fields],
        ):  # fmt: skip
            found[row["reference"]].append(row)
    return found


@dataclasses.dataclass
class Tally:
    arrived_once: int = 0
    duplicates: int = 0  # records made more than once: each extra one
    lost: int = 0  # events that are not (rightly) in the ERP

    def count(self, events: int, copies: int, right: bool) -> None:
        if copies == 1 and right:
            self.arrived_once += events
        elif copies > 1:
            self.duplicates += copies - 1
        else:
            self.lost += events


def tally(admin: Client, made: Made, events: list[OutboxEvent]) -> Tally:
    """Each event against what the ERP shows of it."""
    result = Tally()
    shipments = found_in_erp(admin, RETURNS, list(made.unexpected), ["moves.product.code"])
    for reference, sku in made.unexpected.items():
        rows = shipments[reference]
        right = bool(rows) and [m["product."]["code"] for m in rows[0]["moves."]] == [sku]
        result.count(1, len(rows), right)
    receipts = found_in_erp(
        admin, RECEIPTS, list(made.blind),
        ["state", "incoming_moves.product.code", "incoming_moves.quantity"],
    )  # fmt: skip
    for reference, counted in made.blind.items():
        rows = receipts[reference]
        right = bool(rows) and rows[0]["state"] == "done" and counted == sorted(
            (m["product."]["code"], m["quantity"]) for m in rows[0]["incoming_moves."]
        )  # fmt: skip
        result.count(2, len(rows), right)  # the close and its putaway
    for line in made.returned:
        mine = {e.kind: e for e in events if e.payload.get("rma") == line.rma}
        try:
            assert_returned_once(admin, line, mine)
        except AssertionError:
            result.lost += len(mine)
        else:
            result.arrived_once += len(mine)
    return result


@dataclasses.dataclass
class Soak:
    """The two benches on one store, the link through the fault proxy, and an admin's
    session to see what arrived."""

    store: Store
    returns: ReturnsBench
    receiving: ReceivingBench
    demo: dict[str, Any]
    proxy: FaultProxy
    client: Client
    admin: Client

    def make_batch(
        self, upto: int, rma_units: list[DemoLine], loose: list[tuple[str, str]], made: Made
    ) -> None:
        """Bench work until the outbox holds ``upto`` events: in turn a return on an RMA
        (while the demo has any left), parcels to triage, and a blind receipt."""
        for turn in itertools.count():
            if outbox_size(self.store) >= upto:
                return
            if turn % 4 == 0 and rma_units:
                line = rma_units.pop(0)
                record_return(self.returns, line)
                made.returned.append(line)
            elif turn % 4 == 3:
                n = len(made.blind)
                goods = [GOODS[0]] * (1 + n % 3) + [GOODS[1]] * (1 + n % 2)
                reference = blind_receipt(self.receiving, SUPPLIER, goods)
                made.blind[reference] = [("AP-1001", 1.0 + n % 3), ("AP-1002", 1.0 + n % 2)]
            else:
                sku, gtin = loose[len(made.unexpected) % len(loose)]
                made.unexpected[triage(self.returns, gtin)] = sku

    def rounds(self, pusher: Pusher, most: int) -> int:
        """Rounds of pushing, at most ``most``, until nothing the pusher handles is pending."""
        done = 0
        while done < most and waiting(self.store):
            pusher.push_due(self.store, self.all_due())
            done += 1
        return done

    def all_due(self) -> datetime:
        """The moment every waiting event is due: just past the last backoff, so the soak
        never waits on a clock. No later: the clock must not run ahead of the benches, or
        a putaway waiting on its receipt's close would seem to wait a day and be rejected."""
        with self.store.read() as session:
            last = session.scalar(
                select(func.max(OutboxEvent.next_attempt_at)).where(
                    OutboxEvent.status == OutboxStatus.PENDING
                )
            )
        now = utcnow()
        return max(now, last + timedelta(seconds=1)) if last else now

    def run(self, total: int) -> dict[str, Any]:
        """``total`` events made and pushed in batches; the figures, printed and returned."""
        store, proxy = self.store, self.proxy
        pusher = Pusher(Tryton(self.client), random.Random(SEED))
        made, rma_units, loose = Made(), single_units(self.demo), loose_items(self.demo)
        producing = pushing = 0.0
        rounds = 0
        while outbox_size(store) < total:
            started = time.monotonic()
            self.make_batch(min(total, outbox_size(store) + BATCH), rma_units, loose, made)
            producing += time.monotonic() - started
            started = time.monotonic()
            rounds += self.rounds(pusher, ROUNDS_A_BATCH)
            pushing += time.monotonic() - started
        proxy.heal()
        started = time.monotonic()
        rounds += self.rounds(pusher, HEALED_ROUNDS)
        pushing += time.monotonic() - started

        with store.read() as session:
            events = list(session.scalars(select(OutboxEvent).order_by(OutboxEvent.seq)))
        counted = tally(self.admin, made, events)
        figures = {
            "bench": "sync_soak",
            "events": len(events),
            "by_kind": dict(sorted(Counter(e.kind for e in events).items())),
            "arrived_once": counted.arrived_once,
            "duplicates": counted.duplicates,
            "lost": counted.lost,
            "sent": sum(e.status == OutboxStatus.SENT for e in events),
            "rejected": [
                f"{e.kind}: {e.last_error}" for e in events if e.status == OutboxStatus.REJECTED
            ],
            "retried": sum(e.attempts > 1 for e in events),
            "faults": {fault.value: proxy.injected[fault] for fault in Fault},
            "dropped_after_commit": sum(proxy.dropped.values()),
            "requests": len(proxy.history),
            "rounds": rounds,
            "seconds": round(producing + pushing, 1),
            "produce_s": round(producing, 1),
            "push_s": round(pushing, 1),
            "events_per_s": round(len(events) / pushing, 1),
        }
        print(json.dumps(figures))
        return figures


@pytest.fixture
def link(erp: erp_server.Running, monkeypatch: pytest.MonkeyPatch) -> Iterator[Link]:
    """The station's client through the fault proxy, with a read timeout a stall outlasts."""
    monkeypatch.setattr("sync.tryton.rpc.TIMEOUT", (1.0, READ_TIMEOUT))
    with FaultProxy(
        erp.station.url, random.Random(SEED), rate=RATE, drop_rate=DROP_RATE,
        stall=READ_TIMEOUT + 0.5,
    ) as proxy:  # fmt: skip
        client = Client(dataclasses.replace(erp.station, url=proxy.url))
        try:
            yield proxy, client
        finally:
            client.http.close()  # its kept-alive links: no socket left to warn of


@pytest.fixture
def soaking(
    bench: ReturnsBench, demo: dict[str, Any], link: Link, admin_client: Client, tmp_path: Path
) -> Soak:
    receiving = ReceivingBench(bench.store, Settings({}), tmp_path / "receipts", date.today)
    proxy, client = link
    return Soak(bench.store, bench, receiving, demo, proxy, client, admin_client)


def run_and_check(soaking: Soak, total: int) -> None:
    figures = soaking.run(total)
    assert figures["events"] >= total
    assert set(figures["by_kind"]) == set(HANDLERS), "every kind of event"
    assert figures["rejected"] == []
    assert figures["sent"] == figures["events"], "still pending on the healed link"
    assert (figures["duplicates"], figures["lost"]) == (0, 0), figures
    assert figures["arrived_once"] == figures["events"], figures
    assert all(figures["faults"].values()), figures["faults"]  # each kind of fault met
    assert figures["dropped_after_commit"] and figures["retried"], figures
    assert soaking.proxy.errors == []


def test_a_few_hundred_events_of_every_kind_arrive_once_through_faults(soaking: Soak) -> None:
    run_and_check(soaking, 300)


@pytest.mark.soak
def test_ten_thousand_events_of_every_kind_arrive_once_through_faults(soaking: Soak) -> None:
    # STATION_SOAK_EVENTS: a shorter soak, to measure a rate on a machine too slow for all.
    run_and_check(soaking, int(os.environ.get("STATION_SOAK_EVENTS", "10000")))
