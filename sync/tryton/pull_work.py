"""The work pulled from Tryton: RMAs (customer return shipments) and expected receipts
(supplier shipments), each named by its ``reference``, the number the bench scans.

A document new to the station arrives while it is still in draft, with its lines from its
incoming moves; one the station knows takes the ERP's state, which decides whether the
bench takes more work on it. Lines are replaced only while the bench has not started on
the document. A document cancelled or finished in the ERP while the bench has work on it
(a unit or receipt open, an event not yet sent) is also a conflict: shown, and the
bench's facts kept. Tryton holds no order number, sales channel or stated reason for a
return; an RMA made in the ERP comes with channel ``erp`` and no stated reason, which the
inspector then gives.
"""

import logging
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from station import open_work
from station.recording import utcnow
from station.states import ExpectedStatus, ShipmentState
from station.store.schema import (
    ExpectedLine,
    ExpectedReceipt,
    Item,
    OutboxEvent,
    Receipt,
    Rma,
    RmaLine,
    Supplier,
    SyncConflict,
)
from sync.tryton.entity import Entity, changed_with, each, stamped_with

ERP_CHANNEL = "erp"
MOVE_FIELDS = ("product.code", "quantity", "lot.number")
# A receipt the ERP has received (elsewhere) is not received again at the bench.
log = logging.getLogger("station.sync")
RECEIPT_STATUS = {
    ShipmentState.DRAFT: ExpectedStatus.OPEN,
    ShipmentState.RECEIVED: ExpectedStatus.DONE,
    ShipmentState.DONE: ExpectedStatus.DONE,
    ShipmentState.CANCELLED: ExpectedStatus.CANCELLED,
}


def _conflict(session: Session, entity: str, key: str, state: ShipmentState, work: str) -> None:
    """Said once per document and state."""
    known = session.scalar(
        select(SyncConflict.id).where(
            SyncConflict.entity == entity, SyncConflict.key == key,
            SyncConflict.erp_state == state,
        )
    )  # fmt: skip
    if known is None:
        session.add(
            SyncConflict(
                entity=entity,
                key=key,
                erp_state=state,
                detail=f"{key} was {state} in the ERP while the bench had work on it ({work}); "
                "the bench's facts are kept.",
                found_at=utcnow(),
            )
        )


def _state(row: dict[str, Any]) -> ShipmentState | None:
    """The shipment's state, or None for one the station does not know (a customised
    workflow): logged, and the row is taken as if its state had not changed, so that one
    document cannot stop the pull, nor the push behind it."""
    try:
        return ShipmentState(row["state"])
    except ValueError:
        log.warning(
            "%s is %r in the ERP, a state the station does not know", row["reference"], row["state"]
        )
        return None


def _lines(row: dict[str, Any]) -> list[dict[str, Any]]:
    """The incoming moves of items the station knows the code of, in the ERP's order."""
    moves = sorted(row.get("incoming_moves.") or [], key=lambda m: m["id"])
    return [m for m in moves if (m.get("product.") or {}).get("code")]


def _day(value: date | datetime | None) -> date:
    if isinstance(value, datetime):
        return value.date()
    return value or utcnow().date()


# --- RMAs ----------------------------------------------------------------------------


def _apply_return(session: Session, row: dict[str, Any]) -> None:
    number, state = row["reference"], _state(row)
    if not number or session.scalar(select(OutboxEvent.seq).where(OutboxEvent.event_id == number)):
        return  # no number to scan, or an unexpected return this station sent itself
    rma = session.get(Rma, number)
    if rma is None:
        if state == ShipmentState.DRAFT:
            _new_rma(session, number, row)
        return
    if state is None or rma.erp_state == state:
        return
    rma.erp_state = state  # no new unit of it now; the units at the bench keep their facts
    if state in (ShipmentState.CANCELLED, ShipmentState.DONE) and (
        work := open_work.on_rma(session, number)
    ):
        _conflict(session, "rma", number, state, str(work))


def _new_rma(session: Session, number: str, row: dict[str, Any]) -> None:
    lines = [m for m in _lines(row) if session.get(Item, m["product."]["code"]) is not None]
    if not lines:
        return  # nothing the bench could scan against it yet
    created = _day(row.get("create_date"))
    session.add(
        Rma(
            number=number,
            customer=(row.get("customer.") or {}).get("name") or "",
            order_number="",
            channel=ERP_CHANNEL,
            ship_date=created,
            tracking_number=None,
            erp_state=ShipmentState.DRAFT,
        )
    )
    session.add_all(
        RmaLine(
            rma_number=number,
            line_no=n,
            sku=move["product."]["code"],
            quantity=int(move["quantity"]),
            serial=None,
            stated_reason="",
        )
        for n, move in enumerate(lines, start=1)
    )


