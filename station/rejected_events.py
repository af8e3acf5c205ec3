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
    if by is RefusedBy.HUB:
        _settle_refusal(
            store, seq, who, bench, status=RefusalStatus.AGAIN, action="event_sent_again"
        )
        return
    _settle(store, seq, who, bench, status=OutboxStatus.PENDING, action="event_sent_again")


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
    if by is RefusedBy.HUB:
        _settle_refusal(
            store, seq, who, bench, status=RefusalStatus.HANDLED, action="event_handled",
            why=why.strip(),
        )  # fmt: skip
        return
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


def _settle_refusal(
    store: Store,
    seq: int,
    who: SignedIn | None,
    bench: str,
    *,
    status: RefusalStatus,
    action: str,
    why: str | None = None,
) -> None:
    supervisor = require(who, Role.SUPERVISOR, action="settle an event the site's hub refused")
    with store.unit() as session:
        refusal = session.get(SiteRefusal, seq)
        event = session.get(OutboxEvent, seq)
        if refusal is None or event is None or refusal.status != RefusalStatus.REFUSED:
            raise Refusal("That event is no longer in the exception queue.")
        audit(
            session,
            bench=bench,
            operator=supervisor.badge,
            action=action,
            subject=event.event_id,
            kind=event.kind,
            refused_by=RefusedBy.HUB.value,
            rejected_with=refusal.why,
            why=why,
        )
        refusal.status = status
