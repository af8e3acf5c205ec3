"""Finding the RMA line a returned unit belongs to, from whatever was scanned."""

from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from station.items import item_for
from station.returns.policy import LIVE_STATUSES
from station.scans import Classified, ScanKind
from station.store.schema import Gtin, ReturnUnit, Rma, RmaLine


@dataclass(frozen=True)
class Candidate:
    line_id: int
    rma_number: str
    line_no: int
    sku: str
    item_name: str
    customer: str
    serial: str | None

    @property
    def label(self) -> str:
        return (
            f"{self.rma_number} line {self.line_no} · {self.sku} {self.item_name} · {self.customer}"
        )


IDENTIFYING = frozenset(
    {
        ScanKind.PARCEL,
        ScanKind.RMA,
        ScanKind.ORDER,
        ScanKind.TRACKING,
        ScanKind.GTIN,
        ScanKind.GS1,
        ScanKind.SERIAL,
    }
)
ITEM_KINDS = frozenset({ScanKind.GTIN, ScanKind.GS1, ScanKind.SERIAL})


def find_lines(session: Session, scan: Classified) -> list[Candidate]:
    """Lines the scan points to; lines with units still to come back are preferred."""
    query: Select[RmaLine] = select(RmaLine).join(Rma)
    if scan.kind is ScanKind.RMA:
        query = query.where(Rma.number == scan.value)
    elif scan.kind is ScanKind.ORDER:
        query = query.where(Rma.order_number == scan.value)
    elif scan.kind is ScanKind.TRACKING:
        query = query.where(Rma.tracking_number == scan.value)
    elif scan.kind is ScanKind.SERIAL:
        query = query.where(func.upper(RmaLine.serial) == scan.value)
    elif scan.gtin is not None:
        query = query.join(Gtin, Gtin.sku == RmaLine.sku).where(Gtin.gtin14 == scan.gtin)
        if scan.serial:  # the line shipped with this serial, or shipped without one on record
            query = query.where(
                or_(RmaLine.serial.is_(None), func.upper(RmaLine.serial) == scan.serial)
            )
    else:
        return []
    lines = list(
        session.scalars(
            query.options(selectinload(RmaLine.rma), selectinload(RmaLine.item)).order_by(
                Rma.number, RmaLine.line_no
            )
        )
    )
    if scan.serial:
        exact = [line for line in lines if line.serial and line.serial.upper() == scan.serial]
        lines = exact or lines
    still_due = [line for line in lines if _units_back(session, line) < line.quantity]
    return [_candidate(line) for line in (still_due or lines)]


def fitting(
    session: Session, candidates: tuple[Candidate, ...], scan: Classified
) -> list[Candidate]:
    """The candidates an item scan (GTIN, GS1 or serial) fits."""
    if scan.kind is ScanKind.SERIAL:
        return [c for c in candidates if c.serial is not None and c.serial.upper() == scan.value]
    item = item_for(session, scan)
    return [
        c
        for c in candidates
        if item is not None
        and item.sku == c.sku
        and (scan.serial is None or c.serial is None or c.serial.upper() == scan.serial)
    ]


def _units_back(session: Session, line: RmaLine) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(ReturnUnit)
            .where(ReturnUnit.rma_line_id == line.id, ReturnUnit.status.in_(LIVE_STATUSES))
        )
        or 0
    )


def _candidate(line: RmaLine) -> Candidate:
    return Candidate(
        line.id,
        line.rma_number,
        line.line_no,
        line.sku,
        line.item.name,
        line.rma.customer,
        line.serial,
    )
