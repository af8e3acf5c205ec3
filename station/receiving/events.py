"""Closing a receipt: the tally against what was expected, and the events for the ERP.

The receipt's lines (with their lots and serials) and its discrepancies (over, short,
unexpected, damaged, short shelf life) go to the outbox in the transaction that closes it.
"""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from station.feedback import Feedback
from station.operators import SignedIn
from station.outbox import CountedLine, Discrepancy, PutAway, ReceiptClosed
from station.receiving.checks import LineCount, by_line_id, tolerance
from station.recording import audit_work, emit, utcnow
from station.states import DiscrepancyKind, LocationKind, ReceiptStatus
from station.store.schema import ExpectedLine, Item, Location, Lpn, Receipt, Received


def counts(session: Session, receipt: Receipt, default_pct: int) -> list[LineCount]:
    """Every expected line, then every item that was not expected, with what was counted."""
    rows = list(session.scalars(select(Received).where(Received.receipt_id == receipt.id)))
    expected: list[ExpectedLine] = list(receipt.expected.lines) if receipt.expected else []
    by_line = by_line_id(rows)
    tally = []
    for line in expected:
        mine = by_line.get(line.id, [])
        tally.append(
            _count(
                session,
                receipt,
                line_id=line.id,
                line_no=line.line_no,
                item=line.item,
                expected=line.quantity,
                rows=mine,
                default_pct=default_pct,
            )
        )
    unexpected = by_line.get(None, [])
    for sku in sorted({r.sku for r in unexpected}):
        mine = [r for r in unexpected if r.sku == sku]
        item = session.get(Item, sku)
        assert item is not None
        tally.append(
            _count(
                session,
                receipt,
                line_no=None,
                item=item,
                expected=0,
                rows=mine,
                default_pct=default_pct,
            )
        )
    return tally


def _count(
    session: Session,
    receipt: Receipt,
    *,
    line_id: int | None = None,
    line_no: int | None,
    item: Item,
    expected: int,
    rows: list[Received],
    default_pct: int,
) -> LineCount:
    return LineCount(
        line_no=line_no,
        sku=item.sku,
        expected=expected,
        received=sum(r.quantity for r in rows if not r.damaged),
        damaged=sum(r.quantity for r in rows if r.damaged),
        tolerance=tolerance(session, receipt.supplier, item, default_pct),
        announced=receipt.number is not None,
        line_id=line_id,
    )


def needing_approval(tally: list[LineCount], *, blind: bool) -> list[str]:
    """What a supervisor must approve before the receipt may close, in words; counted
    blind, without the expected quantities, so a recount cannot aim at them."""
    return [_described(c, blind) for c in tally if c.kind is not None and c.beyond_tolerance]


def _described(count: LineCount, blind: bool) -> str:
    where = f"line {count.line_no} {count.sku}" if count.line_no else f"{count.sku} (unexpected)"
    if blind:
        unexpected = count.kind == DiscrepancyKind.UNEXPECTED
        return f"{where}: {'not expected' if unexpected else 'off the count'}"
    if count.kind == DiscrepancyKind.UNEXPECTED:
        return f"{where}: {count.received} not expected"
    return (
        f"{where}: {count.kind} by {abs(count.difference)} of {count.expected} "
        f"({count.allowed} allowed by the {count.tolerance.source})"
    )


