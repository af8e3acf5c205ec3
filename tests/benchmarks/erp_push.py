"""``make bench``: 1,000 bench events pushed to a live Tryton, against a direct script.

Prints ``{"bench": "erp_push", "events", "events_per_s", "direct_events_per_s", "ratio",
"target_ratio", "within_target", "produce_s"}``:
- the events are 1,000 unexpected returns made by the real returns bench (an item's GTIN
  on no RMA, TRIAGE, CONFIRM; ``produce_s`` is how long the bench took), so their
  payloads are the bench's own;
- ``events_per_s``: ``sync.push.Pusher(Tryton(client)).push_due(store)`` sending them from the
  station's outbox: per event, a look-up of its reference, the create, the outbox row
  settled. One pusher throughout, as the sync worker keeps one;
- ``direct_events_per_s``: the cheapest script making the same records: the ids it needs
  looked up once, then one ``stock.shipment.out.return`` create per event with the same
  fields, over a plain ``sync.tryton.rpc.Client``. One create per event, not one for all, as
  each event is its own business action and its own commit at a station too. Its
  references are fresh UUIDs, the shape of an event's, so the pusher finds none of them.
Target: the pusher at 0.8 of the direct rate or better.

Both sides log in as the station user (least privilege), outside the clock, and share one
server, in ten rounds of 100 events that alternate which side goes first: the ERP's
tables grow alike for both, and a machine busy with something else for a while slows
both alike rather than whichever side ran then. The bench makes each round's events
before it, off the clock. The server (about 45 s to initialise and seed) runs on
127.0.0.1 in a temporary folder and is stopped at the end, on error too.
"""

import json
import sys
import tempfile
import time
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from live_erp import running
from sqlalchemy import select

from demo.master_data import load_demo_data
from station.returns.bench import ReturnsBench
from station.rulepack import load_rulepack
from station.scans import Scan
from station.settings import Settings
from station.store.engine import Store, open_store
from station.store.schema import Gtin, OutboxEvent, RmaLine
from sync.push import Pusher
from sync.tryton.connector import Tryton
from sync.tryton.erp_names import UNIDENTIFIED
from sync.tryton.rpc import Client

EVENTS = 1_000
ROUNDS = 10
# Spelled here, not imported: the direct side must not lean on the pusher's code.
RETURNS = "stock.shipment.out.return"
TARGET_RATIO = 0.8
Event = tuple[str, dict[str, Any]]  # the event's id, its payload
Made = tuple[str, str, str, tuple[str, ...]]  # reference, state, customer, products


class Triage:
    """The returns bench sending parcels to triage: each an item's GTIN on no RMA (one on
    an RMA would be matched to it), the catalogue's in turn."""

    def __init__(self, store: Store, photos: Path) -> None:
        self.store = store
        with store.read() as session:
            on_rma = set(session.scalars(select(RmaLine.sku)))
            self.codes = [
                g.gtin14
                for g in session.scalars(select(Gtin).order_by(Gtin.gtin14))
                if g.sku not in on_rma
            ]
        settings = Settings({"scanner.duplicate_window_ms": 0})
        self.bench = ReturnsBench(store, settings, load_rulepack(), photos)
        self.bench.handle(Scan("BADGE-1001"))
        self.made = 0
        self.last_seq = 0

    def parcels(self, count: int) -> list[Event]:
        """``count`` parcels triaged; their events, as the outbox holds them."""
        for number in range(self.made, self.made + count):
            for raw in (self.codes[number % len(self.codes)], "@TRIAGE", "@CONFIRM"):
                said = self.bench.handle(Scan(raw))
                assert said.tone.value in ("good", "warn"), f"{raw}: {said.message}"
        self.made += count
        with self.store.read() as session:
            found = list(
                session.scalars(
                    select(OutboxEvent)
                    .where(OutboxEvent.seq > self.last_seq)
                    .order_by(OutboxEvent.seq)
                )
            )
        assert [e.kind for e in found] == ["unexpected_return"] * count, "not the bench's events"
        self.last_seq = found[-1].seq
        return [(e.event_id, e.payload) for e in found]


