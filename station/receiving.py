"""The receiving bench: count inbound goods against the expected receipt, onto plates, away.

A receipt starts from its ASN, PO or a pallet's SSCC, or blind from a supplier code. Goods
are counted by GTIN or GS1 scans (lot, expiry, serial and count in one read) onto the
current license plate; damaged units go off the plate to the damaged location; a lot with
too little shelf life waits for a supervisor. Plates nest, and a whole plate is put away
with one bin scan. ``CLOSE`` sums up the discrepancies and writes them to the outbox.

What waits for a supervisor or a reason is derived from rows on disk, so a bench that
restarts resumes there; what is only offered (an unexpected item, a pending serial, the
plate being nested or put away) lives in the immutable memory and may be lost in a crash.
"""

import dataclasses
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import ColumnElement, delete, func, select, text
from sqlalchemy.orm import Session

from station import settings as S
from station.bench import Bench
from station.commands import DAMAGE_REASONS
from station.counting import Counting
from station.errors import Refusal
from station.feedback import Feedback
from station.lookup import item_for
from station.operators import Role, SignedIn, require
from station.photos import keep_photo
from station.plates import PlateSteps
from station.receiving_checks import LineCount, shelf_life_problem
from station.receiving_events import close_receipt, counts, needing_approval
from station.receiving_view import PROMPTS, ReceivingView, RStep, receipt_view
from station.recording import audit, utcnow
from station.scans import Classified, ScanKind
from station.store.engine import Store
from station.store.schema import (
    ExpectedLine,
    ExpectedPallet,
    ExpectedReceipt,
    Item,
    Lpn,
    Photo,
    Receipt,
    Received,
    Supplier,
)

GOODS = (ScanKind.GTIN, ScanKind.GS1)


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


