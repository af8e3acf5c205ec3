"""The print queue: label jobs in the store, sent to the bench's printer one at a time.

A job whose data no label can carry (a wrong check digit, say) is ``failed`` with the
reason, and the queue goes on. A job stays ``queued`` while its printer cannot be
reached, with the reason and the time of the next try (doubling, up to five minutes), so
it survives restarts and the bench shows why it waits. A job is marked ``sending`` on
disk before its bytes go out, and the store is not locked while they do. A job whose
sending broke off part way, or that was ``sending`` when the station stopped, is
``unsure``: it may have printed, so only a person can send it again (an audited reprint).
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from devices.printers import NotSent, Printer, Unsure
from station.recording import utcnow
from station.store.engine import Store
from station.store.schema import LabelJob
from station.worker import Worker

log = logging.getLogger("station.devices.printing")
Renderer = Callable[[LabelJob], bytes]
LONGEST_WAIT = timedelta(minutes=5)


def next_try(attempts: int, now: datetime) -> datetime:
    return now + min(LONGEST_WAIT, timedelta(seconds=2**attempts))


class PrintQueue:
    """One printer's queue. With ``purposes`` it takes only those jobs (a second printer's
    labels); with ``leaving`` it takes every job but those (the bench's main printer)."""

    def __init__(
        self,
        store: Store,
        bench: str,
        printer: Printer,
        render: Renderer,
        *,
        purposes: frozenset[str] | None = None,
        leaving: frozenset[str] = frozenset(),
    ) -> None:
        self.store, self.bench, self.printer, self.render = store, bench, printer, render
        self.mine = (
            LabelJob.template.in_(purposes)
            if purposes is not None
            else LabelJob.template.not_in(leaving)
        )

    def run_once(self, now: datetime | None = None) -> int:
        """Send every job that is due; returns how many were settled (printed or failed)."""
        moment = now or utcnow()
        with self.store.unit() as session:
            # A job left "sending" by a station that stopped may be on paper already.
            for stranded in session.scalars(
                select(LabelJob).where(
                    LabelJob.bench == self.bench, self.mine, LabelJob.status == "sending"
                )
            ):
                stranded.status = "unsure"
                stranded.last_error = "the station stopped while sending this label"
            due = list(
                session.scalars(
                    select(LabelJob)
                    .where(
                        LabelJob.bench == self.bench,
                        self.mine,
                        LabelJob.status == "queued",
                        or_(LabelJob.next_attempt_at.is_(None), LabelJob.next_attempt_at <= moment),
                    )
                    .order_by(LabelJob.id)
                )
            )
        printed = 0
        for job in due:
            if not self._send(job, moment):
                break  # the printer is away: the jobs behind keep their turn
            printed += 1
        return printed

    def _send(self, job: LabelJob, now: datetime) -> bool:
        try:
            data = self.render(job)
        except ValueError as exc:  # data no label can carry: no retry will help
            self._update(job.id, status="failed", last_error=f"label not made: {exc}")
            return True
        self._update(job.id, status="sending", attempts=job.attempts + 1)
        try:
            self.printer.send(data)
        except NotSent as exc:
            next_at = next_try(job.attempts + 1, now)
            self._update(job.id, status="queued", last_error=str(exc), next_attempt_at=next_at)
            return False
        except Unsure as exc:
            self._update(job.id, status="unsure", last_error=str(exc))
            return False
        self._update(job.id, status="printed", printed_at=now, last_error=None)
        return True

    def _update(self, job_id: int, **values: object) -> None:
        with self.store.unit() as session:
            session.execute(update(LabelJob).where(LabelJob.id == job_id).values(**values))


class PrintWorker:
    """Runs a print queue on a thread of its own, so the bench never waits on a printer.

    ``on_printed`` runs on the worker thread after each round that printed something.
    """

    def __init__(
        self,
        queue: PrintQueue,
        interval: float = 1.0,
        on_printed: Callable[[int], None] = lambda _count: None,
    ) -> None:
        self.queue, self.on_printed = queue, on_printed
        self._worker = Worker(
            "print queue",
            self._round,
            interval=interval,
            log=log,
            failed="print queue round failed",
        )

    def start(self) -> None:
        self._worker.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._worker.stop(timeout)

    def _round(self) -> None:
        printed = self.queue.run_once()
        if printed:
            self.on_printed(printed)
