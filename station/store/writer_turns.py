"""The store's writers take turns in the order they asked.

A plain lock lets the thread that just released it take it again before a waiting thread
wakes: the sync, applying a pull a few rows per unit, took unit after unit while the
window's scan waited 30 ms behind them (scan_to_screen). Here a release hands the lock to
the longest waiting thread. Re-entrant, as a unit inside another on one thread must reach
SQLite's own busy timeout and fail there, loudly, not wait here for itself.
"""

import threading
from collections import deque


class WriterTurns:
    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._holder: int | None = None
        self._depth = 0
        self._waiting: deque[tuple[int, threading.Lock]] = deque()

    def acquire(self, timeout: float) -> bool:
        """Taken, or False once ``timeout`` seconds passed with another thread holding it."""
        me = threading.get_ident()
        with self._guard:
            if self._holder == me or (self._holder is None and not self._waiting):
                self._holder = me
                self._depth += 1
                return True
            turn = threading.Lock()
            turn.acquire()
            self._waiting.append((me, turn))
        if turn.acquire(timeout=timeout):
            return True  # handed over: ``release`` made this thread the holder
        with self._guard:
            if (me, turn) in self._waiting:
                self._waiting.remove((me, turn))
                return False
        return True  # handed over between the timeout and the guard

    def release(self) -> None:
        with self._guard:
            self._depth -= 1
            if self._depth:
                return
            if self._waiting:
                self._holder, turn = self._waiting.popleft()
                self._depth = 1
                turn.release()
            else:
                self._holder = None
