"""Pushing the bench's events from the outbox to Tryton, oldest first, one at a time.

Each event is sent with its UUID in the ``reference`` of what it creates, and a create
is looked up by that reference first, so a retry after a lost answer never makes a second
record (notes/tryton.md 7g). An answer is one of: done (the event is ``sent``); retry
later (the ERP is away: the event waits with full-jitter backoff and the round stops, as
the events behind it would meet the same); rejected (the ERP refused this one: it goes
to the exception queue with the ERP's message, and the round goes on with the next).

This release pushes unexpected returns, received returns and dispositions; the other kinds
wait in the outbox, pending, for the handlers that map them onto Tryton's inspections,
complaints and supplier shipments.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update

from station.recording import utcnow
from station.store.engine import Store
from station.store.schema import OutboxEvent
from sync.rpc import Client, Rejected, RetryLater
from sync.seed import UNIDENTIFIED

RETURNS = "stock.shipment.out.return"
BASE_WAIT = timedelta(seconds=2)
LONGEST_WAIT = timedelta(minutes=10)


@dataclass
class Pushed:
    sent: int = 0
    rejected: int = 0
    waiting: bool = False  # the ERP was away: the rest waits for the next round
    problems: list[str] = field(default_factory=list)


def backoff(attempts: int, rng: random.Random) -> timedelta:
    """Full jitter: anywhere up to the doubled wait, so stations do not retry in step."""
    ceiling: timedelta = min(LONGEST_WAIT, BASE_WAIT * 2 ** min(attempts, 20))
    return ceiling * rng.random()


class Pusher:
    """The handlers, with what they look up once per run (warehouse, locations, party)."""

    def __init__(self, client: Client, rng: random.Random | None = None) -> None:
        self.client = client
        self.rng = rng or random.Random()
        self._found: dict[str, int] = {}
        self.handlers: dict[str, Callable[[str, dict[str, Any]], None]] = {
            "unexpected_return": self.unexpected_return,
            "return_received": self.return_received,
            "disposition_decided": self.disposition_decided,
        }

    def push_due(self, store: Store, now: datetime | None = None) -> Pushed:
        moment = now or utcnow()
        with store.read() as session:
            waiting = list(
                session.scalars(
                    select(OutboxEvent)
                    .where(OutboxEvent.status == "pending", OutboxEvent.kind.in_(self.handlers))
                    .order_by(OutboxEvent.seq)
                )
            )
        result = Pushed()
        for event in waiting:
            if event.next_attempt_at is not None and event.next_attempt_at > moment:
                # Its backoff is not over: the events behind it wait too, so the ERP sees
                # a unit received before it is disposed of.
                result.waiting = True
                break
            try:
                self.handlers[event.kind](event.event_id, event.payload)
            except RetryLater as exc:
                wait = (
                    timedelta(seconds=exc.after) if exc.after else backoff(event.attempts, self.rng)
                )
                _settle(store, event, "pending", str(exc), moment + wait)
                result.waiting = True
                break
            except Rejected as exc:
                _settle(store, event, "rejected", exc.message)
                result.rejected += 1
                result.problems.append(f"{event.kind} {event.event_id}: {exc.message}")
                continue
            _settle(store, event, "sent", None)
            result.sent += 1
        return result

    # --- lookups ----------------------------------------------------------------------

    def _one(self, model: str, domain: list[Any], what: str) -> int:
        key = f"{model}{domain}"
        if key not in self._found:
            found = self.client.model(model, "search", domain, 0, 1, None)
            if not found:
                raise Rejected("Missing", f"the ERP has no {what}")
            self._found[key] = found[0]
        return self._found[key]

    def _location(self, code: str) -> int:
        return self._one("stock.location", [["code", "=", code]], f"location {code}")

    def _product(self, sku: str) -> int:
        return self._one("product.product", [["code", "=", sku]], f"product {sku}")

    def _button(self, model: str, record: int, button: str) -> None:
        """A workflow button; a warning the ERP raises about it is acknowledged once (it is
        only a warning: "moves have no origin" on returns entered by hand)."""
        try:
            answer = self.client.model(model, button, [record])
        except Rejected as refused:
            if refused.kind != "UserWarning":
                raise
            self.client.model("res.user.warning", "skip", refused.message, False)
            answer = self.client.model(model, button, [record])
        if isinstance(answer, dict) and answer.get("type") == "ir.action.wizard":
            raise Rejected("QualityGate", f"{model} {record} waits for a quality inspection")

    # --- handlers ---------------------------------------------------------------------

    def return_received(self, event_id: str, payload: dict[str, Any]) -> None:  # noqa: ARG002 - the RMA's shipment carries the reference
        """The RMA's return shipment received. A transition is not idempotent in Tryton, so
        its state is read first; received (or done) already counts as done."""
        rma = payload["rma"]
        found = self.client.model(
            RETURNS, "search_read", [["reference", "=", rma]], 0, 1, None, ["state"]
        )
        if not found:
            raise Rejected("Missing", f"the ERP has no return shipment for {rma}")
        state = found[0]["state"]
        if state == "cancelled":
            raise Rejected("Cancelled", f"{rma} is cancelled in the ERP")
        if state == "draft":
            self._button(RETURNS, found[0]["id"], "receive")

    def disposition_decided(self, event_id: str, payload: dict[str, Any]) -> None:  # noqa: ARG002 - the move is found by its shipment
        """The unit's inventory move sent to its disposition's location; the shipment done
        once every move has left the storage zone. Both steps read before they write."""
        rma, sku, destination = payload["rma"], payload["sku"], payload["destination"]
        found = self.client.model(
            RETURNS, "search_read", [["reference", "=", rma]], 0, 1, None, ["state"]
        )
        if not found:
            raise Rejected("Missing", f"the ERP has no return shipment for {rma}")
        shipment, state = found[0]["id"], found[0]["state"]
        if state not in ("received", "done"):
            raise Rejected("NotReceived", f"{rma} is {state} in the ERP, not received")
        moves = self.client.model(
            "stock.move",
            "search_read",
            [["shipment", "=", f"{RETURNS},{shipment}"], ["to_location.code", "!=", "IN"]],
            0,
            None,
            [["id", "ASC"]],
            ["product.code", "to_location.code", "quantity"],
        )
        mine = [m for m in moves if m["product."]["code"] == sku]
        if state == "done":
            if not any(m["to_location."]["code"] == destination for m in mine):
                raise Rejected("Done", f"{rma} is done in the ERP with {sku} elsewhere")
            return  # done as this event says, by an earlier try
        if not any(m["to_location."]["code"] == destination for m in mine):
            waiting = [m for m in mine if m["to_location."]["code"] == "STO"]
            if not waiting:
                raise Rejected("Split", f"{rma}: no move of {sku} left to send to {destination}")
            if waiting[0]["quantity"] != 1:
                raise Rejected(
                    "Split",
                    f"{rma}: {sku} has {waiting[0]['quantity']:g} units on one move; split it "
                    "in the ERP so each unit can go its own way, then send again",
                )
            self.client.model(
                "stock.move",
                "write",
                [waiting[0]["id"]],
                {"to_location": self._location(destination)},
            )
            waiting[0]["to_location."]["code"] = destination
        if all(m["to_location."]["code"] != "STO" for m in moves):
            self._button(RETURNS, shipment, "do")

    def unexpected_return(self, event_id: str, payload: dict[str, Any]) -> None:
        """A customer return shipment for a parcel with no RMA, in draft, for the office."""
        model = RETURNS
        if self.client.model(model, "search", [["reference", "=", event_id]], 0, 1, None):
            return  # made by an earlier try whose answer was lost
        moves = []
        if payload.get("sku"):
            moves.append(
                {
                    "product": self._product(payload["sku"]),
                    "unit": 1,
                    "quantity": 1.0,
                    "from_location": self._location("CUS"),
                    "to_location": self._location("IN"),
                    "unit_price": Decimal(0),
                    "currency": self._one("currency.currency", [["code", "=", "EUR"]], "EUR"),
                }
            )
        self.client.model(
            model,
            "create",
            [
                {
                    "customer": self._one(
                        "party.party", [["name", "=", UNIDENTIFIED]], UNIDENTIFIED
                    ),
                    "reference": event_id,
                    "warehouse": self._location("WH"),
                    "warehouse_input": self._location("IN"),
                    "warehouse_storage": self._location("STO"),
                    "moves": [["create", moves]],
                }
            ],
        )


def _settle(
    store: Store,
    event: OutboxEvent,
    status: str,
    error: str | None,
    next_at: datetime | None = None,
) -> None:
    with store.unit() as session:
        session.execute(
            update(OutboxEvent)
            .where(OutboxEvent.seq == event.seq)
            .values(
                status=status,
                attempts=event.attempts + 1,
                last_error=error,
                next_attempt_at=next_at,
            )
        )


def pending(store: Store) -> int:
    with store.read() as session:
        waiting = select(func.count()).where(OutboxEvent.status == "pending")
        return session.scalar(waiting.select_from(OutboxEvent)) or 0
