"""Pulling every entity the upstream offers, page by page, the cursor after a page stored
in the transaction that applies its last rows: a pull cut off (the upstream gone, the
station closed) resumes after the last page it applied whole, and never skips one. A page
is applied a few rows per transaction, as the store has one writer and the bench's scan
waits on it (a page of 24 receipts held it for 100 ms); rows applied again after a crash
mid-page land as they did, as every entity's rows are applied by their keys. What a page
holds and how a cursor is read is the connector's.
"""

from collections.abc import Callable
from dataclasses import dataclass

from station.store.engine import Store
from station.store.schema import SyncCursor
from sync.connector import Connector, Cursor

ROWS_PER_UNIT = 20
Progress = Callable[[str, int, int], None]  # entity, rows applied so far, rows in all


@dataclass(frozen=True)
class Pulled:
    entity: str
    rows: int


def pull_all(connector: Connector, store: Store, progress: Progress | None = None) -> list[Pulled]:
    return [_pull(connector, store, entity, progress) for entity in connector.entities]


def _pull(connector: Connector, store: Store, entity: str, progress: Progress | None) -> Pulled:
    with store.read() as session:
        stored = session.get(SyncCursor, entity)
        after = Cursor(stored.since, stored.last_id, stored.pulled_at) if stored else Cursor()
    applied = 0
    counted = False
    for page in connector.pull(entity, after, counting=progress is not None):
        rows = page.rows
        while len(rows) > ROWS_PER_UNIT:
            with store.unit() as session:
                page.apply(session, rows[:ROWS_PER_UNIT])
            rows = rows[ROWS_PER_UNIT:]
        with store.unit() as session:
            if rows:
                page.apply(session, rows)
            cursor = page.after
            session.merge(
                SyncCursor(
                    entity=entity,
                    since=cursor.since,
                    last_id=cursor.last_id,
                    pulled_at=cursor.pulled_at,
                )
            )
        applied += len(page.rows)
        if progress is not None and page.total is not None:
            counted = True
            progress(entity, applied, max(page.total, applied))
    if progress is not None and counted:
        progress(entity, applied, applied)  # done: the bar goes
    return Pulled(entity, applied)
