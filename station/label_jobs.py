"""The life of a label job, written in one place.

A workflow queues a job by purpose, in the same unit of work as the fact it labels; the
worker of the printer that takes that purpose moves it on, one step per unit of work::

    queued  → sending   claimed, just before its bytes go out: one more attempt
    queued  → failed    no label can carry its data (a wrong check digit): no retry helps
    sending → printed   the printer took it whole
    sending → queued    the printer could not be reached: next try later (2, 4, 8 s…,
                        at most five minutes)
    sending → unsure    the sending broke off part way, or the station stopped during it
    unsure  → queued    a person checked the printer and asks for it again (audited)

Only a person sends an ``unsure`` job again: it may be on paper already. A move from any
other state is refused (ValueError): it would be a bug.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, insert, or_, select, update
from sqlalchemy.orm import Session

from station.recording import utcnow
from station.states import LabelJobState
from station.store.schema import Base, LabelJob

_LABEL = insert(Base.metadata.tables[LabelJob.__tablename__])
LONGEST_WAIT = timedelta(minutes=5)
STRANDED = "the station stopped while sending this label"


def queue_label(session: Session, *, bench: str, template: str, data: dict[str, Any]) -> None:
    """A plain INSERT, like the other bench facts written with a scan (see recording)."""
    session.connection().execute(
        _LABEL,
        {
            "created_at": utcnow(),
            "bench": bench,
            "template": template,
            "data": data,
            "status": LabelJobState.QUEUED,
            "attempts": 0,
        },
    )


def last_label(session: Session, bench: str) -> LabelJob | None:
    return session.scalar(
        select(LabelJob).where(LabelJob.bench == bench).order_by(LabelJob.id.desc()).limit(1)
    )


@dataclass(frozen=True)
class PrinterShare:
    """Which of a bench's jobs one printer takes: with ``purposes`` only those (a second
    printer's labels), else every job but those ``leaving`` (the bench's main printer)."""

    bench: str
    purposes: frozenset[str] | None = None
    leaving: frozenset[str] = frozenset()

    def holds(self) -> ColumnElement[bool]:
        purpose = (
            LabelJob.template.in_(self.purposes)
            if self.purposes is not None
            else LabelJob.template.not_in(self.leaving)
        )
        return (LabelJob.bench == self.bench) & purpose


def strand(session: Session, share: PrinterShare) -> None:
    """Jobs left ``sending`` by a station that stopped may be on paper already: unsure."""
    session.execute(
        update(LabelJob)
        .where(share.holds(), LabelJob.status == LabelJobState.SENDING)
        .values(status=LabelJobState.UNSURE, last_error=STRANDED)
    )


def next_due(session: Session, share: PrinterShare, now: datetime) -> LabelJob | None:
    """The oldest queued job of the share whose next try is not later than ``now``."""
    return session.scalar(
        select(LabelJob)
        .where(
            share.holds(),
            LabelJob.status == LabelJobState.QUEUED,
            or_(LabelJob.next_attempt_at.is_(None), LabelJob.next_attempt_at <= now),
        )
        .order_by(LabelJob.id)
        .limit(1)
    )


def _job(session: Session, job_id: int, state: LabelJobState) -> LabelJob:
    job = session.get(LabelJob, job_id)
    if job is None or job.status is not state:
        raise ValueError(f"label job {job_id} is not {state}")
    return job


def claim(session: Session, job_id: int) -> None:
    """A queued job's bytes are about to go out: one more attempt."""
    job = _job(session, job_id, LabelJobState.QUEUED)
    job.status, job.attempts = LabelJobState.SENDING, job.attempts + 1


def printed(session: Session, job_id: int, now: datetime) -> None:
    job = _job(session, job_id, LabelJobState.SENDING)
    job.status, job.printed_at, job.last_error = LabelJobState.PRINTED, now, None


def next_try(attempts: int, now: datetime) -> datetime:
    """Doubling with each attempt, so an offline printer is not hammered; at most five
    minutes, so one switched on again is not waited for long."""
    return now + min(LONGEST_WAIT, timedelta(seconds=2**attempts))


def not_sent(session: Session, job_id: int, error: str, now: datetime) -> None:
    """The printer could not be reached, so nothing went out: queued again for later."""
    job = _job(session, job_id, LabelJobState.SENDING)
    job.status, job.last_error = LabelJobState.QUEUED, error
    job.next_attempt_at = next_try(job.attempts, now)


def unsure(session: Session, job_id: int, error: str) -> None:
    """The sending broke off part way: the label may or may not be on paper."""
    job = _job(session, job_id, LabelJobState.SENDING)
    job.status, job.last_error = LabelJobState.UNSURE, error


def failed(session: Session, job_id: int, error: str) -> None:
    """No label can carry the job's data (a wrong check digit, say): no retry will help."""
    job = _job(session, job_id, LabelJobState.QUEUED)
    job.status, job.last_error = LabelJobState.FAILED, error


def unsure_jobs(session: Session, bench: str) -> list[int]:
    return list(
        session.scalars(
            select(LabelJob.id).where(
                LabelJob.bench == bench, LabelJob.status == LabelJobState.UNSURE
            )
        )
    )


def requeue(session: Session, job_ids: list[int]) -> None:
    """A person checked the printer and found these missing: print them again, now. Jobs
    no longer unsure are left as they are."""
    session.execute(
        update(LabelJob)
        .where(LabelJob.id.in_(job_ids), LabelJob.status == LabelJobState.UNSURE)
        .values(status=LabelJobState.QUEUED, next_attempt_at=None)
    )


def count(session: Session, bench: str, state: LabelJobState) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(LabelJob)
            .where(LabelJob.bench == bench, LabelJob.status == state)
        )
        or 0
    )


def recent(session: Session, bench: str, limit: int) -> list[LabelJob]:
    """The bench's latest jobs, newest first."""
    return list(
        session.scalars(
            select(LabelJob)
            .where(LabelJob.bench == bench)
            .order_by(LabelJob.id.desc())
            .limit(limit)
        )
    )
