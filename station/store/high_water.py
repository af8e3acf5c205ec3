"""The store's high-water mark: the last outbox event, scan and audit entry ever committed,
kept in a small file beside the database where a lost write-ahead log cannot take it along.

SQLite drops a WAL's frames from the first bad checksum on, committed or not, and opens as
if they had never been; a bit flipped in the WAL thus loses acknowledged returns without a
word. After each unit of work that wrote such rows, their ids are written to the mark file
and synced (measured on ext4: 0.15 ms median, 0.3 ms at the 90th percentile, beside the
1 to 4 ms of the commit it follows); at open, a store whose rows end below its mark has
lost committed work.
"""

import json
import logging
import os
import threading
from pathlib import Path

from sqlalchemy import Connection

# The tables whose ids only grow: nothing the station does deletes their rows.
TABLES = {"outbox": "seq", "scan": "id", "audit": "id"}
WRITTEN = "station_high_water"  # session.info key: the ids a unit of work wrote
_SIZE = 128  # the mark is rewritten in place, within one disk sector
log = logging.getLogger("station.store")


def mark_file(database: Path) -> Path:
    return database.with_name(f"{database.name}-mark")


def wrote(info: dict[str, object], table: str, row_id: int) -> None:
    """Note in a session's ``info`` that its unit wrote row ``row_id`` of ``table``."""
    written = info.setdefault(WRITTEN, {})
    assert isinstance(written, dict)
    written[table] = max(row_id, written.get(table, 0))


def read(database: Path) -> dict[str, int] | None:
    """The mark as last written, or None when there is none (a new or an older store)."""
    try:
        marked: dict[str, int] = json.loads(mark_file(database).read_bytes())
    except FileNotFoundError:
        return None
    return marked


def highest(connection: Connection) -> dict[str, int]:
    """The last id of each table as the store has it now."""
    return {
        table: connection.exec_driver_sql(f"SELECT coalesce(max({key}), 0) FROM {table}").scalar()
        or 0
        for table, key in TABLES.items()
    }


def behind(marked: dict[str, int], now: dict[str, int]) -> dict[str, tuple[int, int]]:
    """Each table whose rows end below the mark: (last id in the store, last id marked)."""
    return {
        table: (now[table], marked.get(table, 0))
        for table in TABLES
        if now[table] < marked.get(table, 0)
    }


class HighWater:
    """The mark file of one open store, raised after each commit that wrote marked rows."""

    def __init__(self, database: Path, start: dict[str, int]) -> None:
        self._marked = dict(start)
        self._lock = threading.Lock()
        self._fd = os.open(mark_file(database), os.O_RDWR | os.O_CREAT, 0o644)
        self._write()

    def reach(self, written: dict[str, int]) -> None:
        with self._lock:
            raised = {t: max(i, self._marked.get(t, 0)) for t, i in written.items()}
            if all(self._marked.get(t) == i for t, i in raised.items()):
                return
            self._marked.update(raised)
            try:
                self._write()
            except OSError:  # the unit is committed all the same: it must not read as failed
                log.exception("the store's high-water mark could not be written")

    def _write(self) -> None:
        # Another process on the same store (``station sync --once`` beside the window) may
        # have marked higher: a mark never goes down.
        stored = os.pread(self._fd, _SIZE, 0).strip()
        for table, row_id in (json.loads(stored) if stored else {}).items():
            self._marked[table] = max(row_id, self._marked.get(table, 0))
        text = json.dumps(self._marked, sort_keys=True).encode("ascii")
        os.pwrite(self._fd, text.ljust(_SIZE), 0)
        os.fsync(self._fd)

    def close(self) -> None:
        with self._lock:
            if self._fd >= 0:
                os.close(self._fd)
                self._fd = -1