RETURNS = Entity(
    name="rma",
    model="stock.shipment.out.return",
    fields=(
        "reference",
        "state",
        "last_modified_at",
        "create_date",
        "customer.name",
        *(f"incoming_moves.{f}" for f in MOVE_FIELDS),
        "moves.last_modified_at",
    ),
    apply=each(_apply_return),
    changed=changed_with("moves"),  # incoming_moves cannot be searched
    stamps=stamped_with("moves"),
)


# --- expected receipts ---------------------------------------------------------------


def _apply_receipt(session: Session, row: dict[str, Any]) -> None:
    number = row["reference"]
    supplier = row.get("supplier.") or {}
    if not number or not supplier.get("code"):
        return  # the bench finds a receipt by its ASN and its supplier by code
    if session.get(Receipt, number) is not None:
        return  # a blind receipt of this station, named by its id in the ERP
    state = _state(row)
    # A state the station does not know keeps the receipt open to receive, as it always did.
    status = RECEIPT_STATUS[state] if state is not None else ExpectedStatus.OPEN
    expected = session.get(ExpectedReceipt, number)
    started = session.scalar(select(Receipt.id).where(Receipt.number == number).limit(1))
    if expected is None:
        if status != ExpectedStatus.OPEN:
            return  # finished elsewhere before the station ever saw it
        _supplier(session, supplier)
        expected = ExpectedReceipt(number=number, supplier_code=supplier["code"])
        session.add(expected)
    elif (
        state is not None
        and status not in (expected.status, ExpectedStatus.OPEN)
        and (work := open_work.on_receipt(session, number))
    ):
        _conflict(session, "receipt", number, state, str(work))
    expected.status = status
    if row.get("origins") or not expected.po_number:
        expected.po_number = row.get("origins") or ""  # the ERP's purchase, when it has one
    expected.expected_on = _day(row.get("planned_date"))
    if started is None and status == ExpectedStatus.OPEN:
        _replace_lines(session, number, _lines(row))


def _supplier(session: Session, party: dict[str, Any]) -> None:
    if session.get(Supplier, party["code"]) is not None:
        return
    name = party.get("name") or party["code"]
    if session.scalar(select(Supplier.code).where(Supplier.name == name)):
        name = f"{name} ({party['code']})"  # names are unique at the station
    session.add(Supplier(code=party["code"], name=name, over_pct=None, short_pct=None))
    session.flush()


def _replace_lines(session: Session, number: str, moves: list[dict[str, Any]]) -> None:
    skus = {move["product."]["code"] for move in moves}
    items = set(session.scalars(select(Item.sku).where(Item.sku.in_(skus))))
    lines = [
        (n, move["product."]["code"], int(move["quantity"]), (move.get("lot.") or {}).get("number"))
        for n, move in enumerate((m for m in moves if m["product."]["code"] in items), start=1)
    ]
    held = session.execute(
        select(ExpectedLine.line_no, ExpectedLine.sku, ExpectedLine.quantity, ExpectedLine.lot)
        .where(ExpectedLine.receipt_number == number)
        .order_by(ExpectedLine.line_no)
    )
    if [tuple(line) for line in held] == lines:
        return  # read again in the pull's overlap, unchanged: nothing to write
    session.flush()
    session.execute(delete(ExpectedLine).where(ExpectedLine.receipt_number == number))
    session.add_all(
        ExpectedLine(receipt_number=number, line_no=n, sku=sku, quantity=quantity, lot=lot)
        for n, sku, quantity, lot in lines
    )


RECEIPTS = Entity(
    name="receipt",
    model="stock.shipment.in",
    fields=(
        "reference",
        "state",
        "last_modified_at",
        "planned_date",
        "origins",
        "supplier.code",
        "supplier.name",
        *(f"incoming_moves.{f}" for f in MOVE_FIELDS),
        "moves.last_modified_at",
    ),
    apply=each(_apply_receipt),
    changed=changed_with("moves"),  # incoming_moves cannot be searched
    stamps=stamped_with("moves"),
)
