"""The site's wire: a batch of a bench's outbox events as the bench sends it up to the
hub, and as the hub reads it back, checked whole before anything of it is written. Both
ends are here so that they cannot drift apart.

The hub keeps what a bench did, so it checks the batch's shape, not each payload against
this release's records: an event an older release wrote with less in it, or a newer one
of a kind this hub does not know yet, is still a fact of that bench. Refusing it would
stop the bench's replication behind it for good. An event the hub cannot take (a key too
long for its column, another bench's id) refuses its batch, and the refusal names the
event (``place``): the bench puts that one in its exception queue and sends the rest.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from station.store.schema import OutboxEvent

MOST_EVENTS = 500  # in one post: a bench back from a day offline sends pages of these
KEY_LONGEST = 40  # a bench id, a kind, a subject: as long as their columns
HIGHEST_SEQ = 2**31 - 1  # the hub's column: PostgreSQL's integer


class Malformed(ValueError):
    """The body is not a batch of this bench's events; says where and why. ``place``: the
    event of the batch at fault, when one is (the rest of the batch was not at fault)."""

    def __init__(self, message: str, place: int | None = None) -> None:
        super().__init__(message)
        self.place = place


@dataclass(frozen=True)
class Batch:
    bench: str
    rows: list[dict[str, Any]]


def read_list(body: Any, field: str, *, least: int = 1) -> tuple[str, list[Any]]:
    """A bench's body, ``{"bench": …, field: […]}`` and nothing else: the bench's id and
    the list, of ``least`` to ``MOST_EVENTS`` items, each still to be read."""
    if not isinstance(body, dict) or set(body) != {"bench", field}:
        raise Malformed(f'the body must be {{"bench": …, "{field}": […]}} and nothing else')
    bench, items = body["bench"], body[field]
    if not is_key(bench):
        raise Malformed(f"bench must be a bench id of 1 to {KEY_LONGEST} characters")
    if not isinstance(items, list) or not least <= len(items) <= MOST_EVENTS:
        raise Malformed(f"{field} must be a list of {least} to {MOST_EVENTS}")
    return bench, items


def read_batch(body: Any) -> Batch:
    bench, events = read_list(body, "events")
    return Batch(bench, [_row(bench, place, event) for place, event in enumerate(events)])


def _row(bench: str, place: int, event: Any) -> dict[str, Any]:
    try:
        return _read_event(bench, f"event {place}", event)
    except Malformed as exc:
        raise Malformed(str(exc), place) from exc


def _read_event(bench: str, where: str, event: Any) -> dict[str, Any]:
    fields = {"event_id", "seq", "kind", "subject", "payload", "created_at"}
    if not isinstance(event, dict) or set(event) != fields:
        raise Malformed(f"{where} must have exactly {', '.join(sorted(fields))}")
    try:
        event_id = str(uuid.UUID(event["event_id"]))
    except (TypeError, ValueError, AttributeError) as exc:
        raise Malformed(f"{where}: event_id is not a UUID") from exc
    seq, kind, subject, payload = event["seq"], event["kind"], event["subject"], event["payload"]
    if not isinstance(seq, int) or isinstance(seq, bool) or not 1 <= seq <= HIGHEST_SEQ:
        raise Malformed(f"{where}: seq must be a whole number from 1 to {HIGHEST_SEQ}")
    if not is_key(kind):
        raise Malformed(f"{where}: kind must be text of 1 to {KEY_LONGEST} characters")
    if subject is not None and not is_key(subject):
        raise Malformed(f"{where}: subject must be text of 1 to {KEY_LONGEST} characters")
    if not isinstance(payload, dict):
        raise Malformed(f"{where}: payload must be an object")
    if payload.get("bench", bench) != bench:
        raise Malformed(f"{where}: its payload is {payload['bench']!r}'s, not {bench}'s")
    created_at = read_moment(event["created_at"], f"{where}: created_at")
    return {
        "event_id": event_id, "bench": bench, "seq": seq, "kind": kind, "subject": subject,
        "payload": payload, "created_at": created_at,
    }  # fmt: skip


def read_moment(value: Any, what: str) -> datetime:
    """A time as benches write it: ISO, in UTC without an offset."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise Malformed(f"{what} is not an ISO date and time") from exc
    if moment.tzinfo is not None:
        raise Malformed(f"{what} must be in UTC without an offset, as benches write")
    return moment


def is_key(value: Any) -> bool:
    """Text a key column takes: not empty, not too long, no NUL (PostgreSQL refuses it)."""
    return isinstance(value, str) and 0 < len(value) <= KEY_LONGEST and "\x00" not in value


def batch_of(bench: str, events: list[OutboxEvent]) -> dict[str, Any]:
    """The body a bench posts: its events as its outbox holds them, oldest first."""
    return {
        "bench": bench,
        "events": [_sent(e) for e in events],
    }


def _sent(event: OutboxEvent) -> dict[str, Any]:
    return {
        "event_id": event.event_id, "seq": event.seq, "kind": event.kind,
        "subject": event.subject, "payload": event.payload,
        "created_at": event.created_at.isoformat(),
    }  # fmt: skip
