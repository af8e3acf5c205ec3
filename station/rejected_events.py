"""The exception queue: events the ERP rejected, or the site's hub refused, waiting for a
supervisor, and the conflicts a pull found (the ERP changed what the bench was working on).

A supervisor either sends an event again once the cause is fixed (in the ERP; for the hub,
the station's software), or marks it handled (it stays on record, with who and why, but is
never sent there). Both are audited. Neither sync blocks behind such an event.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, select

from station.errors import Refusal
from station.operators import Role, SignedIn, require
from station.recording import audit
from station.states import OutboxStatus, RefusalStatus
from station.store.engine import Store
from station.store.schema import OutboxEvent, SiteRefusal, SyncConflict


class RefusedBy(StrEnum):
    """Who would not take an event: each has its own way to send it again."""

    ERP = "ERP"
    HUB = "site hub"


@dataclass(frozen=True)
class RejectedEvent:
    seq: int
    kind: str
    created_at: datetime
    attempts: int
    message: str
    by: RefusedBy = RefusedBy.ERP


def rejected_events(store: Store) -> list[RejectedEvent]:
    """What waits in the queue, oldest first: the ERP's rejections, the hub's refusals."""
    with store.read() as session:
        erp = [
            RejectedEvent(e.seq, e.kind, e.created_at, e.attempts, e.last_error or "")
            for e in session.scalars(
                select(OutboxEvent)
                .where(OutboxEvent.status == OutboxStatus.REJECTED)
                .order_by(OutboxEvent.seq)
            )
        ]
        hub = [
            RejectedEvent(e.seq, e.kind, e.created_at, r.tries, r.why, RefusedBy.HUB)
            for e, r in session.execute(
                select(OutboxEvent, SiteRefusal)
                .join(SiteRefusal, SiteRefusal.seq == OutboxEvent.seq)
                .where(SiteRefusal.status == RefusalStatus.REFUSED)
                .order_by(OutboxEvent.seq)
            )
        ]
    return erp + hub


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


def count_refused(store: Store) -> int:
    """How many events the site's hub refused wait in the exception queue."""
    with store.read() as session:
        waiting = select(func.count()).where(SiteRefusal.status == RefusalStatus.REFUSED)
        return session.scalar(waiting.select_from(SiteRefusal)) or 0


def send_again(
    store: Store, seq: int, who: SignedIn | None, bench: str, *, by: RefusedBy = RefusedBy.ERP
) -> None:
    """The cause is fixed: the event goes out again at the next sync (or site round)."""
    _settle(store, seq, who, bench, by, again=True)


def mark_handled(
    store: Store,
    seq: int,
    who: SignedIn | None,
    bench: str,
    why: str,
    *,
    by: RefusedBy = RefusedBy.ERP,
) -> None:
    """Dealt with another way: kept on record, never sent."""
    if not why.strip():
        raise Refusal("Say how it was handled: the note stays with the event.")
    _settle(store, seq, who, bench, by, again=False, why=why.strip())


def _settle(
    store: Store,
    seq: int,
    who: SignedIn | None,
    bench: str,
    by: RefusedBy,
    *,
    again: bool,
    why: str | None = None,
) -> None:
    """Sent again or handled, audited: the ERP's rejection on the event itself, the hub's
    refusal on its own row (the event's way to the ERP is untouched by it)."""
    supervisor = require(who, Role.SUPERVISOR, action=f"settle an event the {by} refused")
    with store.unit() as session:
        event = session.get(OutboxEvent, seq)
        refusal = session.get(SiteRefusal, seq) if by is RefusedBy.HUB else None
        waiting = (
            refusal is not None and refusal.status == RefusalStatus.REFUSED
            if by is RefusedBy.HUB
            else event is not None and event.status == OutboxStatus.REJECTED
        )
        if event is None or not waiting:
            raise Refusal("That event is no longer in the exception queue.")
        audit(
            session,
            bench=bench,
            operator=supervisor.badge,
            action="event_sent_again" if again else "event_handled",
            subject=event.event_id,
            kind=event.kind,
            refused_by=by.value,
            rejected_with=refusal.why if refusal is not None else event.last_error,
            why=why,
        )
        if refusal is not None:
            refusal.status = RefusalStatus.AGAIN if again else RefusalStatus.HANDLED
        elif again:
            event.status, event.attempts, event.next_attempt_at = OutboxStatus.PENDING, 0, None
        else:
            event.status = OutboxStatus.HANDLED
