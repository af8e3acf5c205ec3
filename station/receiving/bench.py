"""The receiving bench: count inbound goods against the expected receipt, onto plates, away.

A receipt starts from its ASN, PO or a pallet's SSCC, or blind from a supplier code. Goods
are counted by GTIN or GS1 scans (lot, expiry, serial and count in one read) onto the
current license plate; damaged units go off the plate to the damaged location; a lot with
too little shelf life waits for a supervisor. Plates nest, and a whole plate is put away
with one bin scan. ``CLOSE`` sums up the discrepancies and writes them to the outbox.
This module starts and closes receipts and routes each scan by step; counting the goods
is ``station.receiving.goods``, plates and putaway ``station.receiving.plates``.

What waits for a supervisor or a reason is derived from rows on disk, so a bench that
restarts resumes there; what is only offered (an unexpected item, a pending serial, the
plate being nested or put away) lives in the immutable memory and may be lost in a crash.
"""

import dataclasses
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session

from station.bench import Bench
from station.commands import DAMAGE_REASONS, CommandCode
from station.errors import Refusal
from station.feedback import Feedback
from station.operators import Role, SignedIn, by_badge, require
from station.receiving.checks import LineCount
from station.receiving.counting import Counting
from station.receiving.events import close_receipt, counts, needing_approval
from station.receiving.goods import NEEDS_EVIDENCE, NEEDS_SUPERVISOR, Goods
from station.receiving.plates import Plates
from station.receiving.view import PROMPTS, ReceivingView, RStep, receipt_view
from station.recording import utcnow
from station.scans import Classified, ScanKind, not_expected
from station.setting_keys import BLIND_COUNTS, DEFAULT_TOLERANCE_PCT
from station.settings import Settings
from station.states import ExpectedStatus, ReceiptStatus
from station.store.engine import Store
from station.store.schema import (
    ExpectedPallet,
    ExpectedReceipt,
    Lpn,
    Receipt,
    Received,
    Supplier,
)

GOODS = (ScanKind.GTIN, ScanKind.GS1)


