"""Pushing the bench's events from the outbox to the upstream, oldest first, one at a time.

Events are marked tried, all at once, before the first is sent; the connector looks an
event tried before up before it creates anything of it (Tryton by the event's UUID in
the ``reference`` of what it creates), so a retry after a lost answer (or a crash) never
makes a second record (notes/tryton.md 7g), and a first try costs no lookup. How each event went
is written in batches. An answer is one of: done (the event is ``sent``); retry
later (the upstream is away: the event waits with full-jitter backoff and the round stops, as
the events behind it would meet the same); rejected (the upstream refused this one: it goes
to the exception queue with its message, and the round goes on with the next); or
later (it waits on an event behind it, as a putaway on its receipt's close: it stays
pending, and gets another pass once the events behind it went).
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update

from station.outbox import SITE_ONLY, EventLacks, OutboxRecord, read_event
from station.recording import utcnow
from station.states import OutboxStatus
from station.store.engine import Store
from station.store.schema import OutboxEvent
from sync.connector import (
    Connector,
    Later,
    Likeness,
    LogInAgain,
    Outgoing,
    Rejected,
    RetryLater,
)

SETTLE_BATCH = 50
LONGEST_LATER = timedelta(days=1)
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
    """Pushes the due events to one upstream; ``rng`` spreads the backoff."""

    def __init__(self, connector: Connector, rng: random.Random | None = None) -> None:
        self.connector = connector
        self.rng = rng or random.Random()

    def push_due(self, store: Store, now: datetime | None = None) -> Pushed:
        moment = now or utcnow()
        with store.read() as session:
            due = list(
                session.scalars(
                    select(OutboxEvent)
                    .where(
                        OutboxEvent.status == OutboxStatus.PENDING,
                        OutboxEvent.kind.in_(self.connector.kinds),
                    )
                    .order_by(OutboxEvent.seq)
                )
            )
        fresh = _mark_tried(store, due, moment)
        self.connector.expect([r for r in (_readable(e.kind, e.payload) for e in due) if r])
        result = Pushed()
        settled = _Settlements(store, self.connector.likeness)
        try:
            while due:
                sent = result.sent + result.rejected
                due = self._pass(due, fresh, moment, result, settled)
                if result.waiting or result.sent + result.rejected == sent:
                    break  # nothing went that the deferred could have waited on
        finally:
            settled.write()
        return result

    def _pass(
        self,
        due: list[OutboxEvent],
        fresh: set[int],
        moment: datetime,
        result: Pushed,
        settled: "_Settlements",
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
                outgoing = Outgoing(
                    event.event_id, _record(event), event.seq in fresh, settled.alike(event)
                )
                self.connector.push(outgoing)
            except Later as waits:
                if moment - event.created_at > LONGEST_LATER:
                    # what it waits on was rejected, or handled another way: say so
                    message = f"waited a day: {waits}"
                    settled.add(event, OutboxStatus.REJECTED, message)
                    result.rejected += 1
                    result.problems.append(f"{event.kind} {event.event_id}: {message}")
                else:
                    deferred.append(event)
                continue
            except RetryLater as exc:
                wait = (
                    timedelta(seconds=exc.after) if exc.after else backoff(event.attempts, self.rng)
                )
                settled.add(event, OutboxStatus.PENDING, str(exc), next_at=moment + wait)
                result.waiting = True
                break
            except LogInAgain:
                raise  # the whole round waits for a login, not this event
            except Exception as exc:  # one event's fault (a bug, say) never stops the rest
                message = exc.message if isinstance(exc, Rejected) else f"station error: {exc!r}"
                settled.add(event, OutboxStatus.REJECTED, message)
                result.rejected += 1
                result.problems.append(f"{event.kind} {event.event_id}: {message}")
                continue
            settled.add(event, OutboxStatus.SENT, None, sent_at=utcnow())
            result.sent += 1
        return deferred


def _mark_tried(store: Store, due: list[OutboxEvent], moment: datetime) -> set[int]:
    """Marks, in one write and before any is sent, the events never tried: they are the
    ones whose creates need no lookup first. A crash after this only costs lookups."""
    fresh = [e.seq for e in due if e.tried_at is None]
    with store.unit() as session:
        for first in range(0, len(fresh), SETTLE_BATCH * 10):
            chunk = fresh[first : first + SETTLE_BATCH * 10]
            session.execute(
                update(OutboxEvent).where(OutboxEvent.seq.in_(chunk)).values(tried_at=moment)
            )
    return set(fresh)


class _Settlements:
    """How each event went, written in batches: a crash before a batch is written leaves
    those events pending, and as they were marked tried, they look up before they create."""

    def __init__(self, store: Store, likeness: Callable[[OutboxRecord], Likeness | None]) -> None:
        self.store = store
        self.likeness = likeness
        self.rows: list[dict[str, Any]] = []
        self.sent: list[OutboxEvent] = []  # sent in this round, perhaps not yet written

    def alike(self, event: OutboxEvent) -> int:
        """How many events alike to ``event`` (``Connector.likeness``) were sent before it:
        alike events are about the same subject, so only those are read."""
        likeness = self._likeness(event.kind, event.payload)
        if likeness is None:
            return 0
        with self.store.read() as session:
            about = session.execute(
                select(OutboxEvent.kind, OutboxEvent.payload).where(
                    OutboxEvent.kind == event.kind,
                    OutboxEvent.status == OutboxStatus.SENT,
                    OutboxEvent.subject == event.subject,
                )
            )
            written = sum(1 for kind, payload in about if self._likeness(kind, payload) == likeness)
        unwritten = {row["seq"] for row in self.rows}
        waiting = sum(
            1
            for e in self.sent
            if e.kind == event.kind
            and e.seq in unwritten
            and self._likeness(e.kind, e.payload) == likeness
        )
        return written + waiting

    def _likeness(self, kind: str, payload: dict[str, Any]) -> Likeness | None:
        record = _readable(kind, payload)
        return self.likeness(record) if record is not None else None

    def add(
        self,
        event: OutboxEvent,
        status: OutboxStatus,
        error: str | None,
        *,
        next_at: datetime | None = None,
        sent_at: datetime | None = None,
    ) -> None:
        if status == OutboxStatus.SENT:
            self.sent.append(event)
        self.rows.append(
            {
                "seq": event.seq,
                "status": status,
                "attempts": event.attempts + 1,
                "last_error": error,
                "next_attempt_at": next_at,
                "sent_at": sent_at,
            }
        )
        if len(self.rows) >= SETTLE_BATCH:
            self.write()

    def write(self) -> None:
        if not self.rows:
            return
        with self.store.unit() as session:
            session.execute(update(OutboxEvent), self.rows)
        self.rows = []


def _record(event: OutboxEvent) -> OutboxRecord:
    """The event's record; one an older release wrote without what its record needs now is
    rejected, saying what it lacks."""
    try:
        return read_event(event.kind, event.payload)
    except EventLacks as lacks:
        raise Rejected("Payload", f"{lacks}: an older release") from lacks


def _readable(kind: str, payload: dict[str, Any]) -> OutboxRecord | None:
    """The event's record; None for one an older release wrote without what its record
    needs (its handler rejects it, saying what it lacks)."""
    try:
        return read_event(kind, payload)
    except EventLacks:
        return None


def pending(store: Store) -> int:
    """The events still to send upstream; those only the site's benches take are not."""
    with store.read() as session:
        waiting = select(func.count()).where(
            OutboxEvent.status == OutboxStatus.PENDING, OutboxEvent.kind.not_in(SITE_ONLY)
        )
        return session.scalar(waiting.select_from(OutboxEvent)) or 0
