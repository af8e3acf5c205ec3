"""Counting goods at the receiving bench: GTIN and GS1 scans onto the current plate.

One GS1 read can carry the item, its lot, expiry, serial and count. Each scan is a row of
its own, so ``QTY`` sets the count of the goods just scanned and ``UNDO`` takes back just
that scan. A serial is received once, ever; a lot with too little shelf life left
waits for a supervisor; a damaged unit leaves the plate and needs a reason and a photo.
"""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from station.commands import DAMAGE_REASONS
from station.errors import Refusal
from station.feedback import Feedback
from station.items import item_for
from station.receiving.checks import shelf_life_problem
from station.receiving.counting import Desk
from station.recording import utcnow
from station.scans import Classified
from station.states import SerialUse
from station.store.schema import (
    ExpectedLine,
    ExpectedPallet,
    Item,
    Lpn,
    Photo,
    Receipt,
    Received,
    SiteSerial,
)


@dataclass(frozen=True)
class LineState:
    """An expected line as a scan needs it: what it announced and what it has counted."""

    id: int
    line_no: int
    expected: int
    lot: str | None
    counted: int


def _lines(session: Session, receipt_id: str, *where: ColumnElement[bool]) -> list[LineState]:
    """Expected lines with what this receipt counted on them, in one query: it runs for
    every scan."""
    counted = (
        select(func.coalesce(func.sum(Received.quantity), 0))
        .where(
            Received.line_id == ExpectedLine.id,
            Received.receipt_id == receipt_id,
            Received.damaged.is_(False),
        )
        .scalar_subquery()
    )
    query = select(
        ExpectedLine.id, ExpectedLine.line_no, ExpectedLine.quantity, ExpectedLine.lot, counted
    )
    rows = session.connection().execute(query.where(*where).order_by(ExpectedLine.line_no))
    return [LineState(*row) for row in rows]


# Counted rows the bench waits on: a short shelf life nobody accepted yet, and a damaged
# unit without its reason or photo.
NEEDS_SUPERVISOR = (
    Received.short_life.is_(True) & Received.accepted_by.is_(None) & Received.damaged.is_(False)
)
NEEDS_EVIDENCE = Received.damaged.is_(True) & (
    Received.damage_reason.is_(None)
    | Received.id.not_in(select(Photo.received_id).where(Photo.received_id.is_not(None)))
)


