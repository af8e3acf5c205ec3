"""A bench's events as the hub takes them (read by ``station.site_batch``): stored once
each by UUID, with the serials they carry checked (``hub.serials``) and the RMA lines
they worked (``hub.claims``), all in one transaction."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from hub import claims
from hub.feed import STAMP
from hub.serials import take_serials
from station.site_batch import Batch
from station.store.schema import SiteEvent


class NotYours(Exception):
    """An event in the batch (the one at ``place``) is another bench's."""

    def __init__(self, message: str, place: int) -> None:
        super().__init__(message)
        self.place = place


@dataclass(frozen=True)
class Taken:
    events: int  # acknowledged: stored now or before
    new: int  # stored by this post


def take(session: Session, batch: Batch, now: datetime) -> Taken:
    """Stores the batch's events not stored yet, and keeps the serials they carry; an
    event id already taken from another bench refuses the whole batch (``NotYours``), which
    the caller rolls back."""
    rows = [{**row, "received_at": now} for row in batch.rows]
    stored = session.execute(
        insert(SiteEvent)
        .values(txid=STAMP)
        .on_conflict_do_nothing(index_elements=["event_id"])
        .returning(SiteEvent.event_id),
        rows,
    )
    new = set(stored.scalars())
    if len(new) < len(rows):
        ids = [row["event_id"] for row in rows]
        theirs = session.execute(
            select(SiteEvent.event_id, SiteEvent.bench).where(
                SiteEvent.event_id.in_(ids), SiteEvent.bench != batch.bench
            )
        ).first()
        if theirs is not None:
            raise NotYours(
                f"event {theirs.event_id} was posted by {theirs.bench}",
                ids.index(theirs.event_id),
            )
    fresh = [row for row in rows if row["event_id"] in new]
    take_serials(session, fresh, now)
    claims.check_work(session, fresh, now)
    return Taken(len(rows), len(new))
