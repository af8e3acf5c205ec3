"""What waits for a supervisor at any bench of this station, in one queue: returns whose
disposition overrides the rules or writes off a costly unit, lots accepted short of their
shelf life, and receipts whose close is beyond tolerance. A supervisor approves or refuses
each from the supervisor view; the bench reads the answer from the store at its next
scan, so the operator carries on.

Refusing an override puts the unit back on the rules' disposition; refusing a costly
write-off sends the unit to quarantine for a closer look; refusing a short-life lot takes
it off the count, as the clerk's UNDO would, and it goes back to the supplier; refusing a
close keeps the receipt open for a recount, and an approval holds only for the counts it
saw. Every answer is audited.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from station.errors import Refusal
from station.operators import Role, SignedIn, require
from station.receiving.goods import NEEDS_SUPERVISOR
from station.recording import audit
from station.returns.inspection import Inspection
from station.states import ReceiptStatus, UnitStatus
from station.store.engine import Store
from station.store.schema import Photo, Receipt, Received, ReturnUnit

RETURN, SHELF_LIFE, TOLERANCE = "return", "shelf life", "tolerance"
KINDS = (RETURN, SHELF_LIFE, TOLERANCE)
HOLD = "QUARANTINE"  # where a refused write-off goes


@dataclass(frozen=True)
class Waiting:
    kind: str  # RETURN, SHELF_LIFE or TOLERANCE
    key: str  # the unit's id, the received row's, or the receipt's
    bench: str
    operator: str
    since: datetime
    what: str
    # What the supervisor was shown: an answer holds only while it is still so.
    basis: str
    # Another bench's, known from the site's feed: answered through the hub.
    at_hub: bool = False


def waiting(session: Session, inspection: Inspection) -> list[Waiting]:
    """Everything waiting for a supervisor, oldest first."""
    found = [
        Waiting(
            RETURN, unit.id, unit.bench, unit.operator, unit.started_at, f"{unit.sku}: {why}", why
        )
        for unit in session.scalars(
            select(ReturnUnit).where(
                ReturnUnit.status == UnitStatus.OPEN,
                ReturnUnit.disposition.is_not(None),
                ReturnUnit.approved_by.is_(None),
            )
        )
        if (why := inspection.exception(unit)) is not None
    ]
    found += [
        Waiting(
            TOLERANCE, receipt.id, receipt.bench, receipt.operator, receipt.started_at,
            f"{receipt.number or 'blind receipt'} of {receipt.supplier_code}: "
            f"{receipt.close_waits_for}",
            receipt.close_waits_for or "",
        )
        for receipt in session.scalars(
            select(Receipt).where(
                Receipt.status == ReceiptStatus.OPEN,
                Receipt.close_waits_for.is_not(None),
                Receipt.approved_by.is_(None),
            )
        )
    ]  # fmt: skip
    for row, bench in session.execute(
        select(Received, Receipt.bench)
        .join(Receipt, Received.receipt_id == Receipt.id)
        .where(NEEDS_SUPERVISOR)
    ):
        found.append(
            Waiting(
                SHELF_LIFE, str(row.id), bench, row.operator, row.received_at,
                f"{row.sku} lot {row.lot}, best before {row.expiry}: short of its shelf life",
                f"{row.sku} {row.lot} {row.expiry} {row.quantity}",
            )
        )  # fmt: skip
    return sorted(found, key=lambda w: w.since)


def answer(
    store: Store,
    inspection: Inspection,
    item: Waiting,
    who: SignedIn | None,
    *,
    approve: bool,
    at_bench: str,
) -> str:
    """Approve or refuse ``item``; returns what was done, in words."""
    supervisor = require(who, Role.SUPERVISOR, action="answer an approval")
    with store.unit() as session:
        if item.kind == RETURN:
            said = _answer_return(session, inspection, item, supervisor, approve)
        elif item.kind == TOLERANCE:
            said = _answer_close(session, item, supervisor, approve)
        else:
            said = _answer_lot(session, item, supervisor, approve)
        audit(
            session,
            bench=at_bench,
            operator=supervisor.badge,
            action="approved" if approve else "refused",
            subject=item.key,
            what=item.what,
            from_bench=item.bench,
        )
    return said


def _answer_return(
    session: Session, inspection: Inspection, item: Waiting, who: SignedIn, approve: bool
) -> str:
    unit = session.get(ReturnUnit, item.key)
    if unit is None or unit.status != UnitStatus.OPEN or unit.approved_by is not None:
        raise Refusal("That return no longer waits: the bench has moved on.")
    if inspection.exception(unit) != item.basis:
        raise Refusal("That return changed since it was shown: look at the queue again.")
    if approve:
        unit.approved_by = who.badge
        return f"Approved: {item.what}. The bench may record it."
    if unit.disposition != unit.suggested_disposition and unit.suggested_disposition:
        unit.disposition = unit.suggested_disposition
        unit.disposition_trace = [s for s in unit.disposition_trace if s["rule"] != "override"]
        back = "back to the rules' disposition"
    else:
        unit.disposition = HOLD
        unit.approved_by = who.badge  # the supervisor's own decision
        back = "to quarantine for a closer look"
    unit.destination = inspection.pack.dispositions[unit.disposition].destination
    return f"Refused: {item.what}. The unit goes {back} ({unit.disposition})."


def _answer_close(session: Session, item: Waiting, who: SignedIn, approve: bool) -> str:
    receipt = session.get(Receipt, item.key)
    if receipt is None or receipt.status != ReceiptStatus.OPEN or receipt.approved_by is not None:
        raise Refusal("That receipt no longer waits: the bench has moved on.")
    if receipt.close_waits_for != item.basis:
        raise Refusal("That receipt's counts changed since they were shown: look again.")
    if approve:
        receipt.approved_by = who.badge
        return f"Approved: {item.what}. The clerk scans CLOSE to close it."
    receipt.close_waits_for = None
    return f"Refused: {item.what}. The receipt stays open for a recount."


def _answer_lot(session: Session, item: Waiting, who: SignedIn, approve: bool) -> str:
    row = session.get(Received, int(item.key))
    if row is None or row.accepted_by is not None or not row.short_life:
        raise Refusal("That lot no longer waits: the bench has moved on.")
    if f"{row.sku} {row.lot} {row.expiry} {row.quantity}" != item.basis:
        raise Refusal("That lot changed since it was shown: look at the queue again.")
    if approve:
        row.accepted_by = who.badge
        return f"Accepted: {item.what}."
    session.execute(delete(Photo).where(Photo.received_id == row.id))
    session.delete(row)
    return f"Refused: {item.what}. Taken off the count: it goes back to the supplier."
