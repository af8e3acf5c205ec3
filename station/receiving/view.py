"""What the receiving screen shows, as plain values built from the store; nothing writes."""

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from station.operators import SignedIn
from station.receiving.checks import by_line_id
from station.states import ReceiptStatus
from station.store.schema import Item, Lpn, Receipt, Received


class RStep(StrEnum):
    SIGN_IN = "sign in"
    START = "start"
    RECEIVE = "receive"
    SERIAL = "serial"
    SHELF_LIFE = "shelf life"
    DAMAGE = "damage"
    UNEXPECTED = "unexpected item"
    NEST = "nest"
    PUTAWAY = "putaway"
    APPROVAL = "approval"


PROMPTS = {
    RStep.SIGN_IN: "Scan your badge or enter your PIN",
    RStep.START: "Scan the ASN, PO or pallet SSCC, or a supplier code for a blind receipt",
    RStep.RECEIVE: "Scan the goods (GTIN or GS1), a plate, or PUTAWAY / CLOSE",
    RStep.SERIAL: "Scan the serial number of this unit",
    RStep.SHELF_LIFE: "Short shelf life: supervisor badge or PIN to accept, or UNDO",
    RStep.DAMAGE: "Damaged: scan the damage reason and add a photo",
    RStep.UNEXPECTED: "Not on this receipt: ADD to take it as an unexpected line, or CANCEL",
    RStep.NEST: "Scan the outer plate (pallet), or NEW-LPN",
    RStep.PUTAWAY: "Scan the bin",
    RStep.APPROVAL: "Beyond tolerance: supervisor badge or PIN to close, or CANCEL",
}


class LineStatus(StrEnum):
    """Where a line of the receipt stands, as the clerk reads it in the table."""

    OPEN = "open"  # nothing counted yet
    PART = "part"  # some counted, fewer than expected
    DONE = "done"  # as many as expected
    OVER = "over"
    SHORT = "short"  # fewer than expected, and the receipt is closed
    UNEXPECTED = "unexpected"  # an item nobody announced
    COUNTED = "counted"  # blind counting: how many is not said until close


@dataclass(frozen=True)
class LineRow:
    """One row of the expected-against-received table."""

    line_no: int | None  # None: an item that was not expected
    sku: str
    name: str
    expected: int | None  # None while blind counting hides it, or for an unexpected item
    received: int
    damaged: int
    lots: str  # the lots counted, or how many serials
    status: LineStatus | None  # None: nothing counted yet at a blind count


@dataclass(frozen=True)
class PlateRow:
    code: str
    parent: str | None
    units: int
    bin: str | None


@dataclass(frozen=True)
class ReceiptView:
    receipt_id: str
    number: str | None
    po_number: str | None
    supplier: str
    status: str
    blind: bool
    lines: tuple[LineRow, ...]
    plates: tuple[PlateRow, ...]
    expected_units: int | None
    received_units: int


@dataclass(frozen=True)
class ReceivingView:
    bench: str
    operator: SignedIn | None
    step: RStep
    prompt: str
    receipt: ReceiptView | None
    last: ReceiptView | None
    plate: str | None  # the plate counted goods go onto
    plate_contents: tuple[str, ...]  # of that plate, or of the one being put away
    putaway_plate: str | None
    suggested_bin: str | None
    offered: str | None  # the unexpected item waiting for ADD
    damage_reasons: tuple[str, ...]


def receipt_view(session: Session, receipt: Receipt, blind: bool) -> ReceiptView:
    """The receipt as the screen shows it; blind counting hides what is expected while open."""
    hide = blind and receipt.status == ReceiptStatus.OPEN
    rows = list(session.scalars(select(Received).where(Received.receipt_id == receipt.id)))
    expected = list(receipt.expected.lines) if receipt.expected else []
    closed = receipt.status != ReceiptStatus.OPEN
    by_line = by_line_id(rows)
    lines = [
        _line_row(
            line.line_no,
            item=line.item,
            expected=line.quantity,
            rows=by_line.get(line.id, []),
            hide=hide,
            closed=closed,
        )
        for line in expected
    ]
    unexpected = by_line.get(None, [])
    for sku in sorted({r.sku for r in unexpected}):
        mine = [r for r in unexpected if r.sku == sku]
        lines.append(
            _line_row(None, item=mine[0].item, expected=None, rows=mine, hide=hide, closed=closed)
        )
    plates = session.scalars(select(Lpn).where(Lpn.receipt_id == receipt.id).order_by(Lpn.code))
    return ReceiptView(
        receipt_id=receipt.id,
        number=receipt.number,
        po_number=receipt.expected.po_number if receipt.expected else None,
        supplier=receipt.supplier.name,
        status=receipt.status,
        blind=hide,
        lines=tuple(lines),
        plates=tuple(
            PlateRow(
                p.code,
                p.parent,
                sum(r.quantity for r in rows if r.lpn == p.code and not r.damaged),
                p.bin,
            )
            for p in plates
        ),
        expected_units=None if hide or not expected else sum(line.quantity for line in expected),
        received_units=sum(r.quantity for r in rows if not r.damaged),
    )


def _line_row(
    line_no: int | None,
    *,
    item: Item,
    expected: int | None,
    rows: list[Received],
    hide: bool,
    closed: bool,
) -> LineRow:
    received = sum(r.quantity for r in rows if not r.damaged)
    lots = sorted({r.lot for r in rows if r.lot})
    serials = sum(1 for r in rows if r.serial and not r.damaged)
    counted_serials = f"{serials} serial{'' if serials == 1 else 's'}" if serials else ""
    if line_no is None:
        status: LineStatus | None = LineStatus.UNEXPECTED
    elif hide or expected is None:
        status = LineStatus.COUNTED if received else None
    else:
        status = _status(received, expected, closed)
    return LineRow(
        line_no=line_no,
        sku=item.sku,
        name=item.name,
        expected=None if hide else expected,
        received=received,
        damaged=sum(r.quantity for r in rows if r.damaged),
        lots=", ".join(lots) or counted_serials,
        status=status,
    )


def _status(received: int, expected: int, closed: bool) -> LineStatus:
    if received == expected:
        return LineStatus.DONE
    if received > expected:
        return LineStatus.OVER
    if closed:
        return LineStatus.SHORT
    return LineStatus.PART if received else LineStatus.OPEN
