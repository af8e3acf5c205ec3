"""The site's feed: what benches pull down from the hub, by a mark per table, as the ERP
pull goes by a cursor per entity: the other benches' events, and the site's approvals,
operators, claims, conflicts, rule packs and serials as they change.

Rows are read in the order of the hub transaction that last wrote them (``txid``), not of
their ids. PostgreSQL hands out ids as rows are inserted, so a transaction committing
after a bench read may hold a lower id than the rows the bench has, and a mark on ids would
step past it for good. A page holds only rows of transactions older than every one still
running (the horizon: the snapshot's xmin); a transaction still running, or begun later,
has a number at or past it, so nothing can ever appear behind a mark.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import BigInteger, ColumnElement, Text, cast, func, select, tuple_, update
from sqlalchemy.orm import Session

from station.site_batch import Malformed
from station.site_feed import (
    approval_row,
    claim_row,
    conflict_row,
    event_row,
    operator_row,
    rulepack_row,
    serial_row,
)
from station.store.schema import (
    SiteApproval,
    SiteClaim,
    SiteConflict,
    SiteEvent,
    SiteOperator,
    SiteRulepack,
    SiteSerial,
)

MOST_ROWS = 500  # per table per page
# This transaction's number, and the oldest still running (xid8 has no cast to bigint).
STAMP = cast(cast(func.pg_current_xact_id(), Text), BigInteger)
HORIZON = cast(cast(func.pg_snapshot_xmin(func.pg_current_snapshot()), Text), BigInteger)
START = (0, 0)

Mark = tuple[int, int]
Row = TypeVar(
    "Row", SiteEvent, SiteApproval, SiteOperator, SiteClaim, SiteConflict, SiteRulepack,
    SiteSerial,
)  # fmt: skip


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]
    mark: Mark  # where the next page starts
    more: bool  # the page was full: ask again at once


def read_mark(text: str | None) -> Mark:
    """A mark as the feed handed it out ("txid.id"); none is the feed's start."""
    if not text:
        return START
    txid, dot, row = text.partition(".")
    if not (dot and txid.isdigit() and row.isdigit()) or len(text) > 40:
        raise Malformed(f"{text[:40]!r} is not a mark this hub gave")
    return int(txid), int(row)


def mark_text(mark: Mark) -> str:
    return f"{mark[0]}.{mark[1]}"


# Each table of the feed: its rows, and how each goes on the wire (``station.site_feed``).
FEED: dict[str, tuple[Any, Callable[[Any], dict[str, Any]]]] = {
    "events": (SiteEvent, event_row),
    "approvals": (SiteApproval, approval_row),  # the bench's own too: their answers
    "operators": (SiteOperator, operator_row),
    "claims": (SiteClaim, claim_row),
    "conflicts": (SiteConflict, conflict_row),
    "rulepacks": (SiteRulepack, rulepack_row),
    "serials": (SiteSerial, serial_row),
}


def pages(session: Session, bench: str, marks: dict[str, Mark]) -> dict[str, Page]:
    """A page of each table after its mark, all below one horizon; the events are the
    other benches' only (a bench has its own)."""
    horizon = session.execute(select(HORIZON)).scalar_one()
    found = {}
    for name, (table, row_of) in FEED.items():
        mine = (SiteEvent.bench != bench,) if table is SiteEvent else ()
        rows, reached, more = _after(session, table, marks[name], horizon, *mine)
        found[name] = Page([row_of(row) for row in rows], reached, more)
    return found


def stamp(session: Session, table: type[Row], rows: list[Row]) -> None:
    """Marks the rows with this transaction's number, for the feed to carry them down."""
    if rows:
        session.flush()
        ids = [row.id for row in rows]
        session.execute(update(table).where(table.id.in_(ids)).values(txid=STAMP))


def _after(
    session: Session, table: type[Row], mark: Mark, horizon: int, *where: ColumnElement[bool]
) -> tuple[list[Row], Mark, bool]:
    rows = list(
        session.scalars(
            select(table)
            .where(tuple_(table.txid, table.id) > tuple_(*mark), table.txid < horizon, *where)
            .order_by(table.txid, table.id)
            .limit(MOST_ROWS)
        )
    )
    last = rows[-1] if rows else None
    reached = (last.txid or 0, last.id) if last is not None else mark
    return rows, reached, len(rows) == MOST_ROWS
