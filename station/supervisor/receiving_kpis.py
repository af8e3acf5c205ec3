"""What a supervisor reads off the receiving benches and the exception queues, over a date
range: receipts, lines and putaways per hour, discrepancies by supplier, putaway overrides
by zone, units received by supplier, and the exceptions. These tables stay small (a
receipt has lines, not units), so they are read in SQL each time.
"""

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from station.outbox import EventKind, discrepancies_told
from station.states import OutboxStatus, ReceiptStatus
from station.store.schema import (
    Item,
    Location,
    OutboxEvent,
    Putaway,
    Receipt,
    Received,
    Supplier,
    SyncConflict,
)
from station.supervisor.facts import bounds


@dataclass
class ReceivingKpis:
    receipts_closed: int = 0
    lines_received: int = 0
    putaways: int = 0
    per_hour: dict[str, float] = field(default_factory=dict)  # receipts, lines, putaways
    units_by_supplier: dict[str, int] = field(default_factory=dict)
    discrepancies: dict[str, dict[str, int]] = field(default_factory=dict)  # supplier: kind
    overrides_by_zone: dict[str, tuple[int, int]] = field(default_factory=dict)  # of putaways
    exceptions: dict[str, int] = field(default_factory=dict)


def receiving_kpis(session: Session, start: date, end: date) -> ReceivingKpis:
    since, until = bounds(start, end)
    found = ReceivingKpis()
    closed = list(
        session.execute(
            select(Receipt.closed_at, Receipt.approved_by).where(
                Receipt.status == ReceiptStatus.CLOSED,
                Receipt.closed_at >= since,
                Receipt.closed_at < until,
            )
        )
    )
    found.receipts_closed = len(closed)
    in_range = (Received.received_at >= since, Received.received_at < until)
    # a line: a receipt's expected line, or an item nobody expected on it
    lines = select(Received.receipt_id, Received.line_id, Received.sku).where(*in_range)
    found.lines_received = (
        session.scalar(select(func.count()).select_from(lines.distinct().subquery())) or 0
    )
    putaways = list(
        session.execute(
            select(Putaway.at, Putaway.override, Location.zone)
            .join(Location, Putaway.bin == Location.code)
            .where(Putaway.at >= since, Putaway.at < until)
        )
    )
    found.putaways = len(putaways)
    scanned = [at for (at,) in session.execute(select(Received.received_at).where(*in_range))]
    found.per_hour = {
        "receipts": _per_hour([at for at, _ in closed if at is not None]),
        "lines": _rate(found.lines_received, scanned),
        "putaways": _per_hour([at for at, _, _ in putaways]),
    }
    zones: dict[str, list[int]] = {}
    for _, override, zone in putaways:
        counts = zones.setdefault(zone or "none", [0, 0])
        counts[0] += int(override)
        counts[1] += 1
    found.overrides_by_zone = {zone: (n[0], n[1]) for zone, n in sorted(zones.items())}
    found.units_by_supplier = {
        supplier: int(units)
        for supplier, units in session.execute(
            select(Item.supplier, func.sum(Received.quantity))
            .join(Item, Received.sku == Item.sku)
            .where(*in_range)
            .group_by(Item.supplier)
        )
    }
    found.discrepancies = _discrepancies(session, since, until)
    found.exceptions = {
        "conflicts": session.scalar(
            select(func.count()).where(
                SyncConflict.found_at >= since, SyncConflict.found_at < until
            )
        )
        or 0,
        "rejected sync events": session.scalar(
            select(func.count()).where(
                OutboxEvent.status == OutboxStatus.REJECTED,
                OutboxEvent.created_at >= since,
                OutboxEvent.created_at < until,
            )
        )
        or 0,
        "shelf-life acceptances": session.scalar(
            select(func.count()).where(*in_range, Received.accepted_by.is_not(None))
        )
        or 0,
        "tolerance approvals": sum(1 for _, approved in closed if approved),
        "putaway overrides": sum(1 for _, override, _ in putaways if override),
    }
    return found


def _discrepancies(session: Session, since: datetime, until: datetime) -> dict[str, dict[str, int]]:
    """Over, short, unexpected and damaged, by supplier (by name, as the units received and
    the scorecard), from the receipts closed: what the ERP was told at the close."""
    names = {code: name for code, name in session.execute(select(Supplier.code, Supplier.name))}
    by_supplier: dict[str, Counter[str]] = {}
    for (payload,) in session.execute(
        select(OutboxEvent.payload).where(
            OutboxEvent.kind == EventKind.RECEIPT_CLOSED,
            OutboxEvent.created_at >= since,
            OutboxEvent.created_at < until,
        )
    ):
        code, told = discrepancies_told(
            payload if isinstance(payload, dict) else json.loads(payload)
        )
        counted = by_supplier.setdefault(names.get(code, code), Counter())  # named as items are
        for found in told:
            counted[found["kind"]] += int(found.get("quantity", 1))
    return {supplier: dict(sorted(c.items())) for supplier, c in sorted(by_supplier.items())}


def _per_hour(times: list[datetime]) -> float:
    return _rate(len(times), times)


def _rate(count: int, times: list[datetime]) -> float:
    """``count`` per hour worked: per clock hour in which anything happened."""
    hours = {at.replace(minute=0, second=0, microsecond=0) for at in times}
    return round(count / len(hours), 2) if hours else 0.0
