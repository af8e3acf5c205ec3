"""The exception queue: events the ERP rejected, waiting for a supervisor, and the
conflicts a pull found (the ERP changed what the bench was working on).

A supervisor either sends an event again once the cause is fixed in the ERP (it goes back
to the outbox as new), or marks it handled (it stays on record, with who and why, but is
never sent). Both are audited. The sync engine never blocks behind such an event.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from station.errors import Refusal
from station.operators import Role, SignedIn, require
from station.recording import audit
from station.states import OutboxStatus
from station.store.engine import Store
from station.store.schema import OutboxEvent, SyncConflict


@dataclass(frozen=True)
class RejectedEvent:
    seq: int
    kind: str
    created_at: datetime
    attempts: int
    message: str


def rejected_events(store: Store) -> list[RejectedEvent]:
    with store.read() as session:
        return [
            RejectedEvent(e.seq, e.kind, e.created_at, e.attempts, e.last_error or "")
            for e in session.scalars(
                select(OutboxEvent)
                .where(OutboxEvent.status == OutboxStatus.REJECTED)
                .order_by(OutboxEvent.seq)
            )
        ]


def count_rejected(store: Store) -> int:
    """How many events wait in the exception queue for a supervisor."""
    with store.read() as session:
        waiting = select(func.count()).where(OutboxEvent.status == OutboxStatus.REJECTED)
        return session.scalar(waiting.select_from(OutboxEvent)) or 0


def conflicts(store: Store) -> list[tuple[datetime, str]]:
    """What the ERP changed under the bench's feet, newest first: (when found, what)."""
    with store.read() as session:
        rows = session.scalars(select(SyncConflict).order_by(SyncConflict.id.desc()))
        return [(c.found_at, c.detail) for c in rows]


def send_again(store: Store, seq: int, who: SignedIn | None, bench: str) -> None:
    """The cause is fixed in the ERP: the event goes out again at the next sync."""
    _settle(store, seq, who, bench, status=OutboxStatus.PENDING, action="event_sent_again")


def mark_handled(store: Store, seq: int, who: SignedIn | None, bench: str, why: str) -> None:
    """Dealt with another way: kept on record, never sent."""
    if not why.strip():
        raise Refusal("Say how it was handled: the note stays with the event.")
    _settle(
        store, seq, who, bench, status=OutboxStatus.HANDLED, action="event_handled", why=why.strip()
    )


def _settle(
    store: Store,
    seq: int,
    who: SignedIn | None,
    bench: str,
    *,
    status: OutboxStatus,
    action: str,
    why: str | None = None,
) -> None:
    supervisor = require(who, Role.SUPERVISOR, action="settle an event the ERP rejected")
    with store.unit() as session:
        event = session.get(OutboxEvent, seq)
        if event is None or event.status != OutboxStatus.REJECTED:
            raise Refusal("That event is no longer in the exception queue.")
        audit(
            session,
            bench=bench,
            operator=supervisor.badge,
            action=action,
            subject=event.event_id,
            kind=event.kind,
            rejected_with=event.last_error,
            why=why,
        )
        event.status = status
        if status == OutboxStatus.PENDING:
            event.attempts, event.next_attempt_at = 0, None
