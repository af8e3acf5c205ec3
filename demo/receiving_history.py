"""The receiving side of a generated past: what the benches received while the returns of
``demo.history`` came back, so the supervisor sees receipts per hour, discrepancies by
supplier, putaway overrides by zone, and the scorecard has its units received.

A few receipts a day per busy supplier, each of a handful of that supplier's items in cases
of 12 to 120, counted onto a plate that goes to a bin of the item's category (now and then
another one: an override); one line in ten comes short or over, one unit in two hundred
damaged. Each close writes its ``receipt_closed`` event, as sent.
"""

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert, select

from station.outbox import Discrepancy, ReceiptClosed
from station.states import DiscrepancyKind, LocationKind, OutboxStatus, ReceiptStatus
from station.store.engine import Store
from station.store.schema import (
    Item,
    Location,
    Lpn,
    Operator,
    OutboxEvent,
    Putaway,
    Receipt,
    Received,
    Supplier,
)

RECEIPTS_PER_UNITS = 2_000  # one receipt a day for every 2,000 returns over the range


def write_receiving_history(
    store: Store,
    rng: random.Random,
    *,
    days: list[date],
    units: int,
    benches: tuple[str, ...],
    prefix: str,
) -> int:
    """Receipts over ``days``; returns how many."""
    with store.read() as session:
        suppliers = {s.name: s.code for s in session.scalars(select(Supplier))}
        items = [i for i in session.scalars(select(Item).order_by(Item.sku)) if i.supplier]
        bins = list(session.scalars(select(Location).where(Location.kind == LocationKind.BIN)))
        clerks = list(session.scalars(select(Operator.badge).where(Operator.role == "clerk"))) or [
            "BADGE-2001"
        ]
    by_supplier: dict[str, list[Item]] = {}
    for item in items:
        if item.supplier in suppliers:
            by_supplier.setdefault(item.supplier, []).append(item)
    per_day = max(1, units // RECEIPTS_PER_UNITS // max(len(days), 1))
    rows: dict[str, list[dict[str, Any]]] = {
        "receipt": [], "lpn": [], "received": [], "putaway": [], "event": []
    }  # fmt: skip
    count = 0
    for day in days:
        for _ in range(per_day):
            count += 1
            supplier = rng.choice(sorted(by_supplier))
            opened = datetime.combine(day, time(rng.randrange(6, 15), rng.randrange(60)))
            _receipt(
                rows, rng, receipt=f"hist-{prefix}{count:07d}", supplier=suppliers[supplier],
                goods=rng.sample(by_supplier[supplier], min(4, len(by_supplier[supplier]))),
                bins=bins, opened=opened.astimezone(UTC).replace(tzinfo=None),
                bench=rng.choice(benches), clerk=rng.choice(clerks),
            )  # fmt: skip
    with store.unit() as session:
        connection = session.connection()
        for table, batch in (
            (Receipt, rows["receipt"]), (Lpn, rows["lpn"]), (Received, rows["received"]),
            (Putaway, rows["putaway"]), (OutboxEvent, rows["event"]),
        ):  # fmt: skip
            if batch:
                connection.execute(insert(table), batch)
    return count


def _receipt(
    rows: dict[str, list[dict[str, Any]]],
    rng: random.Random,
    *,
    receipt: str,
    supplier: str,
    goods: list[Item],
    bins: list[Location],
    opened: datetime,
    bench: str,
    clerk: str,
) -> None:
    at = opened
    discrepancies: list[Discrepancy] = []
    for n, item in enumerate(goods):
        plate = f"LPN-{receipt}-{n}"
        quantity = rng.choice((12, 24, 48, 60, 120))
        if rng.random() < 0.1:
            off = rng.randint(1, max(1, quantity // 10))
            kind = rng.choice((DiscrepancyKind.SHORT, DiscrepancyKind.OVER))
            quantity += off if kind == DiscrepancyKind.OVER else -off
            discrepancies.append({"kind": kind, "sku": item.sku, "quantity": off})
        damaged = 1 if rng.random() < quantity / 200 else 0
        if damaged:
            discrepancies.append({"kind": DiscrepancyKind.DAMAGED, "sku": item.sku, "quantity": 1})
        at += timedelta(minutes=rng.randint(2, 9))
        rows["lpn"].append(
            {"code": plate, "parent": None, "receipt_id": receipt, "bench": bench,
             "created_at": at, "bin": None}
        )  # fmt: skip
        rows["received"].append(
            {"receipt_id": receipt, "line_id": None, "sku": item.sku,
             "quantity": quantity - damaged, "lot": None, "expiry": None, "serial": None,
             "lpn": plate, "damaged": False, "damage_reason": None, "short_life": False,
             "accepted_by": None, "received_at": at, "operator": clerk}
        )  # fmt: skip
        fitting = [b for b in bins if b.category == item.category] or bins
        suggested = rng.choice(fitting)
        placed = rng.choice(bins) if rng.random() < 0.05 else suggested
        rows["putaway"].append(
            {"lpn": plate, "bin": placed.code, "suggested": suggested.code,
             "override": placed.code != suggested.code, "quantity": quantity - damaged,
             "receipt_id": receipt, "operator": clerk, "at": at + timedelta(minutes=3)}
        )  # fmt: skip
    closed = at + timedelta(minutes=5)
    rows["receipt"].append(
        {"id": receipt, "number": None, "supplier_code": supplier, "status": ReceiptStatus.CLOSED,
         "bench": bench, "operator": clerk, "started_at": opened, "identified_by": supplier,
         "approved_by": None, "closed_at": closed}
    )  # fmt: skip
    # Only what the supervisor reads of it: the lines and putaways are in their own rows.
    told = ReceiptClosed(
        receipt=receipt, supplier=supplier, lines=[], discrepancies=discrepancies, putaways=[]
    )
    rows["event"].append(
        {"event_id": f"{receipt}-closed", "kind": told.kind, "created_at": closed,
         "status": OutboxStatus.SENT, "attempts": 1, "sent_at": closed, "tried_at": closed,
         "payload": told.to_payload(), "subject": told.subject}
    )  # fmt: skip
