"""What a supervisor reads off the receiving benches and the exception queues, over a date
range: receipts, lines and putaways per hour, discrepancies by supplier, putaway overrides
by zone, units received by supplier, and the exceptions. These tables stay small (a
receipt has lines, not units), so they are counted in SQL each time, four years of them in
tens of milliseconds.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from station.outbox import EventKind, discrepancies_told, told_of
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
    closed, closed_hours, approved = session.execute(
        select(func.count(), _hours(Receipt.closed_at), func.count(Receipt.approved_by)).where(
            Receipt.status == ReceiptStatus.CLOSED,
            Receipt.closed_at >= since,
            Receipt.closed_at < until,
        )
    ).one()
    found.receipts_closed = closed
    in_range = (Received.received_at >= since, Received.received_at < until)
    # a line: a receipt's expected line, or an item nobody expected on it
    lines = select(Received.receipt_id, Received.line_id, Received.sku).where(*in_range)
    found.lines_received = (
        session.scalar(select(func.count()).select_from(lines.distinct().subquery())) or 0
    )
    scanned_hours = session.scalar(select(_hours(Received.received_at)).where(*in_range)) or 0
    in_zones = session.execute(
        select(Location.zone, func.count(), func.sum(Putaway.override))
        .join(Location, Putaway.bin == Location.code)
        .where(Putaway.at >= since, Putaway.at < until)
        .group_by(Location.zone)
    ).all()
    found.putaways = sum(n for _, n, _ in in_zones)
    put_hours = session.scalar(
        select(_hours(Putaway.at))
        .join(Location, Putaway.bin == Location.code)
        .where(Putaway.at >= since, Putaway.at < until)
    )
    found.per_hour = {
        "receipts": _rate(closed, closed_hours),
        "lines": _rate(found.lines_received, scanned_hours),
        "putaways": _rate(found.putaways, put_hours or 0),
    }
    zones: dict[str, list[int]] = {}
    for zone, n, overrides in in_zones:
        counts = zones.setdefault(zone or "none", [0, 0])
        counts[0] += int(overrides or 0)
        counts[1] += n
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
        "tolerance approvals": approved,
        "putaway overrides": sum(overrides for overrides, _ in zones.values()),
    }
    return found


def _discrepancies(session: Session, since: datetime, until: datetime) -> dict[str, dict[str, int]]:
    """Over, short, unexpected and damaged, by supplier (by name, as the units received and
    the scorecard), from the receipts closed: what the ERP was told at the close."""
    names = {code: name for code, name in session.execute(select(Supplier.code, Supplier.name))}
    by_supplier: dict[str, Counter[str]] = {}
    for (payload,) in session.execute(
        select(told_of(OutboxEvent.payload)).where(
            OutboxEvent.kind == EventKind.RECEIPT_CLOSED,
            OutboxEvent.created_at >= since,
            OutboxEvent.created_at < until,
        )
    ):
        code, told = discrepancies_told(payload)
        counted = by_supplier.setdefault(names.get(code, code), Counter())  # named as items are
        for found in told:
            counted[found["kind"]] += int(found.get("quantity", 1))
    return {supplier: dict(sorted(c.items())) for supplier, c in sorted(by_supplier.items())}


def _hours(at: Any) -> Any:
    """The clock hours in which anything happened: a time as stored (UTC text) up to its
    hour, counted once each."""
    return func.count(func.distinct(func.substr(at, 1, 13)))


def _rate(count: int, hours: int) -> float:
    """``count`` per hour worked: per clock hour in which anything happened."""
    return round(count / hours, 2) if hours else 0.0
