"""Counting goods at the receiving bench: GTIN and GS1 scans onto the current plate.

One GS1 read can carry the item, its lot, expiry, serial and count. Repeated scans of the
same goods onto the same plate add up in one row; ``QTY`` sets the count of the goods
just scanned. A serial is received once, ever; a lot with too little shelf life left
waits for a supervisor; a damaged unit leaves the plate and needs a reason and a photo.
"""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from station.commands import DAMAGE_REASONS
from station.counting import Counting
from station.errors import Refusal
from station.feedback import Feedback
from station.lookup import item_for
from station.operators import SignedIn
from station.receiving_checks import shelf_life_problem
from station.recording import audit, utcnow
from station.scans import Classified
from station.store.schema import (
    ExpectedLine,
    ExpectedPallet,
    Item,
    Lpn,
    Photo,
    Receipt,
    Received,
)


@dataclass(frozen=True)
class LineState:
    """An expected line as a scan needs it: what it announced and what it has counted."""

    id: int
    line_no: int
    expected: int
    lot: str | None
    counted: int


def _lines(session: Session, *where: ColumnElement[bool]) -> list[LineState]:
    """Expected lines with their counts so far, in one query: it runs for every scan."""
    counted = (
        select(func.coalesce(func.sum(Received.quantity), 0))
        .where(Received.line_id == ExpectedLine.id, Received.damaged.is_(False))
        .scalar_subquery()
    )
    query = select(
        ExpectedLine.id, ExpectedLine.line_no, ExpectedLine.quantity, ExpectedLine.lot, counted
    )
    rows = session.connection().execute(query.where(*where).order_by(ExpectedLine.line_no))
    return [LineState(*row) for row in rows]


