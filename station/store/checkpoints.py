"""The window's write-ahead log folded back into the database on a thread of its own.

SQLite checkpoints at the commit that takes the log past 1,000 pages, in the thread that
commits; at the bench that is the window's thread, which then froze for up to 80 ms once
every few dozen scans while the database file was written and synced. The window opens
its store with ``checkpoints_aside`` and this thread checkpoints once a second instead,
PASSIVE: it never waits on a writer, nor makes one wait (sqlite.org/wal.html, 4).
"""

import logging

from sqlalchemy.exc import SQLAlchemyError

from station.store.engine import Store
from station.worker import Worker

log = logging.getLogger("station.store")
EVERY_S = 1.0
STOP_S = 10.0  # a checkpoint of a local file takes milliseconds; this guards a stuck disk


class Checkpointer:
    """Checkpoints ``store`` every ``every_s`` seconds from ``start()`` to ``stop()``."""

    def __init__(self, store: Store, every_s: float = EVERY_S) -> None:
        self._store = store
        self._failing = False
        self._worker = Worker(
            "store checkpoint", self._fold, interval=every_s, log=log, failed="checkpoint failed"
        )

    def start(self) -> None:
        self._worker.start()

    def stop(self) -> None:
        """Returns once no checkpoint runs: the store may close."""
        self._worker.stop(STOP_S)

    def _fold(self) -> None:
        try:
            self._store.checkpoint()
        except SQLAlchemyError:  # the log only grows meanwhile; the next try may do
            if not self._failing:  # once, not every second
                log.exception("the store's write-ahead log cannot be checkpointed")
            self._failing = True
            return
        if self._failing:
            log.info("the store's write-ahead log is checkpointed again")
        self._failing = False
