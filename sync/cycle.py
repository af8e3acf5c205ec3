"""One sync cycle: pull what changed upstream, then push what is due from the outbox.

Shared by ``station sync --once`` and the background worker, which runs it over and over
on a thread of its own and reports the state (``SyncStatus``). One cycle runs at a time
per bench, across processes (``sync.lock``). The cycle speaks to the upstream only
through its ``Connector``.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from station.errors import KnownError
from station.recording import utcnow
from station.store.engine import Store
from station.worker import Worker
from sync.connector import Connector, LogInAgain, Rejected, RetryLater
from sync.lock import Busy, sync_lock
from sync.pull import Progress, Pulled, pull_all
from sync.push import Pushed, Pusher, pending

log = logging.getLogger("station.sync")


@dataclass(frozen=True)
class Cycle:
    pulled: list[Pulled]
    pushed: Pushed
    pending: int


class SyncStatus(StrEnum):
    """How the last cycle went, as the header's light shows it."""

    ONLINE = "online"
    OFFLINE = "offline"  # the upstream cannot be reached; the station works on
    WAITING = "waiting"  # another process is syncing this bench
    ERROR = "error"  # no password, a login refused, events rejected, a bug


@dataclass(frozen=True)
class SyncState:
    state: SyncStatus
    pending: int
    last_sync: datetime | None  # the end of the last cycle that reached the ERP
    detail: str


def run_cycle(
    pusher: Pusher, store: Store, progress: Progress | None = None, wait_s: float = 0.0
) -> Cycle:
    """Log in, pull, then push. A pull (or login) the upstream refuses does not hold back
    the bench's events; it is raised once they are pushed. An upstream that cannot be
    reached ends the cycle. Raises ``Busy`` when another process holds the bench's sync
    for longer than ``wait_s``."""
    with sync_lock(store.file.parent, wait_s):
        refused: Rejected | None = None
        pulled: list[Pulled] = []
        try:
            pusher.connector.log_in()
            pulled = pull_all(pusher.connector, store, progress)
        except Rejected as exc:
            refused = exc
        pushed = pusher.push_due(store)
        if refused is not None:
            raise refused
        return Cycle(pulled, pushed, pending(store))


class SyncWorker:
    """Runs a cycle every ``interval`` seconds; ``on_state`` hears how it went and
    ``on_progress`` how far a long pull got (both on the worker's thread). One request is
    in flight at a time: cycles never overlap. ``connect`` makes the connector on the
    worker's thread, so that looking the password up (a keyring may wait on an unlock
    prompt) never holds up the window; it is tried again each cycle until it succeeds."""

    def __init__(
        self,
        connect: Callable[[], Connector],
        store: Store,
        on_state: Callable[[SyncState], None],
        interval: float = 30.0,
        on_progress: Progress | None = None,
    ) -> None:
        self.connect, self.store, self.on_state = connect, store, on_state
        self.on_progress = on_progress
        self.pusher: Pusher | None = None
        self.last_sync: datetime | None = None
        # Even the report may fail (the store unreadable): the worker logs it and goes on.
        self._worker = Worker(
            "erp sync", self._report, interval=interval, log=log, failed="sync state not reported"
        )

    def start(self) -> None:
        self._worker.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the worker to end; a cycle waiting on the ERP is not waited for long (the
        thread is a daemon, and a page cut off rolls back whole)."""
        self._worker.stop(timeout)

    def _report(self) -> None:
        self.on_state(self.once())

    def once(self) -> SyncState:
        try:
            if self.pusher is None:
                self.pusher = Pusher(self.connect())
            cycle = run_cycle(self.pusher, self.store, self.on_progress)
        except Busy as exc:
            return SyncState(SyncStatus.WAITING, pending(self.store), self.last_sync, str(exc))
        except KnownError as exc:  # no password yet: said, and asked again next cycle
            return SyncState(SyncStatus.ERROR, pending(self.store), self.last_sync, str(exc))
        except RetryLater as exc:
            return SyncState(SyncStatus.OFFLINE, pending(self.store), self.last_sync, str(exc))
        except (LogInAgain, Rejected) as exc:
            return SyncState(SyncStatus.ERROR, pending(self.store), self.last_sync, str(exc))
        except Exception as exc:  # a bug must not end syncing for the day
            log.exception("sync cycle failed")
            return SyncState(SyncStatus.ERROR, pending(self.store), self.last_sync, repr(exc))
        self.last_sync = utcnow()
        if cycle.pushed.waiting:
            return SyncState(SyncStatus.OFFLINE, cycle.pending, self.last_sync, "the ERP went away")
        if cycle.pushed.rejected:
            detail = f"{cycle.pushed.rejected} event(s) rejected: see the exception queue"
            return SyncState(SyncStatus.ERROR, cycle.pending, self.last_sync, detail)
        return SyncState(SyncStatus.ONLINE, cycle.pending, self.last_sync, "")
