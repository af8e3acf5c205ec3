"""Pulling from Tryton: the catalogue (``pull_catalogue``), then the work (``pull_work``).

Per entity a cursor: the newest ``last_modified_at`` seen, read back with an overlap
window (Tryton stamps a row with its transaction's start, so a long transaction can
commit rows older than ones already pulled; notes/tryton.md 7f). A record counts as changed
when it or one it is read with changed (an item's template and GTINs, a shipment's moves);
within one pull, pages follow ``id`` and the cursor's ``last_id`` is stored in
the transaction that applies the page, so a pull cut off resumes where it stopped. A delta
pull reads only what changed.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from station.recording import utcnow
from station.store.engine import Store
from station.store.schema import SyncCursor
from sync.tryton.entity import Entity
from sync.tryton.pull_catalogue import ITEMS, LOCATIONS
from sync.tryton.pull_work import RECEIPTS, RETURNS
from sync.tryton.rpc import Client

PAGE = 500
OVERLAP = timedelta(minutes=2)
Progress = Callable[[str, int, int], None]  # entity, rows applied so far, rows in all
ENTITIES = (LOCATIONS, ITEMS, RETURNS, RECEIPTS)  # in the order their references need


@dataclass(frozen=True)
class Pulled:
    entity: str
    rows: int


def pull_all(
    client: Client,
    store: Store,
    progress: Progress | None = None,
    overlap: timedelta = OVERLAP,
) -> list[Pulled]:
    return [_pull(client, store, entity, progress, overlap) for entity in ENTITIES]


def _pull(
    client: Client,
    store: Store,
    entity: Entity,
    progress: Progress | None,
    overlap: timedelta,
) -> Pulled:
    with store.read() as session:
        cursor = session.get(SyncCursor, entity.name)
        since, last_id, seen_at = (
            (cursor.since, cursor.last_id, cursor.pulled_at) if cursor else (None, 0, None)
        )
    resuming = last_id > 0
    started = utcnow()  # the server runs on UTC: the overlap window absorbs clock skew
    newest = since
    applied = 0
    total: int | None = None  # counted once a pull proves longer than a page

    def domain() -> list[Any]:
        found: list[Any] = [["id", ">", last_id], *entity.scope]
        if since is not None:
            found.append(entity.changed(_read_back_to(since, seen_at, overlap)))
        return found

    while True:
        rows = client.model(
            entity.model, "search_read", domain(), 0, PAGE, [["id", "ASC"]], list(entity.fields)
        )
        if not rows:
            break
        for row in rows:
            newest = max([stamp for stamp in [newest, *entity.stamps(row)] if stamp is not None])
        last_id = rows[-1]["id"]
        with store.unit() as session:
            entity.apply(session, rows)
            session.merge(SyncCursor(entity=entity.name, since=since, last_id=last_id))
        applied += len(rows)
        if len(rows) < PAGE:
            break
        if progress is not None:
            if total is None:
                total = applied + client.model(entity.model, "search_count", domain())
            progress(entity.name, applied, max(total, applied))
    if progress is not None and total is not None:
        progress(entity.name, applied, applied)  # done: the bar goes
    # The pull is whole. The next starts from what it saw, but never from later than this
    # one started: a row of a lower id that changed meanwhile was behind the pages already
    # read. A pull that resumed one cut off keeps the old start, for the same reason.
    if resuming:
        newest, started = since, seen_at or started
    elif newest is not None:
        newest = min(newest, started)
    with store.unit() as session:
        session.merge(SyncCursor(entity=entity.name, since=newest, last_id=0, pulled_at=started))
    return Pulled(entity.name, applied)


def _read_back_to(since: datetime, seen_at: datetime | None, overlap: timedelta) -> datetime:
    """Where a pull reads from: a row stamped after ``since`` is new; one stamped before it
    may still have been uncommitted when the last pull read, but only if its transaction
    began less than ``overlap`` before that pull started (``seen_at``). A bulk change long
    past is thus not read again and again."""
    if seen_at is None:
        return since - overlap
    return min(since, seen_at - overlap)