class GoodsSteps:
    """The counting of ``ReceivingBench``; a mixin so both share one memory."""

    bench: str
    operator: SignedIn | None
    mem: Counting
    blind: bool
    today: Callable[[], date]

    def _pending_shelf_life(self, session: Session) -> list[Received]:
        return list(
            session.scalars(
                select(Received).where(
                    Received.receipt_id == self.mem.receipt_id,
                    Received.short_life.is_(True),
                    Received.accepted_by.is_(None),
                    Received.damaged.is_(False),
                )
            )
        )

    def _pending_damage(self, session: Session) -> Received | None:
        """The damaged unit still missing its reason or its photo."""
        photographed = select(Photo.received_id).where(Photo.received_id.is_not(None))
        return session.scalar(
            select(Received)
            .where(
                Received.receipt_id == self.mem.receipt_id,
                Received.damaged.is_(True),
                (Received.damage_reason.is_(None)) | (Received.id.not_in(photographed)),
            )
            .limit(1)
        )

    def _count(self, session: Session, receipt: Receipt, scan: Classified) -> Feedback:
        if scan.gtin is None:
            return self._pallet_of(session, receipt, scan)
        item = item_for(session, scan)
        if item is None:
            raise Refusal(f"GTIN {scan.gtin} is not an item this station knows: set it aside.")
        line = self._line_for(session, receipt, item, scan.lot)
        if receipt.number is not None and line is None and not self.mem.offered:
            self.mem = dataclasses.replace(self.mem, offered=scan)
            return Feedback.warn(
                f"{item.sku} {item.name} is not on {receipt.number}: scan ADD to receive it "
                "as an unexpected line, or set it aside and CANCEL."
            )
        return self._take(session, receipt, item, line, scan)

    def _pallet_of(self, session: Session, receipt: Receipt, scan: Classified) -> Feedback:
        pallet = session.get(ExpectedPallet, scan.sscc) if scan.sscc else None
        if pallet is None or pallet.receipt_number != receipt.number:
            raise Refusal(f"Pallet {scan.sscc} is not on this receipt.")
        return Feedback.good(f"Pallet {scan.sscc} of {receipt.number}: scan its goods.")

    def _line_for(
        self, session: Session, receipt: Receipt, item: Item, lot: str | None
    ) -> LineState | None:
        """The expected line these goods count against: the one announcing their lot, if
        any, else the first of their item."""
        if receipt.number is None:
            return None
        lines = _lines(
            session, ExpectedLine.receipt_number == receipt.number, ExpectedLine.sku == item.sku
        )
        same_lot = [line for line in lines if lot is not None and line.lot == lot]
        chosen = same_lot or lines
        return chosen[0] if chosen else None

    def _take(
        self,
        session: Session,
        receipt: Receipt,
        item: Item,
        line: LineState | None,
        scan: Classified,
    ) -> Feedback:
        assert self.operator is not None
        plate = self.mem.plate
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
                self.mem = dataclasses.replace(self.mem, awaiting_serial=scan, offered=None)
                return Feedback.good(f"{item.sku}: scan the serial number.")
            self._refuse_known_serial(session, item, scan.serial)
        short = shelf_life_problem(item, scan.expiry, self.today())
        row = self._merge_or_add(
            session, receipt, item, line, scan, quantity=quantity, short_life=short is not None
        )
        self.mem = dataclasses.replace(self.mem, offered=None, awaiting_serial=None)
        said = f"{item.sku} ×{quantity} → {plate}"
        if line is not None:
            said += self._progress(line, line.counted + quantity)
        elif self.mem.offered:
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

    def _merge_or_add(
        self,
        session: Session,
        receipt: Receipt,
        item: Item,
        line: LineState | None,
        scan: Classified,
        *,
        quantity: int,
        short_life: bool,
    ) -> Received:
        """Repeated scans of the same goods onto the same plate add up in one row."""
        assert self.operator is not None
        last = self._last_received(session)
        if (
            last is not None
            and not short_life
            and scan.serial is None
            and (last.sku, last.lot, last.expiry, last.lpn)
            == (item.sku, scan.lot, scan.expiry, self.mem.plate)
            and last.line_id == (line.id if line else None)
            and not (last.damaged or last.short_life or last.serial)
        ):
            last.quantity += quantity
            return last
        row = Received(
            receipt_id=receipt.id,
            line_id=line.id if line else None,
            sku=item.sku,
            quantity=quantity,
            lot=scan.lot,
            expiry=scan.expiry,
            serial=scan.serial,
            lpn=self.mem.plate,
            short_life=short_life,
            received_at=utcnow(),
            operator=self.operator.badge,
        )
        session.add(row)
        return row

    def _progress(self, line: LineState, counted: int) -> str:
        if self.blind:
            return f" (line {line.line_no}: {counted} counted)"
        return f" (line {line.line_no}: {counted} of {line.expected})"

    def _last_received(self, session: Session) -> Received | None:
        return session.scalar(
            select(Received)
            .where(Received.receipt_id == self.mem.receipt_id)
            .order_by(Received.id.desc())
            .limit(1)
        )

    def _undo(self, session: Session) -> Feedback:
        assert self.operator is not None
        last = self._last_received(session)
        if last is None:
            raise Refusal("Nothing counted on this receipt to undo.")
        plate = session.get(Lpn, last.lpn) if last.lpn else None
        if plate is not None and plate.bin is not None:
            raise Refusal(f"{last.sku} is put away already: nothing to undo.")
        session.execute(delete(Photo).where(Photo.received_id == last.id))
        session.delete(last)
        audit(
            session,
            bench=self.bench,
            operator=self.operator.badge,
            action="received_undone",
            subject=str(last.id),
            sku=last.sku,
            quantity=last.quantity,
            lot=last.lot,
            serial=last.serial,
            damaged=last.damaged,
        )
        return Feedback.good(f"Undone: {last.sku} ×{last.quantity}.")

    def _quantity(self, session: Session, quantity: int) -> Feedback:
        last = self._last_received(session)
        if last is None or last.damaged:
            raise Refusal("QTY sets the count of the goods just scanned: scan them first.")
        if last.serial is not None:
            raise Refusal(f"{last.sku} is serial-tracked: scan each unit's serial.")
        last.quantity = quantity
        said = f"{last.sku} ×{quantity} → {last.lpn}"
        if last.line_id is not None:
            session.flush()
            (line,) = _lines(session, ExpectedLine.id == last.line_id)
            said += self._progress(line, line.counted)
        return Feedback.good(said + ".")

    def _damaged(self, session: Session) -> Feedback:
        """One unit of the goods just counted is damaged: off the plate, never into stock."""
        last = session.scalar(
            select(Received)
            .where(Received.receipt_id == self.mem.receipt_id, Received.damaged.is_(False))
            .order_by(Received.id.desc())
            .limit(1)
        )
        if last is None:
            raise Refusal("Scan the damaged unit first, then DAMAGED.")
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

    def _damage_reason(self, session: Session, reason: str) -> Feedback:
        if reason not in DAMAGE_REASONS:
            raise Refusal(f"{reason} is not a damage reason: {', '.join(DAMAGE_REASONS)}.")
        damaged = self._pending_damage(session)
        assert damaged is not None, "the DAMAGE step has a damaged unit waiting"
        damaged.damage_reason = reason
        if not damaged.photos:
            return Feedback.good(f"Damage: {reason.lower()}. Now add a photo of it.")
        return Feedback.good(f"Damage: {reason.lower()}.")

    def _add_offered(self, session: Session, receipt: Receipt) -> Feedback:
        offered = self.mem.offered
        assert offered is not None
        item = item_for(session, offered)
        assert item is not None, "only a known item is offered"
        return self._take(session, receipt, item, None, offered)
