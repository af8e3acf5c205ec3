"""The site's claims, kept at the hub: one bench at a time works an RMA line or an
expected receipt.

Each bench puts its claims whole (``station.site_claims``): a subject no bench holds is
granted; one the bench holds is renewed; one another bench holds is taken over when the
bench's supervisor said so, and otherwise is a clash, recorded once as a conflict between
the two benches for a supervisor (the late bench keeps its work: nothing is overwritten
or lost). A subject the bench no longer lists is released, and a claim not listed for a
``LEASE`` ends, so a bench that died holds nothing for long.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from hub import conflicts
from hub.feed import STAMP, stamp
from station.outbox import EventKind, EventLacks, ReturnReceived, read_event
from station.site_claims import LEASE, Claimed, line_subject
from station.store.schema import SiteClaim

LAPSED = "its lease ran out"
DONE = "the bench finished or undid the work"


def put_claims(session: Session, claimed: Claimed, now: datetime) -> list[conflicts.Clash]:
    """The bench's claims as they stand now; returns the clashes found."""
    _end_lapsed(session, now)
    listed = {claim["subject"]: claim for claim in claimed.claims}
    holding = {
        row.subject: row
        for row in session.scalars(
            select(SiteClaim)
            .where(
                SiteClaim.released_at.is_(None),
                (SiteClaim.bench == claimed.bench) | SiteClaim.subject.in_(list(listed)),
            )
            .with_for_update()
        )
    }
    changed: list[SiteClaim] = []
    clashes = []
    for subject, claim in listed.items():
        held = holding.get(subject)
        if held is not None and held.bench == claimed.bench:
            held.renewed_at = now  # a renewal: the feed need not carry it
            continue
        if held is not None and not claim["over"]:
            clashes.append(conflicts.Clash(subject, held.bench, held.operator))
            continue
        if held is not None:  # a supervisor at this bench took it over
            held.released_at, held.released_why = now, f"taken over at {claimed.bench}"
            changed.append(held)
            session.flush()
        if not _grant(session, claimed.bench, claim, now):
            clashes.append(_holder(session, subject))  # another bench's put, an instant before
    for subject, held in holding.items():
        if held.bench == claimed.bench and subject not in listed:
            held.released_at, held.released_why = now, DONE
            changed.append(held)
    stamp(session, SiteClaim, changed)
    for clash in clashes:
        conflicts.record(session, claimed.bench, clash, now)
    return clashes


def _grant(session: Session, bench: str, claim: dict[str, Any], now: datetime) -> bool:
    """A new claim, unless the subject is held: the unique index on holding claims decides
    between two benches putting at once, not a read before the write."""
    granted = session.scalar(
        insert(SiteClaim)
        .values(
            subject=claim["subject"], bench=bench, operator=claim["operator"],
            since=claim["since"], renewed_at=now, txid=STAMP,
        )
        .on_conflict_do_nothing(
            index_elements=["subject"], index_where=SiteClaim.released_at.is_(None)
        )
        .returning(SiteClaim.id)
    )  # fmt: skip
    return granted is not None


def _holder(session: Session, subject: str) -> conflicts.Clash:
    held = session.scalars(
        select(SiteClaim).where(SiteClaim.subject == subject, SiteClaim.released_at.is_(None))
    ).one()
    return conflicts.Clash(subject, held.bench, held.operator)


def _end_lapsed(session: Session, now: datetime) -> None:
    session.execute(
        update(SiteClaim)
        .where(SiteClaim.released_at.is_(None), SiteClaim.renewed_at < now - LEASE)
        .values(released_at=now, released_why=LAPSED, txid=STAMP)
    )


def worked_lines(rows: list[dict[str, Any]]) -> list[str]:
    """The RMA lines these events record units on."""
    return sorted({subject for row in rows if (subject := _line(row))})


def check_work(session: Session, rows: list[dict[str, Any]], now: datetime) -> int:
    """Units on an RMA line that these events record, checked against the claims: a bench
    that worked a line while another bench held it, and finished before it came back (so
    it never listed the claim), is a conflict too, recorded once. Returns how many."""
    worked = [(row["bench"], subject, row["created_at"]) for row in rows if (subject := _line(row))]
    if not worked:
        return 0
    claims: dict[str, list[SiteClaim]] = {}
    for claim in session.scalars(
        select(SiteClaim).where(SiteClaim.subject.in_({subject for _, subject, _ in worked}))
    ):  # one read for the batch, not one a unit: a batch holds up to 500 events
        claims.setdefault(claim.subject, []).append(claim)
    found = 0
    for bench, subject, at in worked:
        held = next(
            (
                c
                for c in claims.get(subject, [])
                if c.bench != bench
                and c.since <= at
                and (c.released_at is None or c.released_at >= at)
            ),
            None,
        )
        if held is not None:
            conflicts.record(
                session, bench, conflicts.Clash(subject, held.bench, held.operator), now
            )
            found += 1
    return found


def _line(row: dict[str, Any]) -> str | None:
    """The RMA line a unit's receipt names, if the event is one this release can read."""
    if row["kind"] != EventKind.RETURN_RECEIVED:
        return None
    try:
        record = read_event(row["kind"], row["payload"])
    except (KeyError, EventLacks, TypeError, ValueError):
        return None  # a payload this release cannot read names no line it knows
    if not isinstance(record, ReturnReceived) or record.line is None:
        return None
    return line_subject(record.rma, record.line)
