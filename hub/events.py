"""A bench's events as the hub takes them (read by ``station.site_batch``): stored once
each by UUID, with the serials they carry kept (``hub.serials``) and the RMA lines they
worked checked against the site's claims (``hub.claims``).

One statement takes the batch: it stores the events and their serials, and says which
serials another event holds already and whether another bench ever claimed a line the
batch worked. PostgreSQL runs a statement as one transaction of its own, so that is one
round trip to the database where a transaction took five (begin, events, serials, claims,
commit): under 20 benches' load, each was a wait for two processes to be scheduled, and
they made most of a post's time at the hub.

A clash (a serial or a claimed line, both rare) is recorded as a conflict in a second
transaction. Should the hub stop between the two, the bench, unanswered, sends the batch
again; the statement then stores nothing new, and the clashes are looked for again over
the whole batch (not only what it stored) and recorded once (``hub.conflicts``).
"""

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session, sessionmaker

from hub import claims, serials
from hub.feed import STAMP
from station.site_batch import Batch
from station.store.schema import SiteEvent

# The feed's order, as the ORM's writes stamp it; the only text put into the statement.
_STAMP = STAMP.compile(dialect=postgresql.dialect())  # type: ignore[no-untyped-call]

# Nothing is stored when an event id of the batch is another bench's (``theirs``): the
# batch is refused whole. A serial is kept for an event this bench posted, now or before.
# Rows come back tagged: ``theirs`` (that event, whose), ``stored`` (an event stored now),
# ``kept`` (a serial kept now), ``claimed`` (a line of the batch another bench ever
# claimed).
TAKE = text(f"""
WITH sent AS (
    SELECT * FROM json_to_recordset(CAST(:events AS json)) AS sent(
        place integer, event_id varchar, seq integer, kind varchar, subject varchar,
        payload json, created_at timestamp)
), theirs AS (
    SELECT site_event.event_id, site_event.bench FROM site_event JOIN sent USING (event_id)
    WHERE site_event.bench <> :bench ORDER BY sent.place LIMIT 1
), stored AS (
    INSERT INTO site_event (
        event_id, bench, seq, kind, subject, payload, created_at, received_at, txid)
    SELECT event_id, :bench, seq, kind, subject, payload, created_at, :now, {_STAMP}
    FROM sent WHERE NOT EXISTS (SELECT FROM theirs) ORDER BY place  -- ids in the batch's order
    ON CONFLICT (event_id) DO NOTHING
    RETURNING event_id
), carried AS (
    SELECT * FROM json_to_recordset(CAST(:serials AS json)) AS carried(
        use varchar, serial varchar, event_id varchar, document varchar)
), kept AS (
    INSERT INTO site_serial (use, serial, bench, event_id, document, taken_at, txid)
    SELECT use, serial, :bench, event_id, document, :now, {_STAMP}
    FROM carried WHERE NOT EXISTS (SELECT FROM theirs) AND (
        event_id IN (SELECT event_id FROM stored)
        OR EXISTS (
            SELECT FROM site_event
            WHERE site_event.event_id = carried.event_id AND site_event.bench = :bench))
    ON CONFLICT ON CONSTRAINT uq_site_serial_use DO NOTHING
    RETURNING use, serial
)
SELECT 'theirs', event_id, bench FROM theirs
UNION ALL SELECT 'stored', event_id, NULL FROM stored
UNION ALL SELECT 'kept', use, serial FROM kept
UNION ALL (
    SELECT DISTINCT 'claimed', subject, NULL FROM site_claim
    WHERE subject = ANY(CAST(:lines AS varchar[])) AND bench <> :bench
)
""")


class NotYours(Exception):
    """An event in the batch (the one at ``place``) is another bench's."""

    def __init__(self, message: str, place: int) -> None:
        super().__init__(message)
        self.place = place


@dataclass(frozen=True)
class Taken:
    events: int  # acknowledged: stored now or before
    new: int  # stored by this post


def take(engine: Engine, sessions: sessionmaker[Session], batch: Batch, now: datetime) -> Taken:
    """Stores the batch's events not stored yet and keeps the serials they carry, in one
    statement on ``engine`` (autocommit); records the clashes found in a transaction of
    ``sessions``. An event id another bench posted refuses the whole batch (``NotYours``)
    with nothing stored (but for one posted at the same instant: ``_raced``)."""
    rows, carried = batch.rows, serials.carried(batch.rows)
    lines = claims.worked_lines(rows)
    with engine.connect() as connection:
        found = connection.execute(
            TAKE,
            {
                "events": json.dumps([_sent(place, row) for place, row in enumerate(rows)]),
                "serials": json.dumps([_carried(serial) for serial in carried]),
                "lines": lines, "bench": batch.bench, "now": now,
            },
        ).all()  # fmt: skip
    said: dict[str, list[tuple[str, str | None]]] = {}
    for tag, one, two in found:
        said.setdefault(tag, []).append((one, two))
    ids = [row["event_id"] for row in rows]
    theirs = said["theirs"][0] if "theirs" in said else None
    if theirs is None and len(said.get("stored", [])) < len(rows):
        theirs = _raced(engine, batch.bench, ids)
    if theirs is not None:
        event_id, bench = theirs
        raise NotYours(f"event {event_id} was posted by {bench}", ids.index(event_id))
    kept = {(use, serial) for use, serial in said.get("kept", [])}
    clashed = [s for s in carried if (s["use"], s["serial"]) not in kept]
    if clashed or "claimed" in said:
        with sessions.begin() as session:
            serials.record_clashes(session, clashed, now)
            if "claimed" in said:
                claims.check_work(session, rows, now)
    return Taken(len(rows), len(said.get("stored", [])))


def _raced(engine: Engine, bench: str, ids: list[str]) -> tuple[str, str | None] | None:
    """Of the batch's events not stored now (most often sent again), one another bench
    posted while the statement ran: the statement saw the site as it began, and its insert
    then found the event taken. Its serials were not kept; the rest of the batch was, as
    the bench would send it again without that event."""
    with engine.connect() as connection:
        found = connection.execute(
            select(SiteEvent.event_id, SiteEvent.bench)
            .where(SiteEvent.event_id.in_(ids), SiteEvent.bench != bench)
            .limit(1)
        ).first()
    return None if found is None else (found.event_id, found.bench)


def _sent(place: int, row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "place": place, "created_at": row["created_at"].isoformat()}


def _carried(serial: dict[str, Any]) -> dict[str, Any]:
    return {key: serial[key] for key in ("use", "serial", "event_id", "document")}