class Goods:
    """The counting of the receiving bench ``desk``: scans onto its plate, in its memory."""

    def __init__(self, desk: Desk, *, blind: bool, today: Callable[[], date]) -> None:
        self.desk = desk
        self.blind = blind  # the clerk counts without seeing what the supplier announced
        self.today = today

    def pending_shelf_life(self, session: Session) -> list[Received]:
        return list(
            session.scalars(
                select(Received).where(
                    Received.receipt_id == self.desk.mem.receipt_id, NEEDS_SUPERVISOR
                )
            )
        )

    def pending_damage(self, session: Session) -> Received | None:
        """The damaged unit still missing its reason or its photo."""
        return session.scalar(
            select(Received)
            .where(Received.receipt_id == self.desk.mem.receipt_id, NEEDS_EVIDENCE)
            .limit(1)
        )

    def count(
        self, session: Session, receipt: Receipt, scan: Classified, *, offer: bool = True
    ) -> Feedback:
        """Goods scanned: onto their expected line, or offered as unexpected the first time
        an item off the receipt is scanned (``offer`` False once the clerk took it)."""
        if scan.gtin is None:
            return self._pallet_of(session, receipt, scan)
        item = item_for(session, scan)
        if item is None:
            raise Refusal(f"GTIN {scan.gtin} is not an item this station knows: set it aside.")
        line = self._line_for(session, receipt, item, scan.lot)
        unexpected = receipt.number is not None and line is None
        if unexpected and offer and not self._taken_before(session, receipt, item):
            self.desk.mem = dataclasses.replace(self.desk.mem, offered=scan, awaiting_serial=None)
            return Feedback.warn(
                f"{item.sku} {item.name} is not on {receipt.number}: scan ADD to receive it "
                "as an unexpected line, or set it aside and CANCEL."
            )
        return self._take(session, receipt, item, line, scan, unexpected=unexpected)

    def _taken_before(self, session: Session, receipt: Receipt, item: Item) -> bool:
        """Whether the clerk already took this item as an unexpected line of the receipt."""
        return (
            session.scalar(
                select(Received.id)
                .where(
                    Received.receipt_id == receipt.id,
                    Received.sku == item.sku,
                    Received.line_id.is_(None),
                )
                .limit(1)
            )
            is not None
        )

    def _pallet_of(self, session: Session, receipt: Receipt, scan: Classified) -> Feedback:
        if scan.sscc is None:
            raise Refusal("This GS1 code names no item (01) and no pallet (00): scan the item.")
        pallet = session.get(ExpectedPallet, scan.sscc)
        if pallet is None or pallet.receipt_number != receipt.number:
            raise Refusal(f"Pallet {scan.sscc} is not on this receipt.")
        return Feedback.good(f"Pallet {scan.sscc} of {receipt.number}: scan its goods.")

    def _line_for(
        self, session: Session, receipt: Receipt, item: Item, lot: str | None
    ) -> LineState | None:
        """The expected line these goods count against: among the lines announcing their
        lot (else all lines of their item), the first not yet full, else the first."""
        if receipt.number is None:
            return None
        lines = _lines(
            session,
            receipt.id,
            ExpectedLine.receipt_number == receipt.number,
            ExpectedLine.sku == item.sku,
        )
        candidates = [line for line in lines if lot is not None and line.lot == lot] or lines
        open_lines = [line for line in candidates if line.counted < line.expected]
        chosen = open_lines or candidates
        return chosen[0] if chosen else None

    def _take(
        self,
        session: Session,
        receipt: Receipt,
        item: Item,
        line: LineState | None,
        scan: Classified,
        *,
        unexpected: bool = False,
    ) -> Feedback:
        assert self.desk.operator is not None
        plate = self.desk.mem.plate
        if plate is None:
            raise Refusal("Scan a license plate (or NEW-LPN) first: counted goods go onto a plate.")
        if item.lot_tracked and not scan.lot:
            raise Refusal(f"{item.sku} is lot-tracked: scan its GS1 code with the lot (10).")
        if item.min_shelf_life_days is not None and scan.expiry is None:
            raise Refusal(f"{item.sku} needs its expiry date: scan the GS1 code with (17).")
        quantity = scan.quantity or 1
        if item.serial_tracked:
            if quantity != 1:
                raise Refusal(f"{item.sku} is serial-tracked: one serial per unit, count 1.")
            if scan.serial is None:
                self.desk.mem = dataclasses.replace(
                    self.desk.mem, awaiting_serial=scan, offered=None
                )
                return Feedback.good(f"{item.sku}: scan the serial number.")
            self._refuse_known_serial(session, item, scan.serial)
        short = shelf_life_problem(item, scan.expiry, self.today())
        row = Received(
            receipt_id=receipt.id,
            line_id=line.id if line else None,
            sku=item.sku,
            quantity=quantity,
            lot=scan.lot,
            expiry=scan.expiry,
            serial=scan.serial,
            lpn=plate,
            short_life=short is not None,
            received_at=utcnow(),
            operator=self.desk.operator.badge,
        )
        session.add(row)
        self.desk.mem = dataclasses.replace(self.desk.mem, offered=None, awaiting_serial=None)
        said = f"{item.sku} ×{quantity} → {plate}"
        if line is not None:
            said += self._progress(line, line.counted + quantity)
        elif unexpected:
            said += " (unexpected)"
        if short is not None:
            return Feedback.warn(
                f"{said}. Lot {row.lot}: {short}. A supervisor must accept it (badge or PIN), "
                "or UNDO."
            )
        if line is not None and line.lot and scan.lot and line.lot != scan.lot:
            return Feedback.warn(f"{said}. Lot {scan.lot}, the supplier announced {line.lot}.")
        return Feedback.good(said + ".")

    def _refuse_known_serial(self, session: Session, item: Item, serial: str) -> None:
        known = session.scalar(
            select(Received).where(Received.sku == item.sku, Received.serial == serial)
        )
        if known is not None:
            when = known.received_at.strftime("%Y-%m-%d %H:%M")
            raise Refusal(f"Serial {serial} of {item.sku} was already received ({when}).")
        # Received at another bench of the site, as the site's feed last told this bench.
        elsewhere = session.scalar(
            select(SiteSerial).where(
                SiteSerial.use == SerialUse.RECEIVED,
                SiteSerial.serial == serial,
                SiteSerial.bench != self.desk.bench_id,
            )
        )
        if elsewhere is not None:
            on = f" on {elsewhere.document}" if elsewhere.document else ""
            raise Refusal(
                f"Serial {serial} was already received at {elsewhere.bench}{on} "
                f"({elsewhere.taken_at:%Y-%m-%d %H:%M}): a serial comes in once."
            )

    def _progress(self, line: LineState, counted: int) -> str:
        if self.blind:
            return f" (line {line.line_no}: {counted} counted)"
        return f" (line {line.line_no}: {counted} of {line.expected})"

    def _last_received(self, session: Session, *, good: bool = False) -> Received | None:
        """The goods of the latest scan (``good``: the latest not marked damaged)."""
        query = select(Received).where(Received.receipt_id == self.desk.mem.receipt_id)
        if good:
            query = query.where(Received.damaged.is_(False))
        return session.scalar(query.order_by(Received.id.desc()).limit(1))

    def _refuse_put_away(self, session: Session, row: Received) -> None:
        """Goods in a bin are the putaway's facts (and its event's): they stay as counted."""
        plate = session.get(Lpn, row.lpn) if row.lpn else None
        if plate is not None and plate.bin is not None:
            raise Refusal(f"{row.sku} on {plate.code} is put away in {plate.bin} already.")

    def undo(self, session: Session) -> Feedback:
        """Take back the last scan's goods; a damaged unit goes back on the plate as good."""
        assert self.desk.operator is not None
        last = self._last_received(session)
        if last is None:
            raise Refusal("Nothing counted on this receipt to undo.")
        self._refuse_put_away(session, last)
        session.execute(delete(Photo).where(Photo.received_id == last.id))
        if last.damaged and self.desk.mem.plate is not None:
            last.damaged, last.damage_reason, last.lpn = False, None, self.desk.mem.plate
            self.desk.audit(session, "damage_undone", str(last.id), sku=last.sku)
            return Feedback.good(f"Undone: {last.sku} is counted good again, on {last.lpn}.")
        session.delete(last)
        self.desk.audit(
            session,
            "received_undone",
            str(last.id),
            sku=last.sku,
            quantity=last.quantity,
            lot=last.lot,
            serial=last.serial,
            damaged=last.damaged,
        )
        return Feedback.good(f"Undone: {last.sku} ×{last.quantity}.")

    def set_quantity(self, session: Session, quantity: int) -> Feedback:
        last = self._last_received(session)
        if last is None or last.damaged:
            raise Refusal("QTY sets the count of the goods just scanned: scan them first.")
        if last.serial is not None:
            raise Refusal(f"{last.sku} is serial-tracked: scan each unit's serial.")
        self._refuse_put_away(session, last)
        last.quantity = quantity
        said = f"{last.sku} ×{quantity} → {last.lpn}"
        if last.line_id is not None:
            session.flush()
            (line,) = _lines(session, last.receipt_id, ExpectedLine.id == last.line_id)
            said += self._progress(line, line.counted)
        if last.short_life and last.accepted_by is not None:
            last.accepted_by = None  # the supervisor accepted another count
            return Feedback.warn(f"{said}. The short shelf life must be accepted again.")
        return Feedback.good(said + ".")

    def mark_damaged(self, session: Session) -> Feedback:
        """One unit of the goods just counted is damaged: off the plate, never into stock."""
        last = self._last_received(session, good=True)
        if last is None:
            raise Refusal("Scan the damaged unit first, then DAMAGED.")
        self._refuse_put_away(session, last)
        if last.quantity > 1:
            last.quantity -= 1
            last = Received(
                receipt_id=last.receipt_id,
                line_id=last.line_id,
                sku=last.sku,
                quantity=1,
                lot=last.lot,
                expiry=last.expiry,
                serial=None,
                received_at=utcnow(),
                operator=last.operator,
            )
            session.add(last)
        last.damaged, last.lpn, last.short_life = True, None, False
        return Feedback.warn(f"{last.sku}: one unit damaged. Scan the reason and add a photo.")

    def set_damage_reason(self, session: Session, reason: str) -> Feedback:
        if reason not in DAMAGE_REASONS:
            raise Refusal(f"{reason} is not a damage reason: {', '.join(DAMAGE_REASONS)}.")
        damaged = self.pending_damage(session)
        assert damaged is not None, "the DAMAGE step has a damaged unit waiting"
        damaged.damage_reason = reason
        if not damaged.photos:
            return Feedback.good(f"Damage: {reason.lower()}. Now add a photo of it.")
        return Feedback.good(f"Damage: {reason.lower()}.")

    def add_offered(self, session: Session, receipt: Receipt) -> Feedback:
        offered = self.desk.mem.offered
        assert offered is not None
        item = item_for(session, offered)
        assert item is not None, "only a known item is offered"
        return self._take(session, receipt, item, None, offered, unexpected=True)
