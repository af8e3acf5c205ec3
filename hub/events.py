"""A bench's events as the hub takes them: read whole and checked before anything is
written, then stored once each by UUID, all in one transaction."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from station.outbox import RECORDS, read_event
from station.store.schema import SiteEvent

MOST_EVENTS = 500  # in one post: a bench back from a day offline sends pages of these
KEY_LONGEST = 40  # a bench id, a kind, a subject: as long as their columns


class Malformed(ValueError):
    """The body is not a batch of this bench's events; says where and why."""


class NotYours(Exception):
    """An event in the batch is another bench's."""


@dataclass(frozen=True)
class Batch:
    bench: str
    rows: list[dict[str, Any]]


@dataclass(frozen=True)
class Taken:
    events: int  # acknowledged: stored now or before
    new: int  # stored by this post


def read_batch(body: Any) -> Batch:
    if not isinstance(body, dict) or set(body) != {"bench", "events"}:
        raise Malformed('the body must be {"bench": …, "events": […]} and nothing else')
    bench, events = body["bench"], body["events"]
    if not isinstance(bench, str) or not 0 < len(bench) <= KEY_LONGEST:
        raise Malformed(f"bench must be a bench id of 1 to {KEY_LONGEST} characters")
    if not isinstance(events, list) or not 0 < len(events) <= MOST_EVENTS:
        raise Malformed(f"events must be a list of 1 to {MOST_EVENTS} events")
    return Batch(bench, [_row(bench, place, event) for place, event in enumerate(events)])


def _row(bench: str, place: int, event: Any) -> dict[str, Any]:
    where = f"event {place}"
    fields = {"event_id", "seq", "kind", "subject", "payload", "created_at"}
    if not isinstance(event, dict) or set(event) != fields:
        raise Malformed(f"{where} must have exactly {', '.join(sorted(fields))}")
    try:
        event_id = str(uuid.UUID(event["event_id"]))
    except (TypeError, ValueError, AttributeError) as exc:
        raise Malformed(f"{where}: event_id is not a UUID") from exc
    seq, kind, subject, payload = event["seq"], event["kind"], event["subject"], event["payload"]
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise Malformed(f"{where}: seq must be a whole number from 1")
    if kind not in RECORDS:
        known = str(kind)[:KEY_LONGEST]
        raise Malformed(f"{where}: {known!r} is not a kind of event this hub knows")
    if subject is not None and (not isinstance(subject, str) or len(subject) > KEY_LONGEST):
        raise Malformed(f"{where}: subject must be text of at most {KEY_LONGEST} characters")
    if not isinstance(payload, dict):
        raise Malformed(f"{where}: payload must be an object")
    try:
        read_event(kind, payload)
    except (KeyError, TypeError, ValueError) as exc:  # EventLacks is a ValueError
        raise Malformed(f"{where}: its payload is not a {kind} event: {exc}") from exc
    try:
        created_at = datetime.fromisoformat(event["created_at"])
    except (TypeError, ValueError) as exc:
        raise Malformed(f"{where}: created_at is not an ISO date and time") from exc
    if created_at.tzinfo is not None:
        raise Malformed(f"{where}: created_at must be in UTC without an offset, as benches write")
    return {
        "event_id": event_id, "bench": bench, "seq": seq, "kind": kind, "subject": subject,
        "payload": payload, "created_at": created_at,
    }  # fmt: skip


def take(session: Session, batch: Batch, now: datetime) -> Taken:
    """Stores the batch's events not stored yet; an event id already taken from another
    bench refuses the whole batch (``NotYours``), which the caller rolls back."""
    rows = [{**row, "received_at": now} for row in batch.rows]
    stored = session.execute(
        insert(SiteEvent)
        .on_conflict_do_nothing(index_elements=["event_id"])
        .returning(SiteEvent.id),
        rows,
    )
    new = len(stored.all())
    if new < len(rows):
        ids = [row["event_id"] for row in rows]
        theirs = session.execute(
            select(SiteEvent.event_id, SiteEvent.bench).where(
                SiteEvent.event_id.in_(ids), SiteEvent.bench != batch.bench
            )
        ).first()
        if theirs is not None:
            raise NotYours(f"event {theirs.event_id} was posted by {theirs.bench}")
    return Taken(len(rows), new)
