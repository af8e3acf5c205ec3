"""Load the shipped demo data set as master data, so a bench can be tried without the ERP.

Loading replaces master data in place: rows are upserted by their natural keys, and rows the
file no longer has are deleted only when no bench fact points at them. Bench facts (scans,
return units, labels, outbox, audit) are never touched, so a reload in the middle of a demo
keeps every unit already at the bench. Ship dates are relative to ``today`` so the same RMAs
stay inside or outside their return windows whatever day the demo runs.
"""

import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from station.gtin import to_gtin14
from station.operators import hash_pin
from station.states import ExpectedStatus
from station.store.engine import Store
from station.store.schema import (
    BinStock,
    CategoryTolerance,
    ExpectedLine,
    ExpectedPallet,
    ExpectedReceipt,
    Gtin,
    Item,
    Location,
    Lpn,
    Operator,
    Putaway,
    PutawayRule,
    Receipt,
    Received,
    ReturnPolicy,
    ReturnUnit,
    Rma,
    RmaLine,
    Supplier,
)

# The demo data set: items, RMAs, receipts and the rest (written by tools/make_demo_data.py).
DEMO_FILE = Path(__file__).with_name("demo.json")


@dataclass(frozen=True)
class DemoCounts:
    """How many rows of each kind the file held, for the command's summary line."""

    items: int
    gtins: int
    locations: int
    rmas: int
    lines: int
    policies: int
    operators: int
    suppliers: int
    receipts: int
    receipt_lines: int


def load_demo_data(store: Store, today: date, file: Path | None = None) -> DemoCounts:
    """Make the store's master data equal to the demo file, in one transaction."""
    data: dict[str, Any] = json.loads((file or DEMO_FILE).read_text(encoding="utf-8"))
    with store.unit() as session:
        _load_items(session, data["items"])
        _load_locations(session, data["locations"])
        _load_rmas(session, data["rmas"], today)
        _load_suppliers(session, data["suppliers"], data["category_tolerances"])
        _load_receipts(session, data["receipts"], today)
        _load_putaway(session, data["putaway_rules"], data["bin_stock"])
        _drop_stale_locations(session, {row["code"] for row in data["locations"]})
        _drop_stale_items(session, {item["sku"] for item in data["items"]})
        _load_policies(session, data["policies"])
        _load_operators(session, data["operators"])
    return DemoCounts(
        items=len(data["items"]),
        gtins=sum(len(item["gtins"]) for item in data["items"]),
        locations=len(data["locations"]),
        rmas=len(data["rmas"]),
        lines=sum(len(rma["lines"]) for rma in data["rmas"]),
        policies=len(data["policies"]),
        operators=len(data["operators"]),
        suppliers=len(data["suppliers"]),
        receipts=len(data["receipts"]),
        receipt_lines=sum(len(receipt["lines"]) for receipt in data["receipts"]),
    )


def _load_items(session: Session, items: list[dict[str, Any]]) -> None:
    """Upsert items by SKU; GTINs are referenced by nothing, so they are simply rewritten."""
    session.execute(delete(Gtin))
    for row in items:
        fields = {key: value for key, value in row.items() if key != "gtins"}
        session.merge(Item(**fields))
    session.flush()
    session.add_all(
        Gtin(gtin14=to_gtin14(code), sku=row["sku"]) for row in items for code in row["gtins"]
    )
    session.flush()


def _load_locations(session: Session, locations: list[dict[str, Any]]) -> None:
    for row in locations:
        session.merge(Location(**row))
    session.flush()


def _drop_stale_locations(session: Session, codes: set[str]) -> None:
    """Delete locations the file dropped, unless stock, a unit, a plate or a putaway names them."""
    session.execute(delete(BinStock).where(BinStock.bin.not_in(codes)))
    used = (
        select(ReturnUnit.destination).where(ReturnUnit.destination.is_not(None)),
        select(Lpn.bin).where(Lpn.bin.is_not(None)),
        select(Putaway.bin),
        select(Putaway.suggested).where(Putaway.suggested.is_not(None)),
    )
    session.execute(
        delete(Location).where(
            Location.code.not_in(codes), *(Location.code.not_in(u) for u in used)
        )
    )


