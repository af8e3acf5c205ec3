"""Writing bench facts: the scan log, the audit trail, outbox events and label jobs.

Each function adds rows to the caller's session; the caller's unit of work commits them
together with the domain rows, so a fact and its event are on disk together or not at all.
"""

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from station.scans import Classified, printable
from station.store.schema import AuditEntry, LabelJob, OutboxEvent, ScanRecord


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def record_scan(
    session: Session,
    classified: Classified,
    *,
    bench: str,
    operator: str | None,
    outcome: str,
    message: str,
    unit_id: str | None = None,
) -> ScanRecord:
    row = ScanRecord(
        at=utcnow(),
        bench=bench,
        operator=operator,
        source=classified.scan.source,
        raw=printable(classified.scan.raw),
        kind=classified.kind.value,
        outcome=outcome,
        message=message,
        unit_id=unit_id,
    )
    session.add(row)
    return row


def audit(
    session: Session, *, bench: str, operator: str, action: str, subject: str, **detail: Any
) -> None:
    session.add(
        AuditEntry(
            at=utcnow(),
            bench=bench,
            operator=operator,
            action=action,
            subject=subject,
            detail=detail,
        )
    )


def emit(session: Session, kind: str, payload: dict[str, Any]) -> OutboxEvent:
    """An outbox event; its UUID is made now and reused on every retry to the ERP."""
    event = OutboxEvent(
        event_id=str(uuid.uuid4()),
        kind=kind,
        payload=payload,
        created_at=utcnow(),
        status="pending",
    )
    session.add(event)
    return event


def queue_label(session: Session, *, bench: str, template: str, data: dict[str, Any]) -> LabelJob:
    job = LabelJob(created_at=utcnow(), bench=bench, template=template, data=data, status="queued")
    session.add(job)
    return job


def last_label(session: Session, bench: str) -> LabelJob | None:
    return session.scalar(
        select(LabelJob).where(LabelJob.bench == bench).order_by(LabelJob.id.desc()).limit(1)
    )
