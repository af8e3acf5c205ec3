"""A step run over and over on a thread of its own, so the bench never waits on a device
or the ERP: the print queue, a serial scanner and the sync cycle each hand one in.

A step that raises is logged and the loop goes on after the usual pause: a bug in one
round must not silently end printing, scanning or syncing for the day. Stopping sets an
event the pause waits on, so a worker between steps ends at once; one busy in a step is
waited for only up to a timeout (the thread is a daemon, and dies with the station).
"""

import logging
import threading
from collections.abc import Callable

# What a step returns: None to pause the usual interval, or the seconds to pause instead.
Step = Callable[[], float | None]


class Worker:
    def __init__(
        self, name: str, step: Step, *, interval: float, log: logging.Logger, failed: str
    ) -> None:
        """``failed`` is what ``log`` says, with the traceback, when a step raises."""
        self.step, self.interval, self.log, self.failed = step, interval, log, failed
        self._stop = threading.Event()
        self._woken = threading.Event()  # set by stop() or wake(): the pause ends
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float) -> bool:
        """Ask the worker to end and wait up to ``timeout``; True if it ended in time (a
        worker never started has nothing to wait for)."""
        self._stop.set()
        self._woken.set()
        if self._thread.ident is not None:
            self._thread.join(timeout)
        return not self._thread.is_alive()

    def wake(self) -> None:
        """Run the next step now, not after the pause (there is work for it: an event
        committed for the site). A wake during a step runs one more step after it."""
        self._woken.set()

    def stopping(self) -> bool:
        """True once ``stop`` was asked: a long step looks at it to end early."""
        return self._stop.is_set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                pause = self.step()
            except Exception:
                self.log.exception(self.failed)
                pause = None
            self._woken.wait(self.interval if pause is None else pause)
            self._woken.clear()
