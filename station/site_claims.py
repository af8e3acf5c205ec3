"""Claims on the site's work: which bench works an RMA line or an expected receipt.

A bench's claims are not a list it keeps: they are its open work (the open units on an RMA
line, the open receipts against an expected receipt), put to the hub whole whenever they
change and every ``RENEW`` besides, so a claim cannot outlive the work or be forgotten
after a crash. The hub grants, renews and ends them (``hub.claims``); its claims come down
the feed into the bench's replica, which the bench refuses a second start by, offline too.

Offline, a bench starts work on its last copy of the site's claims: provisionally. When
it is back, the hub keeps the claim that came first and records a conflict for the other
bench, both benches' facts kept, for a supervisor in the exception queue. A supervisor at
a bench may take over a claim another bench holds; that is audited here and said to the
hub with the claim (``over``).
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from station.site_batch import MOST_EVENTS, Malformed, is_key, read_list, read_moment
from station.states import ReceiptStatus, UnitStatus
from station.store.schema import (
    SUBJECT_LONGEST,
    AuditEntry,
    Receipt,
    ReturnUnit,
    Rma,
    RmaLine,
    SiteClaim,
)

LEASE = timedelta(minutes=15)  # at the hub: a claim not listed for this long ends
RENEW = timedelta(minutes=5)  # at a bench: its claims are listed at least this often
TAKEN_OVER = "claim_taken_over"  # the audit action of a supervisor's takeover


@dataclass(frozen=True)
class Claimed:
    bench: str
    claims: list[dict[str, Any]]  # subject, operator, since, over


def line_subject(rma_number: str, line_no: int) -> str:
    return f"{rma_number}/{line_no}"


def claims_of(session: Session, bench: str) -> dict[str, Any]:
    """The body a bench puts: its open work on the site's documents, oldest first."""
    lines = session.execute(
        select(Rma.number, RmaLine.line_no, ReturnUnit.operator, ReturnUnit.started_at)
        .join(RmaLine, ReturnUnit.rma_line_id == RmaLine.id)
        .join(Rma, RmaLine.rma_number == Rma.number)
        .where(ReturnUnit.status == UnitStatus.OPEN, ReturnUnit.bench == bench)
    )
    receipts = session.execute(
        select(Receipt.number, Receipt.operator, Receipt.started_at).where(
            Receipt.status == ReceiptStatus.OPEN,
            Receipt.bench == bench,
            Receipt.number.is_not(None),
        )
    )
    taken_over = set(
        session.scalars(
            select(AuditEntry.subject).where(
                AuditEntry.action == TAKEN_OVER, AuditEntry.bench == bench
            )
        )
    )
    work = [(line_subject(n, no), who, at) for n, no, who, at in lines]
    work += [(str(number), who, at) for number, who, at in receipts]
    return {
        "bench": bench,
        "claims": [
            {"subject": s, "operator": who, "since": at.isoformat(), "over": s in taken_over}
            for s, who, at in sorted(work, key=lambda w: w[2])
        ][:MOST_EVENTS],
    }


def read_claims(body: Any) -> Claimed:
    bench, claims = read_list(body, "claims", least=0)
    return Claimed(bench, [_claim(place, claim) for place, claim in enumerate(claims)])


def _claim(place: int, claim: Any) -> dict[str, Any]:
    where = f"claim {place}"
    if not isinstance(claim, dict) or set(claim) != {"subject", "operator", "since", "over"}:
        raise Malformed(f"{where} must have exactly over, operator, since, subject")
    subject = claim["subject"]
    if not (isinstance(subject, str) and 0 < len(subject) <= SUBJECT_LONGEST):
        raise Malformed(f"{where}: subject must be text of 1 to {SUBJECT_LONGEST} characters")
    if "\x00" in subject or not is_key(claim["operator"]) or not isinstance(claim["over"], bool):
        raise Malformed(f"{where}: operator must be a badge, over true or false")
    return {**claim, "since": read_moment(claim["since"], f"{where}: since")}


def held_elsewhere(session: Session, subject: str, bench: str) -> SiteClaim | None:
    """The site's claim on ``subject`` by another bench, as this bench last heard."""
    return session.scalar(
        select(SiteClaim).where(
            SiteClaim.subject == subject,
            SiteClaim.bench != bench,
            SiteClaim.released_at.is_(None),
        )
    )
