"""The print queue: the bench's label jobs sent to its printer one at a time.

A job's life (queued, sending, printed, unsure, failed, queued again) is
``station.label_jobs``; this module renders a job and moves its bytes. A job whose data no
label can carry is failed with the reason, and the queue goes on. A printer that cannot
be reached keeps the job queued until its next try, and the jobs behind it wait their
turn. The store is not locked while bytes go out.
"""

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Concatenate, ParamSpec

from sqlalchemy.orm import Session

from devices.printers import NotSent, Printer, Unsure
from station import label_jobs
from station.recording import utcnow
from station.store.engine import Store
from station.store.schema import LabelJob
from station.worker import Worker

log = logging.getLogger("station.devices.printing")
Renderer = Callable[[LabelJob], bytes]
Args = ParamSpec("Args")


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
        self.store, self.printer, self.render = store, printer, render
        self.share = label_jobs.PrinterShare(bench, purposes, leaving)

    def run_once(self, now: datetime | None = None) -> int:
        """Send every job that is due; returns how many were settled (printed or failed)."""
        moment = now or utcnow()
        self._write(label_jobs.strand, self.share)
        settled = 0
        while (job := self._next_due(moment)) is not None:
            if not self._send(job, moment):
                break  # the printer is away: the jobs behind keep their turn
            settled += 1
        return settled

    def _next_due(self, now: datetime) -> LabelJob | None:
        with self.store.read() as session:
            return label_jobs.next_due(session, self.share, now)

    def _send(self, job: LabelJob, now: datetime) -> bool:
        try:
            data = self.render(job)
        except ValueError as exc:  # data no label can carry: no retry will help
            self._write(label_jobs.failed, job.id, f"label not made: {exc}")
            return True
        self._write(label_jobs.claim, job.id)
        try:
            self.printer.send(data)
        except NotSent as exc:
            self._write(label_jobs.not_sent, job.id, str(exc), now)
            return False
        except Unsure as exc:
            self._write(label_jobs.unsure, job.id, str(exc))
            return False
        self._write(label_jobs.printed, job.id, now)
        return True

    def _write(
        self,
        step: Callable[Concatenate[Session, Args], None],
        *args: Args.args,
        **kwargs: Args.kwargs,
    ) -> None:
        """Each step of a job on disk in a unit of its own, before the next one starts."""
        with self.store.unit() as session:
            step(session, *args, **kwargs)


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
