"""Serials are unique across the site: each the hub takes in (from the events a bench
posts) is kept under a unique index, one per use (received from a supplier, returned by a
customer). The same serial from another bench is a conflict, both kept for a supervisor:
it is found when the second bench's events arrive, which for a bench that was away is
when it comes back."""

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from hub import conflicts
from station.outbox import EventKind, EventLacks, ReceiptClosed, UnitEvent, read_event
from station.states import SerialUse
from station.store.schema import SUBJECT_LONGEST, SiteSerial

RETURNED_BY = {EventKind.RETURN_RECEIVED, EventKind.UNEXPECTED_RETURN}
CARRIERS = {*RETURNED_BY, EventKind.RECEIPT_CLOSED}  # the kinds that carry serials


def carried(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The serials these events carry, each with its use, event and document, as the hub
    keeps them (``hub.events`` stores them with the events)."""
    return [
        serial
        for row in rows
        for serial in _serials(row)
        if 0 < len(serial["serial"]) <= SUBJECT_LONGEST
    ]


def record_clashes(session: Session, clashed: list[dict[str, Any]], now: datetime) -> int:
    """Of the serials the hub did not keep (held already), those another bench's event
    holds are conflicts; returns how many. A bench's own event, sent again, holds its own."""
    if not clashed:
        return 0
    holders = {
        (held.use, held.serial): held
        for held in session.scalars(
            select(SiteSerial).where(
                tuple_(SiteSerial.use, SiteSerial.serial).in_(
                    [(f["use"], f["serial"]) for f in clashed]
                )
            )
        )
    }
    clashes = 0
    for again in clashed:
        held = holders[(again["use"], again["serial"])]
        if held.bench != again["bench"] and held.event_id != again["event_id"]:
            taken = SiteSerial(**again, taken_at=now)
            conflicts.record_serial(session, taken, held, now)
            clashes += 1
    return clashes


def _serials(row: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The serials an event carries, read as its kind's record; an event this release
    cannot read carries none that it knows of (it is kept all the same)."""
    if row["kind"] not in CARRIERS:
        return  # most events: read no further
    try:
        record = read_event(row["kind"], row["payload"])
    except (KeyError, EventLacks, TypeError, ValueError):
        return
    base = {"bench": row["bench"], "event_id": row["event_id"], "document": row["subject"]}
    if row["kind"] in RETURNED_BY and isinstance(record, UnitEvent) and record.serial:
        yield {**base, "use": SerialUse.RETURNED, "serial": str(record.serial)}
    if isinstance(record, ReceiptClosed):
        for line in record.lines:
            for serial in line.get("serials", []):
                yield {**base, "use": SerialUse.RECEIVED, "serial": str(serial)}
