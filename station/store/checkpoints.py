"""The window's write-ahead log folded back into the database on a thread of its own.

SQLite checkpoints at the commit that takes the log past 1,000 pages, in the thread that
commits; at the bench that is the window's thread, which then froze for up to 80 ms once
every few dozen scans while the database file was written and synced. The window opens
its store with ``checkpoints_aside`` and this thread checkpoints once a second instead,
PASSIVE: it never waits on a writer, nor makes one wait (sqlite.org/wal.html, 4).
"""

import logging
import threading

from sqlalchemy.exc import SQLAlchemyError

from station.store.engine import Store

log = logging.getLogger("station.store")
EVERY_S = 1.0


class Checkpointer:
    """Checkpoints ``store`` every ``every_s`` seconds from ``start()`` to ``stop()``."""

    def __init__(self, store: Store, every_s: float = EVERY_S) -> None:
        self._store = store
        self._every_s = every_s
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="store checkpoint", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Returns once no checkpoint runs: the store may close. A checkpoint of a local
        file takes milliseconds; the deadline only guards against a stuck disk."""
        self._stopping.set()
        if self._thread.ident is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        failing = False
        while not self._stopping.wait(self._every_s):
            try:
                self._store.checkpoint()
            except SQLAlchemyError:  # the log only grows meanwhile; the next try may do
                if not failing:  # once, not every second
                    log.exception("the store's write-ahead log cannot be checkpointed")
                failing = True
                continue
            if failing:
                log.info("the store's write-ahead log is checkpointed again")
            failing = False
