"""The print queue: the bench's label jobs sent to its printer one at a time.

A job's life (queued, sending, printed, unsure, failed, queued again) is
``station.label_jobs``; this module renders a job and moves its bytes. A job whose data no
label can carry is failed with the reason, and the queue goes on. A printer that cannot
be reached keeps the job queued until its next try, and the jobs behind it wait their
turn. The store is not locked while bytes go out. After every try the queue tells how its
printer stood (``Tried``), so the window shows a printer that cannot be reached, and each
job's attempts and last error, as they happen; every failed try is logged.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
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


class PrinterReach(StrEnum):
    """Whether a printer answered the last try at one of its jobs."""

    UNTRIED = "not tried yet"
    TAKING = "taking labels"
    UNREACHABLE = "unreachable"


@dataclass(frozen=True)
class Tried:
    """How a printer stood after a try at one of its jobs."""

    printer: str
    reach: PrinterReach
    why: str  # why it cannot be reached; empty when it can


def _unheard(_tried: Tried) -> None:
    """Nobody listens: a queue run on its own (``station`` commands, tests)."""


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
        self.reach, self.why = PrinterReach.UNTRIED, ""

    def run_once(
        self, now: datetime | None = None, tried: Callable[[Tried], None] = _unheard
    ) -> int:
        """Send every job that is due; returns how many were settled (printed or failed).
        ``tried`` hears after each try, whatever came of it."""
        moment = now or utcnow()
        self._write(label_jobs.strand, self.share)
        settled = 0
        while (job := self._next_due(moment)) is not None:
            sent = self._send(job, moment)
            tried(Tried(self.printer.name, self.reach, self.why))
            if not sent:
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
            self._failed_try(job, f"label not made: {exc}")
            self._write(label_jobs.failed, job.id, f"label not made: {exc}")
            return True
        self._write(label_jobs.claim, job.id)
        try:
            self.printer.send(data)
        except NotSent as exc:
            # The cause in its own words (connection refused, say); the job keeps it all.
            self.reach, self.why = PrinterReach.UNREACHABLE, str(exc.__cause__ or exc)
            self._failed_try(job, str(exc))
            self._write(label_jobs.not_sent, job.id, str(exc), now)
            return False
        except Unsure as exc:
            self.reach, self.why = PrinterReach.TAKING, ""  # it answered, then broke off
            self._failed_try(job, str(exc))
            self._write(label_jobs.unsure, job.id, str(exc))
            return False
        self.reach, self.why = PrinterReach.TAKING, ""
        self._write(label_jobs.printed, job.id, now)
        return True

    def _failed_try(self, job: LabelJob, error: str) -> None:
        log.warning(
            "label job %d (%s) not printed on %s: %s",
            job.id,
            job.template,
            self.printer.name,
            error,
        )

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

    ``on_tried`` runs on the worker thread after each try at a job, printed or not.
    """

    def __init__(
        self,
        queue: PrintQueue,
        interval: float = 1.0,
        on_tried: Callable[[Tried], None] = _unheard,
    ) -> None:
        self.queue, self.on_tried = queue, on_tried
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
        self.queue.run_once(tried=self.on_tried)