class ReceivingBench(PlateSteps, Bench[Counting]):
    roles = (Role.CLERK, Role.SUPERVISOR)
    work = "work the receiving bench"
    mode = "receiving"

    def __init__(
        self,
        store: Store,
        settings: S.Settings,
        photos: Path,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(store, settings, Counting())
        self.photos = photos
        self.today = today
        self.blind = settings[S.BLIND_COUNTS]
        self.default_tolerance = settings[S.DEFAULT_TOLERANCE_PCT]
        with store.read() as session:
            open_receipt = session.scalar(
                select(Receipt.id).where(Receipt.bench == self.bench, Receipt.status == "open")
            )
            # After a restart, goods go on where the last ones went, unless that plate left.
            plate = session.scalar(
                select(Lpn.code)
                .join(Received, Received.lpn == Lpn.code)
                .where(Received.receipt_id == open_receipt, Lpn.bin.is_(None))
                .order_by(Received.id.desc())
                .limit(1)
            )
        self.mem = Counting(receipt_id=open_receipt, plate=plate)

    # --- intents beyond a scan ----------------------------------------------------------

    def approve_with_pin(self, pin: str) -> Feedback:
        return self._with_pin(pin, self._supervise)

    def add_photo(self, source: Path) -> Feedback:
        """A photo of the damaged unit the bench is waiting on."""
        operator = self.operator
        with self.store.read() as session:
            damaged = self._pending_damage(session)
        if damaged is None or operator is None:
            return Feedback.bad("Photos at receiving are of damaged goods: scan DAMAGED first.")
        try:
            kept = keep_photo(self.photos / f"received-{damaged.id}", source)
        except OSError as exc:
            return Feedback.bad(f"The photo was not kept: {exc}")

        def write(session: Session) -> None:
            session.add(
                Photo(
                    received_id=damaged.id,
                    path=str(kept.path),
                    sha256=kept.sha256,
                    taken_at=utcnow(),
                )
            )
            audit(
                session,
                bench=self.bench,
                operator=operator.badge,
                action="photo_added",
                subject=str(damaged.id),
                file=kept.path.name,
            )

        return self._record(f"the photo {source.name}", write) or Feedback.good(
            f"Photo added ({source.name})."
        )

    # --- what the screen shows ----------------------------------------------------------

    def step(self) -> RStep:
        with self.store.read() as session:
            return self._step(session, self._receipt_or_none(session))

    def view(self) -> ReceivingView:
        with self.store.read() as session:
            receipt = self._receipt_or_none(session)
            step = self._step(session, receipt)
            last = (
                session.get(Receipt, self.mem.last_receipt_id) if self.mem.last_receipt_id else None
            )
            offered = self.mem.offered
            return ReceivingView(
                bench=self.bench,
                operator=self.operator,
                step=step,
                prompt=self._prompt(step),
                receipt=receipt_view(session, receipt, self.blind) if receipt else None,
                last=receipt_view(session, last, blind=False) if last else None,
                plate=self.mem.plate,
                putaway_plate=self.mem.putaway,
                suggested_bin=self.mem.suggested,
                offered=offered.value if offered else None,
                damage_reasons=DAMAGE_REASONS,
            )

    def _prompt(self, step: RStep) -> str:
        if step is RStep.PUTAWAY:
            target = self.mem.suggested or "any storage bin with room"
            return f"Put {self.mem.putaway} away: scan {target}"
        return PROMPTS[step]

    # --- the bench's own answers to the base class --------------------------------------

    def busy(self) -> bool:
        return self.mem.receipt_id is not None

    def _subject(self) -> dict[str, str | None]:
        return {"receipt_id": self.mem.receipt_id or self.mem.last_receipt_id}

    def _receipt_or_none(self, session: Session) -> Receipt | None:
        if self.mem.receipt_id is None:
            return None
        return session.get(Receipt, self.mem.receipt_id)

    def _receipt(self, session: Session) -> Receipt:
        receipt = self._receipt_or_none(session)
        if receipt is None:
            raise Refusal("No receipt in progress: scan an ASN, PO or pallet first.")
        return receipt

    def _step(self, session: Session, receipt: Receipt | None) -> RStep:
        if self.operator is None:
            return RStep.SIGN_IN
        if receipt is None:
            return RStep.START
        waiting = self._waiting(session)
        if waiting is not None:
            return waiting
        for pending, step in (
            (self.mem.awaiting_serial, RStep.SERIAL),
            (self.mem.offered, RStep.UNEXPECTED),
            (self.mem.nesting, RStep.NEST),
            (self.mem.putaway, RStep.PUTAWAY),
            (self.mem.closing, RStep.APPROVAL),
        ):
            if pending:
                return step
        return RStep.RECEIVE

    def _waiting(self, session: Session) -> RStep | None:
        """SHELF_LIFE or DAMAGE while a counted row waits for a supervisor or a reason and
        photo; one query, as it runs before every scan."""
        needs_supervisor = (
            Received.short_life.is_(True)
            & Received.accepted_by.is_(None)
            & Received.damaged.is_(False)
        )
        photographed = select(Photo.received_id).where(Photo.received_id.is_not(None))
        needs_evidence = Received.damaged.is_(True) & (
            Received.damage_reason.is_(None) | Received.id.not_in(photographed)
        )
        first: bool | None = session.connection().scalar(
            select(needs_supervisor)
            .where(
                Received.receipt_id == self.mem.receipt_id,
                text("(damaged OR short_life)"),  # as the partial index ix_received_flagged
                needs_supervisor | needs_evidence,
            )
            .order_by(needs_supervisor.desc())
            .limit(1)
        )
        if first is None:
            return None
        return RStep.SHELF_LIFE if first else RStep.DAMAGE

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

    def _advance(self, session: Session, scan: Classified) -> Feedback:
        receipt = self._receipt_or_none(session)
        step = self._step(session, receipt)
        if scan.kind is ScanKind.BADGE:
            who = self._badge_holder(session, scan)
            if step in (RStep.SHELF_LIFE, RStep.APPROVAL):
                return self._supervise(session, who)
            return self._sign_in(session, who)
        if scan.kind is ScanKind.COMMAND:
            return self._command(session, scan.value, step, receipt)
        if receipt is None:
            return self._start(session, scan)
        if scan.kind is ScanKind.LPN and step in (RStep.RECEIVE, RStep.NEST):
            return self._plate_scanned(session, receipt, scan.value)
        if scan.kind is ScanKind.BIN and step is RStep.PUTAWAY:
            return self._put_away(session, receipt, scan.value)
        if step is RStep.SERIAL and scan.serial is not None and self.mem.awaiting_serial:
            first = self.mem.awaiting_serial
            return self._count(session, receipt, dataclasses.replace(first, serial=scan.serial))
        if step is RStep.RECEIVE and scan.kind in GOODS:
            return self._count(session, receipt, scan)
        raise Refusal(f"A {scan.kind.value} is not expected now. {self._prompt(step)}.")

    # --- starting a receipt -------------------------------------------------------------

    def _start(self, session: Session, scan: Classified) -> Feedback:
        if scan.kind is ScanKind.SUPPLIER:
            supplier = session.get(Supplier, scan.value)
            if supplier is None:
                raise Refusal(f"Supplier {scan.value} is not known at this station.")
            return self._open(session, None, supplier, scan)
        expected = self._expected_for(session, scan)
        if expected is None:
            raise Refusal(
                f"No expected receipt for {scan.value}: scan the ASN, PO or pallet SSCC, "
                "or a supplier code for a blind receipt."
            )
        if expected.status != "open":
            raise Refusal(f"{expected.number} is {expected.status} in the ERP: ask the office.")
        already = session.scalar(
            select(Receipt).where(Receipt.number == expected.number, Receipt.status == "open")
        )
        if already is not None:
            raise Refusal(f"{expected.number} is being received at {already.bench}.")
        return self._open(session, expected, expected.supplier, scan)

    def _expected_for(self, session: Session, scan: Classified) -> ExpectedReceipt | None:
        if scan.kind is ScanKind.ASN:
            return session.get(ExpectedReceipt, scan.value)
        if scan.kind is ScanKind.PO:
            return session.scalar(
                select(ExpectedReceipt)
                .where(ExpectedReceipt.po_number == scan.value, ExpectedReceipt.status == "open")
                .limit(1)
            )
        if scan.kind is ScanKind.GS1 and scan.sscc and not scan.gtin:
            pallet = session.get(ExpectedPallet, scan.sscc)
            return session.get(ExpectedReceipt, pallet.receipt_number) if pallet else None
        return None

    def _open(
        self,
        session: Session,
        expected: ExpectedReceipt | None,
        supplier: Supplier,
        scan: Classified,
    ) -> Feedback:
        assert self.operator is not None
        receipt = Receipt(
            id=str(uuid.uuid4()),
            number=expected.number if expected else None,
            supplier_code=supplier.code,
            status="open",
            bench=self.bench,
            operator=self.operator.badge,
            started_at=utcnow(),
            identified_by=scan.scan.raw,
        )
        session.add(receipt)
        self.mem = Counting(receipt_id=receipt.id, last_receipt_id=self.mem.last_receipt_id)
        audit(
            session,
            bench=self.bench,
            operator=self.operator.badge,
            action="receipt_started",
            subject=receipt.id,
            asn=receipt.number,
            supplier=supplier.code,
        )
        if expected is None:
            return Feedback.good(
                f"Blind receipt for {supplier.name}: scan a plate, then the goods."
            )
        lines = len(expected.lines)
        return Feedback.good(
            f"{expected.number} from {supplier.name}, {lines} lines: scan a plate, then the goods."
        )

    # --- counting goods -----------------------------------------------------------------

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

    # --- command barcodes ---------------------------------------------------------------

    def _command(
        self, session: Session, code: str, step: RStep, receipt: Receipt | None
    ) -> Feedback:
        word, _, argument = code.partition("-")
        if receipt is None:
            raise Refusal(f"{code} needs a receipt in progress: {self._prompt(step)}.")
        if word == "CANCEL":
            return self._cancel(session, receipt)
        if word == "UNDO":
            return self._undo(session)
        handlers: dict[tuple[str, RStep], Callable[[], Feedback]] = {
            ("QTY", RStep.RECEIVE): lambda: self._quantity(session, int(argument)),
            ("DAMAGED", RStep.RECEIVE): lambda: self._damaged(session),
            ("REASON", RStep.DAMAGE): lambda: self._damage_reason(session, argument),
            ("ADD", RStep.UNEXPECTED): lambda: self._add_offered(session, receipt),
            ("NEW", RStep.RECEIVE): lambda: self._new_plate(session, receipt),
            ("NEW", RStep.NEST): lambda: self._new_plate(session, receipt),
            ("NEST", RStep.RECEIVE): lambda: self._start_nesting(session),
            ("PUTAWAY", RStep.RECEIVE): lambda: self._suggest(session),
            ("CLOSE", RStep.RECEIVE): lambda: self._close(session, receipt),
        }
        handler = handlers.get((word, step))
        if handler is None:
            raise Refusal(f"{code} does not fit this step. {self._prompt(step)}.")
        return handler()

    def _cancel(self, session: Session, receipt: Receipt) -> Feedback:
        if self.mem.offered or self.mem.awaiting_serial or self.mem.nesting or self.mem.putaway:
            self.mem = Counting(
                receipt_id=receipt.id,
                last_receipt_id=self.mem.last_receipt_id,
                plate=self.mem.plate,
            )
            return Feedback.good("Cleared.")
        if self.mem.closing:
            self.mem = dataclasses.replace(self.mem, closing=False)
            return Feedback.good("Not closed: the receipt stays open.")
        if receipt.received:
            raise Refusal("Goods are counted on this receipt: UNDO them first, or CLOSE it.")
        assert self.operator is not None
        receipt.status, receipt.closed_at = "cancelled", utcnow()
        audit(
            session,
            bench=self.bench,
            operator=self.operator.badge,
            action="receipt_cancelled",
            subject=receipt.id,
        )
        self.mem = Counting(last_receipt_id=self.mem.last_receipt_id)
        return Feedback.good("Receipt cancelled.")

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

    # --- closing, and what only a supervisor may do -------------------------------------

    def _close(self, session: Session, receipt: Receipt) -> Feedback:
        operator = self.operator
        assert operator is not None
        waiting = self._not_put_away(session, receipt)
        if waiting:
            raise Refusal(f"Put away {', '.join(waiting)} first (PUTAWAY).")
        tally = counts(session, receipt, self.default_tolerance)
        breaches = needing_approval(tally)
        if breaches and operator.role is not Role.SUPERVISOR:
            self.mem = dataclasses.replace(self.mem, closing=True)
            listed = "; ".join(breaches)
            return Feedback.warn(f"Beyond tolerance: {listed}. A supervisor must approve.")
        return self._closed(
            session, receipt, tally, operator, approver=operator if breaches else None
        )

    def _closed(
        self,
        session: Session,
        receipt: Receipt,
        tally: list[LineCount],
        operator: SignedIn,
        approver: SignedIn | None,
    ) -> Feedback:
        feedback = close_receipt(session, receipt, tally, operator, approver)
        self.mem = Counting(last_receipt_id=receipt.id)
        return feedback

    def _supervise(self, session: Session, who: SignedIn) -> Feedback:
        receipt = self._receipt(session)
        step = self._step(session, receipt)
        if step is RStep.SHELF_LIFE:
            require(who, Role.SUPERVISOR, action="accept a short shelf life")
            for row in self._pending_shelf_life(session):
                row.accepted_by = who.badge
                audit(
                    session,
                    bench=self.bench,
                    operator=who.badge,
                    action="shelf_life_accepted",
                    subject=str(row.id),
                    sku=row.sku,
                    lot=row.lot,
                    expiry=row.expiry.isoformat() if row.expiry else None,
                )
            return Feedback.good(f"Shelf life accepted by {who.name}.")
        if step is RStep.APPROVAL:
            require(who, Role.SUPERVISOR, action="approve a receipt beyond tolerance")
            assert self.operator is not None
            tally = counts(session, receipt, self.default_tolerance)
            return self._closed(session, receipt, tally, self.operator, who)
        raise Refusal("Nothing waits for a supervisor now.")
