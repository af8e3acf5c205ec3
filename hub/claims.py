"""The site's claims, kept at the hub: one bench at a time works an RMA line or an
expected receipt.

Each bench puts its claims whole (``station.site_claims``): a subject no bench holds is
granted; one the bench holds is renewed; one another bench holds is taken over when the
bench's supervisor said so, and otherwise is a clash, recorded once as a conflict between
the two benches for a supervisor (the late bench keeps its work: nothing is overwritten
or lost). A subject the bench no longer lists is released, and a claim not listed for a
``LEASE`` ends, so a bench that died holds nothing for long.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from hub.feed import STAMP, stamp
from station.site_claims import LEASE, Claimed
from station.states import ConflictKind
from station.store.schema import SiteClaim, SiteConflict

LAPSED = "its lease ran out"
DONE = "the bench finished or undid the work"


@dataclass(frozen=True)
class Clash:
    subject: str
    held_by: str  # the bench that holds it
    operator: str


def put_claims(session: Session, claimed: Claimed, now: datetime) -> list[Clash]:
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
            clashes.append(Clash(subject, held.bench, held.operator))
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
        _conflict(session, claimed.bench, clash, now)
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


def _holder(session: Session, subject: str) -> Clash:
    held = session.scalars(
        select(SiteClaim).where(SiteClaim.subject == subject, SiteClaim.released_at.is_(None))
    ).one()
    return Clash(subject, held.bench, held.operator)


def _end_lapsed(session: Session, now: datetime) -> None:
    session.execute(
        update(SiteClaim)
        .where(SiteClaim.released_at.is_(None), SiteClaim.renewed_at < now - LEASE)
        .values(released_at=now, released_why=LAPSED, txid=STAMP)
    )


def _conflict(session: Session, bench: str, clash: Clash, now: datetime) -> None:
    """Recorded once per pair of benches and subject: a bench lists its work every round."""
    detail = (
        f"{clash.subject} was worked at {bench} while {clash.held_by} ({clash.operator}) held "
        f"it: both benches' work is kept; decide which stands and undo the other."
    )
    session.execute(
        insert(SiteConflict)
        .values(
            kind=ConflictKind.CLAIM, subject=clash.subject, bench=bench,
            other_bench=clash.held_by, detail=detail, found_at=now, txid=STAMP,
        )
        .on_conflict_do_nothing(constraint="uq_site_conflict_pair")
    )  # fmt: skip
