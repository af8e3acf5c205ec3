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
from station.rejected_events import count_rejected
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
    ERROR = "error"  # no password, a login or a pull refused, a bug


@dataclass(frozen=True)
class SyncState:
    state: SyncStatus
    pending: int
    last_sync: datetime | None  # the end of the last cycle that reached the ERP
    detail: str
    # Events the ERP refused: they wait in the exception queue until a supervisor settles
    # them, and are told on every cycle till then, not only on the one that met them.
    rejected: int = 0


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
        status, detail, cycle = self._cycle()
        state = SyncState(
            status, pending(self.store), self.last_sync, detail, count_rejected(self.store)
        )
        log.info("sync cycle: %s", _told(state, cycle))
        return state

    def _cycle(self) -> tuple[SyncStatus, str, Cycle | None]:
        """How the cycle went, why it stopped if it did, and what it did if it ran."""
        try:
            if self.pusher is None:
                self.pusher = Pusher(self.connect())
            cycle = run_cycle(self.pusher, self.store, self.on_progress)
        except Busy as exc:
            return SyncStatus.WAITING, str(exc), None
        except KnownError as exc:  # no password yet: said, and asked again next cycle
            return SyncStatus.ERROR, str(exc), None
        except RetryLater as exc:
            return SyncStatus.OFFLINE, str(exc), None
        except (LogInAgain, Rejected) as exc:
            return SyncStatus.ERROR, str(exc), None
        except Exception as exc:  # a bug must not end syncing for the day
            log.exception("sync cycle failed")
            return SyncStatus.ERROR, repr(exc), None
        self.last_sync = utcnow()
        if cycle.pushed.waiting:
            return SyncStatus.OFFLINE, "the ERP went away", cycle
        # Events the ERP refused are the exception queue's (``SyncState.rejected``): the
        # link itself is online.
        return SyncStatus.ONLINE, "", cycle


def _told(state: SyncState, cycle: Cycle | None) -> str:
    """One line for the bench log: what the cycle did, what waits, and why it stopped."""
    said = []
    if cycle is not None:
        pulled = ", ".join(f"{p.rows} {p.entity}" for p in cycle.pulled) or "nothing"
        pushed = cycle.pushed
        said.append(f"pulled {pulled}; pushed {pushed.sent}, rejected {pushed.rejected}")
        said.extend(pushed.problems)
    said.append(f"{state.pending} pending, {state.rejected} in the exception queue")
    if state.state != SyncStatus.ONLINE:
        said.append(f"{state.state.value}: {state.detail}")
    return "; ".join(said)
