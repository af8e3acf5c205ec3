"""Pulling from Tryton: the catalogue (``pull_catalogue``), then the work (``pull_work``);
``sync.pull`` applies the pages and stores the cursors.

Per entity a cursor: the newest ``last_modified_at`` seen, read back with an overlap
window (Tryton stamps a row with its transaction's start, so a long transaction can
commit rows older than ones already pulled; notes/tryton.md 7f). A record counts as changed
when it or one it is read with changed (an item's template and GTINs, a shipment's moves);
within one pull, pages follow ``id`` and the cursor's ``last_id`` is stored in
the transaction that applies the page, so a pull cut off resumes where it stopped. A delta
pull reads only what changed.

The overlap reads the same rows again, cycle after cycle while the ERP is busy: a row as
it was last applied by this connector is not applied again (``Applied``), which would
cost the store's one writer and the window's share of the interpreter for nothing.
"""

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from station.recording import utcnow
from sync.connector import Cursor, Page
from sync.tryton.entity import Entity
from sync.tryton.pull_catalogue import ITEMS, LOCATIONS
from sync.tryton.pull_work import RECEIPTS, RETURNS
from sync.tryton.rpc import Client

PAGE = 500
OVERLAP = timedelta(minutes=2)
ENTITIES = (LOCATIONS, ITEMS, RETURNS, RECEIPTS)  # in the order their references need


class Applied:
    """What each row of each entity looked like when last applied, by id: kept as long as
    the connector lives (a new one, after a restart, applies every row once again)."""

    def __init__(self) -> None:
        self._rows: dict[tuple[str, int], int] = {}

    def changed(self, entity: str, rows: list[dict[str, Any]]) -> dict[int, int]:
        """The rows not applied as they are now: their prints, by id."""
        prints = {row["id"]: _print(row) for row in rows}
        return {i: p for i, p in prints.items() if self._rows.get((entity, i)) != p}

    def keep(self, entity: str, prints: dict[int, int]) -> None:
        """Rows applied (their page committed)."""
        self._rows.update(((entity, i), p) for i, p in prints.items())


def _print(row: dict[str, Any]) -> int:
    return hash(json.dumps(row, sort_keys=True, default=str))


def pull_pages(
    client: Client,
    entity: Entity,
    after: Cursor,
    overlap: timedelta,
    counting: bool,
    *,
    last_applied: Applied,
) -> Iterator[Page]:
    """The pages of one pull of ``entity``, then the cursor the next pull starts from."""
    since, last_id, seen_at = after.since, after.last_id, after.pulled_at
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
        applied += len(rows)
        whole = len(rows) < PAGE
        if counting and not whole and total is None:
            total = applied + client.model(entity.model, "search_count", domain())
        prints = last_applied.changed(entity.name, rows)
        fresh = [row for row in rows if row["id"] in prints]
        yield Page(fresh, entity.apply, Cursor(since, last_id, seen_at), None if whole else total)
        last_applied.keep(entity.name, prints)  # back here only once the page is applied
        if whole:
            break
    # The pull is whole. The next starts from what it saw, but never from later than this
    # one started: a row of a lower id that changed meanwhile was behind the pages already
    # read. A pull that resumed one cut off keeps the old start, for the same reason.
    if resuming:
        newest, started = since, seen_at or started
    elif newest is not None:
        newest = min(newest, started)
    yield Page([], entity.apply, Cursor(newest, 0, started))


def _read_back_to(since: datetime, seen_at: datetime | None, overlap: timedelta) -> datetime:
    """Where a pull reads from: a row stamped after ``since`` is new; one stamped before it
    may still have been uncommitted when the last pull read, but only if its transaction
    began less than ``overlap`` before that pull started (``seen_at``). A bulk change long
    past is thus not read again and again."""
    if seen_at is None:
        return since - overlap
    return min(since, seen_at - overlap)
