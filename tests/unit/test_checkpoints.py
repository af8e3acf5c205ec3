"""The window's store is checkpointed on a thread of its own, never at a commit."""

import logging
import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from station.store.checkpoints import Checkpointer
from station.store.engine import Store, open_store

PAGE = 4096
SQLITE_THRESHOLD = 1000  # pages: SQLite's own checkpoint runs at the commit past this


def fill(store: Store, pages: int) -> None:
    """Commits about ``pages`` pages of the write-ahead log, a page or so per unit."""
    with store.unit() as session:
        session.execute(text("CREATE TABLE IF NOT EXISTS filler (blob BLOB)"))
    for _ in range(pages):
        with store.unit() as session:
            session.execute(text("INSERT INTO filler VALUES (zeroblob(:size))"), {"size": PAGE})


def test_a_commit_of_the_windows_store_never_checkpoints(tmp_path: Path) -> None:
    store = open_store(tmp_path / "station.db", checkpoints_aside=True)
    try:
        fill(store, 1200)
        frames, folded = store.checkpoint()
    finally:
        store.close()
    # Every frame written since the store opened is still in the log until the thread
    # folds it: no commit did (with SQLite's own, the log restarts past 1,000 pages).
    assert frames > SQLITE_THRESHOLD * 2
    assert folded == frames


def test_any_other_store_checkpoints_as_sqlite_does(tmp_path: Path) -> None:
    store = open_store(tmp_path / "station.db")
    try:
        fill(store, 1200)
        frames, _folded = store.checkpoint()
    finally:
        store.close()
    assert frames < SQLITE_THRESHOLD * 2


def test_the_thread_folds_the_log_and_the_next_write_starts_it_over(tmp_path: Path) -> None:
    store = open_store(tmp_path / "station.db", checkpoints_aside=True)
    checkpoints = Checkpointer(store, every_s=0.01)
    checkpoints.start()
    try:
        fill(store, 1200)
        # A bench writes a few times a second, not without a pause as ``fill`` does: in
        # a pause the thread folds the whole log, and the next unit starts it over.
        threading.Event().wait(0.3)
        fill(store, 1)
        checkpoints.stop()
        frames, folded = store.checkpoint()
    finally:
        checkpoints.stop()
        store.close()
    assert frames < 10
    assert folded == frames


def test_a_failing_checkpoint_is_logged_once_and_its_end_too(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store(tmp_path / "station.db", checkpoints_aside=True)
    tries: list[bool] = []
    mended = threading.Event()
    folds = store.checkpoint

    def on_a_failing_disk() -> tuple[int, int]:
        tries.append(mended.is_set())
        if not mended.is_set():
            raise OperationalError("PRAGMA wal_checkpoint", {}, Exception("disk I/O error"))
        return folds()

    monkeypatch.setattr(store, "checkpoint", on_a_failing_disk)
    checkpoints = Checkpointer(store, every_s=0.005)
    with caplog.at_level(logging.INFO, logger="station.store"):
        checkpoints.start()
        try:
            while len(tries) < 5:
                threading.Event().wait(0.005)
            mended.set()
            while tries.count(True) < 2:
                threading.Event().wait(0.005)
        finally:
            checkpoints.stop()
            store.close()
    said = [record.getMessage() for record in caplog.records]
    assert said.count("the store's write-ahead log cannot be checkpointed") == 1
    assert said.count("the store's write-ahead log is checkpointed again") == 1
