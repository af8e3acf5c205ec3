"""Pushing the bench's events from the outbox to Tryton, oldest first, one at a time.

Each event is sent with its UUID in the ``reference`` of what it creates, and a create
is looked up by that reference first, so a retry after a lost answer never makes a second
record (notes/tryton.md 7g). An answer is one of: done (the event is ``sent``); retry
later (the ERP is away: the event waits with full-jitter backoff and the round stops, as
the events behind it would meet the same); rejected (the ERP refused this one: it goes
to the exception queue with the ERP's message, and the round goes on with the next); or
later (it waits on an event behind it, as a putaway on its receipt's close: it stays
pending, and gets another pass once the events behind it went).

The handlers are in ``push_returns`` and ``push_receiving``.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from station.recording import utcnow
from station.store.engine import Store
from station.store.schema import OutboxEvent
from sync import push_receiving, push_returns
from sync.erp_calls import Erp, Later
from sync.rpc import Client, Rejected, RetryLater

BASE_WAIT = timedelta(seconds=2)
LONGEST_WAIT = timedelta(minutes=10)
HANDLERS = {**push_returns.HANDLERS, **push_receiving.HANDLERS}


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
    """The handlers, with the ERP's lookups kept for as long as the pusher lives."""

    def __init__(self, client: Client, rng: random.Random | None = None) -> None:
        self.erp = Erp(client)
        self.rng = rng or random.Random()

    def push_due(self, store: Store, now: datetime | None = None) -> Pushed:
        moment = now or utcnow()
        with store.read() as session:
            due = list(
                session.scalars(
                    select(OutboxEvent)
                    .where(OutboxEvent.status == "pending", OutboxEvent.kind.in_(HANDLERS))
                    .order_by(OutboxEvent.seq)
                )
            )
        result = Pushed()
        while due:
            sent = result.sent + result.rejected
            due = self._pass(store, due, moment, result)
            if result.waiting or result.sent + result.rejected == sent:
                break  # nothing went that the deferred could have waited on
        return result

    def _pass(
        self, store: Store, due: list[OutboxEvent], moment: datetime, result: Pushed
    ) -> list[OutboxEvent]:
        """One pass in outbox order; returns the events that wait on ones behind them."""
        deferred = []
        for event in due:
            if event.next_attempt_at is not None and event.next_attempt_at > moment:
                # Its backoff is not over: the events behind it wait too, so the ERP sees
                # a unit received before it is disposed of.
                result.waiting = True
                break
            try:
                HANDLERS[event.kind](self.erp, event.event_id, event.payload)
            except Later:
                deferred.append(event)
                continue
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
        return deferred


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
