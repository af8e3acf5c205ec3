"""One sync at a time per bench, across processes: the window's worker and a ``station sync
--once`` run beside it would otherwise push the same events at once.

An advisory ``flock`` on a file beside the bench's database; the kernel releases it when
its holder ends, however it ends, so a crash never leaves the bench locked.
"""

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

POLL_S = 0.2


class Busy(Exception):
    """Another process is syncing this bench's data."""


@contextmanager
def sync_lock(folder: Path, wait_s: float = 0.0) -> Iterator[None]:
    """Held for the ``with``; waits up to ``wait_s`` for another holder to finish."""
    deadline = time.monotonic() + wait_s
    with (folder / "sync.lock").open("a") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise Busy(
                        "another process is syncing this bench with the ERP "
                        "(the station window, or station sync --once)"
                    ) from None
                time.sleep(POLL_S)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
