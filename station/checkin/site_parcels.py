"""The dock's backlog across the site: parcels checked in and pulled at the site's other
benches, as their events come down the hub's feed, into this bench's ``parcel`` table, so
that every bench pulls from one backlog. A parcel is keyed by its tag, which names the
bench that printed it; a page read again lands as it did."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from station.outbox import (
    EventKind,
    EventLacks,
    ParcelCheckedIn,
    ParcelEvent,
    ParcelPulled,
    read_event,
)
from station.store.schema import Parcel


def keep_parcels(session: Session, events: Iterable[dict[str, Any]]) -> int:
    """The parcel events of a page of the site's feed applied; how many were."""
    kept = 0
    for event in events:
        if event["kind"] not in (EventKind.PARCEL_CHECKED_IN, EventKind.PARCEL_PULLED):
            continue
        try:
            record = read_event(event["kind"], event["payload"])
            at = datetime.fromisoformat(record.at) if isinstance(record, ParcelEvent) else None
        except (EventLacks, KeyError, TypeError, ValueError):
            # Written by a release that wrote less, or garbled: one event must not hold up
            # the site's feed, and the parcel can be checked in again by hand.
            continue
        if isinstance(record, ParcelCheckedIn):
            session.execute(
                insert(Parcel)
                .values(
                    tag=record.tag, scanned=record.scanned, rma_number=record.rma,
                    bench=record.bench, operator=record.operator,
                    arrived_at=at,
                )
                .on_conflict_do_nothing(index_elements=["tag"])
            )  # fmt: skip
        elif isinstance(record, ParcelPulled):
            session.execute(
                update(Parcel)
                .where(Parcel.tag == record.tag, Parcel.pulled_at.is_(None))
                .values(pulled_at=at, pulled_by=record.bench)
            )
        kept += 1
    return kept