class Direct:
    """The direct script: its ids looked up as it first needs them, one create per event."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.places: dict[str, int] = {}
        self.products: dict[str, int] = {}
        self.party = self.euro = 0
        self.references: list[str] = []

    def _codes(self, model: str, codes: list[str]) -> dict[str, int]:
        found = self.client.model(
            model, "search_read", [["code", "in", codes]], 0, None, None, ["code"]
        )
        return {r["code"]: r["id"] for r in found}

    def send(self, events: list[Event]) -> None:
        if not self.places:
            self.places = self._codes("stock.location", ["WH", "IN", "STO", "CUS"])
            self.euro = self._codes("currency.currency", ["EUR"])["EUR"]
            (self.party,) = self.client.model(
                "party.party", "search", [["name", "=", UNIDENTIFIED]], 0, 1, None
            )
        unknown = {p["sku"] for _, p in events if p.get("sku")} - set(self.products)
        if unknown:
            self.products |= self._codes("product.product", sorted(unknown))
        for _, payload in events:
            moves = []
            if payload.get("sku"):
                moves.append(
                    {
                        "product": self.products[payload["sku"]],
                        "unit": 1,
                        "quantity": 1.0,
                        "from_location": self.places["CUS"],
                        "to_location": self.places["IN"],
                        "unit_price": Decimal(0),
                        "currency": self.euro,
                    }
                )
            reference = str(uuid.uuid4())
            self.references.append(reference)
            self.client.model(
                RETURNS,
                "create",
                [
                    {
                        "customer": self.party,
                        "reference": reference,
                        "warehouse": self.places["WH"],
                        "warehouse_input": self.places["IN"],
                        "warehouse_storage": self.places["STO"],
                        "moves": [["create", moves]],
                    }
                ],
            )


def made(client: Client, references: list[str]) -> list[Made]:
    """What the ERP holds under ``references``, to check that both sides made the same."""
    rows = client.model(
        RETURNS, "search_read", [["reference", "in", references]], 0, None, None,
        ["reference", "state", "customer.name", "moves.product.code"],
    )  # fmt: skip
    return sorted(
        (
            r["reference"],
            r["state"],
            r["customer."]["name"],
            tuple(m["product."]["code"] for m in r["moves."]),
        )
        for r in rows
    )


def main() -> int:
    with tempfile.TemporaryDirectory() as name, running(Path(name) / "erp") as erp:
        store = open_store(Path(name) / "station.db")
        load_demo_data(store, date.today())
        triage = Triage(store, Path(name) / "photos")
        # Two sessions of the station user, logged in before the clock (argon2: ~0.1 s).
        pusher_client, direct_client = Client(erp.station), Client(erp.station)
        pusher_client.login()
        direct_client.login()
        pusher, script = Pusher(Tryton(pusher_client)), Direct(direct_client)
        sent: list[str] = []
        took = {"produce": 0.0, "pusher": 0.0, "direct": 0.0}
        for number in range(ROUNDS):
            started = time.perf_counter()
            events = triage.parcels(EVENTS // ROUNDS)
            took["produce"] += time.perf_counter() - started
            sent += [event_id for event_id, _ in events]
            for side in ("pusher", "direct")[:: 1 if number % 2 == 0 else -1]:
                started = time.perf_counter()
                if side == "pusher":
                    pushed = pusher.push_due(store)
                    assert (pushed.sent, pushed.rejected) == (len(events), 0), pushed.problems[:3]
                else:
                    script.send(events)
                took[side] += time.perf_counter() - started
        by_pusher = made(direct_client, sent)
        by_direct = made(direct_client, script.references)
        store.close()

    assert [r[0] for r in by_pusher] == sorted(sent), "not one shipment per event"
    assert sorted(r[1:] for r in by_pusher) == sorted(r[1:] for r in by_direct), "made unlike"
    rate, direct_rate = EVENTS / took["pusher"], EVENTS / took["direct"]
    print(
        json.dumps(
            {
                "bench": "erp_push",
                "events": EVENTS,
                "events_per_s": round(rate, 2),
                "direct_events_per_s": round(direct_rate, 2),
                "ratio": round(rate / direct_rate, 3),
                "target_ratio": TARGET_RATIO,
                "within_target": rate / direct_rate >= TARGET_RATIO,
                "produce_s": round(took["produce"], 2),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