def _load_rmas(session: Session, rmas: list[dict[str, Any]], today: date) -> None:
    """Upsert RMAs by number and lines by (RMA, line number), keeping line ids stable.

    Return units point at ``rma_line.id``; a line keeps its id across reloads so a unit
    identified before the reload still shows the same RMA line afterwards.
    """
    ids = {(line.rma_number, line.line_no): line.id for line in session.scalars(select(RmaLine))}
    lines: list[RmaLine] = []
    for row in rmas:
        session.merge(
            Rma(
                number=row["number"],
                customer=row["customer"],
                order_number=row["order_number"],
                channel=row["channel"],
                ship_date=today - timedelta(days=row["ship_days_ago"]),
                tracking_number=row["tracking_number"],
            )
        )
        for line in row["lines"]:
            key = (row["number"], line["line_no"])
            lines.append(session.merge(RmaLine(id=ids.get(key), rma_number=row["number"], **line)))
    session.flush()
    keep = [line.id for line in lines]
    used = select(ReturnUnit.rma_line_id).where(ReturnUnit.rma_line_id.is_not(None))
    session.execute(delete(RmaLine).where(RmaLine.id.not_in(keep), RmaLine.id.not_in(used)))
    session.execute(
        delete(Rma).where(
            Rma.number.not_in([row["number"] for row in rmas]),
            Rma.number.not_in(select(RmaLine.rma_number)),
        )
    )


def _drop_stale_items(session: Session, skus: set[str]) -> None:
    """Delete items the file dropped, unless a kept line, a unit or received goods name them."""
    session.execute(
        delete(Item).where(
            Item.sku.not_in(skus),
            Item.sku.not_in(select(RmaLine.sku)),
            Item.sku.not_in(select(ReturnUnit.sku).where(ReturnUnit.sku.is_not(None))),
            Item.sku.not_in(select(ExpectedLine.sku)),
            Item.sku.not_in(select(Received.sku)),
            Item.sku.not_in(select(BinStock.sku)),
        )
    )


def _load_suppliers(
    session: Session, suppliers: list[dict[str, Any]], tolerances: list[dict[str, Any]]
) -> None:
    for row in suppliers:
        session.merge(Supplier(**row))
    session.execute(delete(CategoryTolerance))
    session.add_all(CategoryTolerance(**row) for row in tolerances)
    session.flush()


def _load_receipts(session: Session, receipts: list[dict[str, Any]], today: date) -> None:
    """Upsert expected receipts and their lines, keeping line ids: received goods point at them.

    A receipt the file dropped stays while the bench has worked it; the others go.
    """
    ids = {(ln.receipt_number, ln.line_no): ln.id for ln in session.scalars(select(ExpectedLine))}
    numbers = [row["number"] for row in receipts]
    session.execute(delete(ExpectedPallet))
    kept: list[int] = []
    for row in receipts:
        session.merge(
            ExpectedReceipt(
                number=row["number"],
                po_number=row["po_number"],
                supplier_code=row["supplier_code"],
                expected_on=today + timedelta(days=row["expected_days_ahead"]),
                status=ExpectedStatus.OPEN,
            )
        )
        session.flush()
        for line in row["lines"]:
            merged = session.merge(
                ExpectedLine(
                    id=ids.get((row["number"], line["line_no"])),
                    receipt_number=row["number"],
                    **line,
                )
            )
            session.flush()
            kept.append(merged.id)
        session.add_all(
            ExpectedPallet(sscc=sscc, receipt_number=row["number"]) for sscc in row["pallets"]
        )
    session.flush()
    worked = select(Receipt.number).where(Receipt.number.is_not(None))
    session.execute(
        delete(ExpectedLine).where(
            ExpectedLine.id.not_in(kept),
            ExpectedLine.id.not_in(select(Received.line_id).where(Received.line_id.is_not(None))),
        )
    )
    session.execute(
        delete(ExpectedReceipt).where(
            ExpectedReceipt.number.not_in(numbers),
            ExpectedReceipt.number.not_in(worked),
            ExpectedReceipt.number.not_in(select(ExpectedLine.receipt_number)),
        )
    )


def _load_putaway(
    session: Session, rules: list[dict[str, Any]], stock: list[dict[str, Any]]
) -> None:
    """Rules and the ERP's bin stock are rewritten whole: no bench fact points at them."""
    session.execute(delete(PutawayRule))
    session.add_all(PutawayRule(**row) for row in rules)
    session.execute(delete(BinStock))
    session.add_all(BinStock(**row) for row in stock)


def _load_policies(session: Session, policies: list[dict[str, Any]]) -> None:
    """Nothing references a policy row, so the set is rewritten whole."""
    session.execute(delete(ReturnPolicy))
    session.add_all(ReturnPolicy(**row) for row in policies)


def _load_operators(session: Session, operators: list[dict[str, Any]]) -> None:
    """Upsert by badge, keeping ids; facts name operators by text, so stale ones just go."""
    ids = {op.badge: op.id for op in session.scalars(select(Operator))}
    for row in operators:
        session.merge(
            Operator(
                id=ids.get(row["badge"]),
                name=row["name"],
                badge=row["badge"],
                role=row["role"],
                pin_hash=hash_pin(row["pin"]),
            )
        )
    session.execute(
        delete(Operator).where(Operator.badge.not_in([row["badge"] for row in operators]))
    )