class ReceivingBench(Bench[Counting]):
    roles = (Role.CLERK, Role.SUPERVISOR)
    work = "work the receiving bench"
    mode = "receiving"
    finish = "Close (CLOSE) or cancel (CANCEL) the receipt first."
    # A receipt can outlast a shift: the next clerk signs in and carries it on (audited).
    handover = True

    def __init__(
        self,
        store: Store,
        settings: Settings,
        photos: Path,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(store, settings, Counting())
        self.photos = photos
        self.blind = settings[BLIND_COUNTS]
        self.goods = Goods(self, blind=self.blind, today=today)
        self.plates = Plates(self)
        self.default_tolerance = settings[DEFAULT_TOLERANCE_PCT]
        with store.read() as session:
            open_receipt = session.scalar(
                select(Receipt.id).where(
                    Receipt.bench == self.bench_id, Receipt.status == ReceiptStatus.OPEN
                )
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
        with self.store.read() as session:
            damaged = self.goods.pending_damage(session)
        if damaged is None or self.operator is None:
            return Feedback.bad("Photos at receiving are of damaged goods: scan DAMAGED first.")
        folder = self.photos / f"received-{damaged.id}"
        return self._keep_photo(source, folder, str(damaged.id), {"received_id": damaged.id})

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
                bench=self.bench_id,
                operator=self.operator,
                step=step,
                prompt=self._prompt(step),
                receipt=receipt_view(session, receipt, self.blind) if receipt else None,
                last=receipt_view(session, last, blind=False) if last else None,
                plate=self.mem.plate,
                plate_contents=self.plates.summary(session, self.mem.putaway or self.mem.plate),
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

    def _open_work(self, session: Session) -> str | None:
        receipt = self._receipt_or_none(session)
        if receipt is None:
            return None
        what = receipt.number or f"A blind receipt for {receipt.supplier.name}"
        return f"{what} is open at step {self._work_step(session, receipt)}"

    def _cancel_loses_work(self, session: Session) -> bool:
        receipt = self._receipt_or_none(session)
        return receipt is not None and not receipt.received and not self._cancel_clears()

    def _cancel_clears(self) -> bool:
        """CANCEL answers a question the bench asked (an offer, a serial, a nest, a putaway,
        a close) instead of ending the receipt."""
        mem = self.mem
        return bool(mem.offered or mem.awaiting_serial or mem.nesting or mem.putaway or mem.closing)

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
        return RStep.SIGN_IN if self.operator is None else self._work_step(session, receipt)

    def _work_step(self, session: Session, receipt: Receipt | None) -> RStep:
        """Where the work stands, whoever is signed in (or nobody, after a restart)."""
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
            (self._close_waits(receipt), RStep.APPROVAL),
        ):
            if pending:
                return step
        return RStep.RECEIVE

    def _close_waits(self, receipt: Receipt | None) -> bool:
        """The close waits for a supervisor: at this bench, or in the supervisor's queue,
        until one approves (then CLOSE again closes it) or refuses (the clerk recounts)."""
        return (
            self.mem.closing
            and receipt is not None
            and receipt.close_waits_for is not None
            and receipt.approved_by is None
        )

    def _waiting(self, session: Session) -> RStep | None:
        """SHELF_LIFE or DAMAGE while a counted row waits for a supervisor or a reason and
        photo; one query, as it runs before every scan."""
        first: bool | None = session.connection().scalar(
            select(NEEDS_SUPERVISOR)
            .where(
                Received.receipt_id == self.mem.receipt_id,
                text("(damaged OR short_life)"),  # as the partial index ix_received_flagged
                NEEDS_SUPERVISOR | NEEDS_EVIDENCE,
            )
            .order_by(NEEDS_SUPERVISOR.desc())
            .limit(1)
        )
        if first is None:
            return None
        return RStep.SHELF_LIFE if first else RStep.DAMAGE

    def _advance(self, session: Session, scan: Classified) -> Feedback:
        receipt = self._receipt_or_none(session)
        step = self._step(session, receipt)
        if scan.kind is ScanKind.BADGE:
            who = self._badge_holder(session, scan)
            if step in (RStep.SHELF_LIFE, RStep.APPROVAL):
                return self._supervise(session, who)
            return self._sign_in(session, who)
        if scan.command is not None:
            return self._command(session, scan.command, step, receipt)
        if receipt is None:
            return self._start(session, scan)
        if scan.kind is ScanKind.LPN and step in (RStep.RECEIVE, RStep.NEST):
            return self.plates.plate_scanned(session, receipt, scan.value)
        if scan.kind is ScanKind.BIN and step is RStep.PUTAWAY:
            return self.plates.put_away(session, receipt, scan.value)
        if step is RStep.SERIAL and scan.serial is not None and self.mem.awaiting_serial:
            first = self.mem.awaiting_serial
            if scan.gtin is not None and scan.gtin != first.gtin:
                raise Refusal("That code is another item's: scan the serial of the unit in hand.")
            serialised = dataclasses.replace(first, serial=scan.serial)
            return self.goods.count(session, receipt, serialised, offer=False)
        if step is RStep.RECEIVE and scan.kind in GOODS:
            return self.goods.count(session, receipt, scan)
        raise Refusal(not_expected(scan.kind, self._prompt(step)))

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
        if expected.status != ExpectedStatus.OPEN:
            raise Refusal(f"{expected.number} is {expected.status} in the ERP: ask the office.")
        already = session.scalar(
            select(Receipt).where(
                Receipt.number == expected.number,
                Receipt.status.in_((ReceiptStatus.OPEN, ReceiptStatus.CLOSED)),
            )
        )
        if already is not None and already.status == ReceiptStatus.OPEN:
            raise Refusal(f"{expected.number} is being received at {already.bench}.")
        if already is not None:
            when = already.closed_at.strftime("%Y-%m-%d %H:%M") if already.closed_at else ""
            raise Refusal(
                f"{expected.number} was received and closed at {already.bench} ({when}): "
                "ask the office before receiving it again."
            )
        taken_over = self._claim(session, expected.number, expected.number)
        said = self._open(session, expected, expected.supplier, scan)
        return dataclasses.replace(said, message=taken_over + said.message)

    def _expected_for(self, session: Session, scan: Classified) -> ExpectedReceipt | None:
        if scan.kind is ScanKind.ASN:
            return session.get(ExpectedReceipt, scan.value)
        if scan.kind is ScanKind.PO:
            return session.scalar(
                select(ExpectedReceipt)
                .where(
                    ExpectedReceipt.po_number == scan.value,
                    ExpectedReceipt.status == ExpectedStatus.OPEN,
                )
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
            status=ReceiptStatus.OPEN,
            bench=self.bench_id,
            operator=self.operator.badge,
            started_at=utcnow(),
            identified_by=scan.scan.raw,
        )
        session.add(receipt)
        self.mem = Counting(receipt_id=receipt.id, last_receipt_id=self.mem.last_receipt_id)
        self.audit(
            session, "receipt_started", receipt.id, asn=receipt.number, supplier=supplier.code
        )
        if expected is None:
            return Feedback.good(
                f"Blind receipt for {supplier.name}: scan a plate, then the goods."
            )
        lines = len(expected.lines)
        return Feedback.good(
            f"{expected.number} from {supplier.name}, {lines} lines: scan a plate, then the goods."
        )

    # --- command barcodes ---------------------------------------------------------------

    def _command(
        self, session: Session, command: CommandCode, step: RStep, receipt: Receipt | None
    ) -> Feedback:
        word, argument = command.word, command.argument
        if receipt is None:
            raise Refusal(f"{command.code} needs a receipt in progress: {self._prompt(step)}.")
        if word == "CANCEL":
            return self._cancel(session, receipt)
        if word == "UNDO" and step in (RStep.RECEIVE, RStep.SHELF_LIFE, RStep.DAMAGE):
            return self.goods.undo(session)
        handlers: dict[tuple[str, RStep], Callable[[], Feedback]] = {
            ("QTY", RStep.RECEIVE): lambda: self.goods.set_quantity(session, int(argument)),
            ("DAMAGED", RStep.RECEIVE): lambda: self.goods.mark_damaged(session),
            ("REASON", RStep.DAMAGE): lambda: self.goods.set_damage_reason(session, argument),
            ("ADD", RStep.UNEXPECTED): lambda: self.goods.add_offered(session, receipt),
            ("NEW", RStep.RECEIVE): lambda: self.plates.new_plate(session, receipt),
            ("NEW", RStep.NEST): lambda: self.plates.new_plate(session, receipt),
            ("NEST", RStep.RECEIVE): lambda: self.plates.start_nesting(session),
            ("PUTAWAY", RStep.RECEIVE): lambda: self.plates.suggest(session),
            ("CLOSE", RStep.RECEIVE): lambda: self._close(session, receipt),
        }
        handler = handlers.get((word, step))
        if handler is None:
            raise Refusal(f"{command.code} does not fit this step. {self._prompt(step)}.")
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
            receipt.close_waits_for = receipt.approved_by = None
            return Feedback.good("Not closed: the receipt stays open.")
        if receipt.received:
            raise Refusal("Goods are counted on this receipt: UNDO them first, or CLOSE it.")
        assert self.operator is not None
        receipt.status, receipt.closed_at = ReceiptStatus.CANCELLED, utcnow()
        # Its plates carry nothing: let go of them, so a pre-printed one serves again.
        session.execute(update(Lpn).where(Lpn.receipt_id == receipt.id).values(parent=None))
        session.execute(delete(Lpn).where(Lpn.receipt_id == receipt.id))
        self.audit(session, "receipt_cancelled", receipt.id)
        self.mem = Counting(last_receipt_id=self.mem.last_receipt_id)
        return Feedback.warn("Receipt cancelled.")

    # --- closing, and what only a supervisor may do -------------------------------------

    def _close(self, session: Session, receipt: Receipt) -> Feedback:
        operator = self.operator
        assert operator is not None
        waiting = self.plates.not_put_away(session, receipt)
        if waiting:
            raise Refusal(f"Put away {', '.join(waiting)} first (PUTAWAY).")
        if receipt.number is None and not receipt.received:
            raise Refusal("Nothing is counted on this blind receipt: CANCEL it instead.")
        tally = counts(session, receipt, self.default_tolerance)
        breaches = needing_approval(tally, blind=self.blind)
        listed = "; ".join(breaches)
        if breaches and operator.role is not Role.SUPERVISOR:
            approved = self._approved_for(session, receipt, listed)
            if approved is not None:
                return self._closed(session, receipt, tally, operator, approver=approved)
            self.mem = dataclasses.replace(self.mem, closing=True)
            receipt.close_waits_for, receipt.approved_by = listed, None
            return Feedback.warn(f"Beyond tolerance: {listed}. A supervisor must approve.")
        return self._closed(
            session, receipt, tally, operator, approver=operator if breaches else None
        )

    def _approved_for(self, session: Session, receipt: Receipt, listed: str) -> SignedIn | None:
        """The supervisor who approved these very breaches from the supervisor's queue; a
        count changed since needs approving again."""
        if receipt.approved_by is None or receipt.close_waits_for != listed:
            return None
        approver = by_badge(session, receipt.approved_by)
        # The operators come from the ERP: one no longer a supervisor approves nothing now.
        return approver if approver is not None and approver.role is Role.SUPERVISOR else None

    def _closed(
        self,
        session: Session,
        receipt: Receipt,
        tally: list[LineCount],
        operator: SignedIn,
        approver: SignedIn | None,
    ) -> Feedback:
        if approver is not None:  # the one gate of every close beyond tolerance
            require(approver, Role.SUPERVISOR, action="approve a receipt beyond tolerance")
        receipt.close_waits_for = None
        feedback = close_receipt(session, receipt, tally, operator, approver)
        self.mem = Counting(last_receipt_id=receipt.id)
        return feedback

    def _supervise(self, session: Session, who: SignedIn) -> Feedback:
        receipt = self._receipt(session)
        step = self._step(session, receipt)
        if step is RStep.SHELF_LIFE:
            require(who, Role.SUPERVISOR, action="accept a short shelf life")
            for row in self.goods.pending_shelf_life(session):
                row.accepted_by = who.badge
                self.audit(
                    session,
                    "shelf_life_accepted",
                    str(row.id),
                    by=who.badge,
                    sku=row.sku,
                    lot=row.lot,
                    expiry=row.expiry.isoformat() if row.expiry else None,
                )
            return Feedback.good(f"Shelf life accepted by {who.name}.")
        if step is RStep.APPROVAL:
            assert self.operator is not None
            tally = counts(session, receipt, self.default_tolerance)
            return self._closed(session, receipt, tally, self.operator, who)
        raise Refusal("Nothing waits for a supervisor now.")