def close_receipt(
    session: Session,
    receipt: Receipt,
    tally: list[LineCount],
    operator: SignedIn,
    approver: SignedIn | None,
) -> Feedback:
    receipt.status, receipt.closed_at = ReceiptStatus.CLOSED, utcnow()
    receipt.approved_by = approver.badge if approver else None
    rows = list(session.scalars(select(Received).where(Received.receipt_id == receipt.id)))
    damaged_at = session.scalar(
        select(Location.code)
        .where(Location.kind == LocationKind.DAMAGED)
        .order_by(Location.code)
        .limit(1)
    )
    discrepancies = _discrepancies(tally, rows, damaged_at)
    by_line = by_line_id(rows)
    emit(
        session,
        ReceiptClosed(
            receipt=receipt.id,
            asn=receipt.number,
            po=receipt.expected.po_number if receipt.expected else None,
            supplier=receipt.supplier_code,
            bench=receipt.bench,
            operator=operator.badge,
            approved_by=receipt.approved_by,
            at=receipt.closed_at.isoformat(),
            lines=[_line(count, _rows_of(count, by_line)) for count in tally],
            discrepancies=discrepancies,
            damaged_location=damaged_at,
            putaways=_putaways(session, receipt),
        ),
    )
    audit_work(
        session,
        receipt,
        operator.badge,
        "receipt_closed",
        asn=receipt.number,
        approved_by=receipt.approved_by,
        discrepancies=len(discrepancies),
    )
    units = sum(c.received for c in tally)
    said = f"{receipt.number or 'Blind receipt'} closed: {units} units received"
    if approver is not None and approver.badge != operator.badge:
        said += f", beyond tolerance as {approver.name} approved"  # the clerk hears who
    if discrepancies:
        kinds = sorted({d["kind"] for d in discrepancies})
        return Feedback.warn(f"{said}, discrepancies sent: {', '.join(kinds)}.")
    return Feedback.good(f"{said}, no discrepancy.")


def _putaways(session: Session, receipt: Receipt) -> list[PutAway]:
    """The good units by the bin their plate was put away to, item and lot: where the ERP's
    stock of this receipt is to end up."""
    rows = session.execute(
        select(Lpn.bin, Received.sku, Received.lot, func.sum(Received.quantity))
        .join(Lpn, Received.lpn == Lpn.code)
        .where(Received.receipt_id == receipt.id, Received.damaged.is_(False))
        .group_by(Lpn.bin, Received.sku, Received.lot)
        .order_by(Lpn.bin, Received.sku, Received.lot)
    )
    # Every plate has its bin by now: the bench closes no receipt with one not put away.
    return [
        {"bin": where, "sku": sku, "lot": lot, "quantity": int(n)}
        for where, sku, lot, n in rows
        if where is not None
    ]


def _rows_of(count: LineCount, by_line: dict[int | None, list[Received]]) -> list[Received]:
    if count.line_id is not None:
        return by_line.get(count.line_id, [])
    return [r for r in by_line.get(None, []) if r.sku == count.sku]


def _line(count: LineCount, mine: list[Received]) -> CountedLine:
    lots: dict[tuple[str | None, str | None], int] = {}
    for r in mine:
        if not r.damaged:
            key = (r.lot, r.expiry.isoformat() if r.expiry else None)
            lots[key] = lots.get(key, 0) + r.quantity
    return {
        "line": count.line_no,
        "sku": count.sku,
        "expected": count.expected,
        "received": count.received,
        "damaged": count.damaged,
        "lots": [
            {"lot": lot, "expiry": exp, "quantity": n}
            for (lot, exp), n in sorted(lots.items(), key=str)
        ],
        "serials": sorted(r.serial for r in mine if r.serial and not r.damaged),
    }


def _discrepancies(
    tally: list[LineCount], rows: list[Received], damaged_at: str | None
) -> list[Discrepancy]:
    found: list[Discrepancy] = [
        {
            "kind": count.kind,
            "line": count.line_no,
            "sku": count.sku,
            "quantity": abs(count.difference),
            "beyond_tolerance": count.beyond_tolerance,
        }
        for count in tally
        if count.kind is not None
    ]
    found += [
        {
            "kind": DiscrepancyKind.DAMAGED,
            "sku": r.sku,
            "quantity": r.quantity,
            "reason": r.damage_reason,
            "lot": r.lot,
            "location": damaged_at,
            "photos": [p.sha256 for p in r.photos],
        }
        for r in rows
        if r.damaged
    ]
    found += [
        {
            "kind": DiscrepancyKind.EXPIRY,
            "sku": r.sku,
            "quantity": r.quantity,
            "lot": r.lot,
            "expiry": r.expiry.isoformat() if r.expiry else None,
            "accepted_by": r.accepted_by,
        }
        for r in rows
        if r.short_life and not r.damaged
    ]
    return found
