"""One sync cycle: pull what changed in the ERP, then push what is due from the outbox.

Shared by ``station sync --once`` and the background worker, which runs it over and over
on a thread of its own and reports the state: online, offline (the ERP cannot be
reached; the station works on), or error (a login refused, events rejected).
"""

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from station.recording import utcnow
from station.store.engine import Store
from sync.pull import Pulled, pull_all
from sync.push import Pushed, Pusher, pending
from sync.rpc import Client, LogInAgain, Rejected, RetryLater

log = logging.getLogger("station.sync")


@dataclass(frozen=True)
class Cycle:
    pulled: list[Pulled]
    pushed: Pushed
    pending: int


@dataclass(frozen=True)
class SyncState:
    state: str  # online, offline, error
    pending: int
    last_sync: datetime | None  # the end of the last cycle that reached the ERP
    detail: str


def run_cycle(client: Client, store: Store, pusher: Pusher | None = None) -> Cycle:
    """Pull, then push. A pull the ERP refuses does not hold back the bench's events; it
    is raised once they are pushed. An ERP that cannot be reached ends the cycle."""
    refused: Rejected | None = None
    pulled: list[Pulled] = []
    try:
        pulled = pull_all(client, store)
    except Rejected as exc:
        refused = exc
    pushed = (pusher or Pusher(client)).push_due(store)
    if refused is not None:
        raise refused
    return Cycle(pulled, pushed, pending(store))


class SyncWorker:
    """Runs a cycle every ``interval`` seconds; ``on_state`` hears how it went (on the
    worker's thread). One request is in flight at a time: cycles never overlap."""

    def __init__(
        self,
        client: Client,
        store: Store,
        on_state: Callable[[SyncState], None],
        interval: float = 30.0,
    ) -> None:
        self.client, self.store, self.on_state, self.interval = client, store, on_state, interval
        self.pusher = Pusher(client)
        self.last_sync: datetime | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="erp sync", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the worker to end; a cycle waiting on the ERP is not waited for long (the
        thread is a daemon, and a page cut off rolls back whole)."""
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.on_state(self.once())
            except Exception:  # even the report failed (the store unreadable): go on
                log.exception("sync state not reported")
            self._stop.wait(self.interval)

    def once(self) -> SyncState:
        try:
            cycle = run_cycle(self.client, self.store, self.pusher)
        except RetryLater as exc:
            return SyncState("offline", pending(self.store), self.last_sync, str(exc))
        except (LogInAgain, Rejected) as exc:
            return SyncState("error", pending(self.store), self.last_sync, str(exc))
        except Exception as exc:  # a bug must not end syncing for the day
            log.exception("sync cycle failed")
            return SyncState("error", pending(self.store), self.last_sync, repr(exc))
        self.last_sync = utcnow()
        if cycle.pushed.waiting:
            return SyncState("offline", cycle.pending, self.last_sync, "the ERP went away")
        if cycle.pushed.rejected:
            detail = f"{cycle.pushed.rejected} event(s) rejected: see the exception queue"
            return SyncState("error", cycle.pending, self.last_sync, detail)
        return SyncState("online", cycle.pending, self.last_sync, "")
