"""License plates at the receiving bench: start one, nest cartons on a pallet, put away.

A plate is pre-printed (scanned) or made here (``NEW-LPN``, its label queued). ``NEST``
puts the current plate onto the next one scanned, which becomes the current plate, so a
pallet of cartons is built carton by carton. ``PUTAWAY`` takes the current plate's outermost
plate, with everything on it, to the bin the rules suggest; the clerk confirms by scanning
that bin, or another allowed one, which is recorded as an override.
"""

import dataclasses

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from station.errors import Refusal
from station.feedback import Feedback
from station.label_jobs import queue_label
from station.lpns import next_lpn
from station.outbox import PlateContent, PutawayDone
from station.receiving import putaway as rules
from station.receiving.counting import Desk
from station.recording import emit, utcnow
from station.store.schema import Lpn, Putaway, Receipt, Received


class Plates:
    """The plates of the receiving bench ``desk``: which one goods go onto, nesting, putaway."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    def new_plate(self, session: Session, receipt: Receipt) -> Feedback:
        code = next_lpn(session, self.desk.bench_id)
        session.add(
            Lpn(code=code, receipt_id=receipt.id, bench=self.desk.bench_id, created_at=utcnow())
        )
        session.flush()
        queue_label(
            session,
            bench=self.desk.bench_id,
            template="receiving-plate",
            data={
                "lpn": code,
                "receipt": receipt.number or f"blind {receipt.supplier_code}",
                "supplier": receipt.supplier_code,
                "date": utcnow().date().isoformat(),
            },
        )
        if self.desk.mem.nesting:
            return self._nest_onto(session, code)
        self.desk.mem = dataclasses.replace(self.desk.mem, plate=code)
        return Feedback.good(f"{code} started, its label queued: scan the goods.")

    def plate_scanned(self, session: Session, receipt: Receipt, code: str) -> Feedback:
        plate = session.get(Lpn, code)
        if plate is None:  # a pre-printed plate, first seen here
            session.add(
                Lpn(code=code, receipt_id=receipt.id, bench=self.desk.bench_id, created_at=utcnow())
            )
            session.flush()
        elif plate.bin is not None:
            raise Refusal(f"{code} is already put away in {plate.bin}.")
        elif plate.receipt_id != receipt.id:
            raise Refusal(f"{code} belongs to another receipt.")
        if self.desk.mem.nesting:
            return self._nest_onto(session, code)
        self.desk.mem = dataclasses.replace(self.desk.mem, plate=code)
        return Feedback.good(f"{code}: counted goods go onto this plate.")

    def start_nesting(self, session: Session) -> Feedback:
        inner = self.desk.mem.plate
        if inner is None or not self._units(session, rules.plate_tree(session, inner)):
            raise Refusal("NEST puts a plate with goods onto another: count onto a plate first.")
        self.desk.mem = dataclasses.replace(self.desk.mem, nesting=True)
        return Feedback.good(f"Scan the plate {inner} goes onto, or NEW-LPN.")

    def _nest_onto(self, session: Session, outer: str) -> Feedback:
        inner = self.desk.mem.plate
        assert inner is not None
        if outer in rules.plate_tree(session, inner):
            raise Refusal(f"{outer} is {inner} or on it: scan the outer plate.")
        session.execute(update(Lpn).where(Lpn.code == inner).values(parent=outer))
        self.desk.mem = dataclasses.replace(self.desk.mem, plate=outer, nesting=False)
        return Feedback.good(f"{inner} is on {outer}. Scan the next plate, or PUTAWAY.")

    def suggest(self, session: Session) -> Feedback:
        if self.desk.mem.plate is None:
            raise Refusal("Scan the plate to put away first.")
        top = self._outermost(session, self.desk.mem.plate)
        load = rules.load_of(session, rules.plate_tree(session, top))
        if load is None:
            raise Refusal(f"{top} carries nothing to put away.")
        suggested = rules.suggest(session, load)
        self.desk.mem = dataclasses.replace(
            self.desk.mem, putaway=top, suggested=suggested.code if suggested else None
        )
        if suggested is None:
            return Feedback.warn(
                f"No bin the rules allow has room for {load.units} units of {load.sku}: "
                "scan any storage bin with room."
            )
        return Feedback.good(f"Put {top} ({load.units} units) away to {suggested.code}: scan it.")

    def put_away(self, session: Session, receipt: Receipt, code: str) -> Feedback:
        operator, top, suggested = (
            self.desk.operator,
            self.desk.mem.putaway,
            self.desk.mem.suggested,
        )
        assert operator is not None and top is not None
        tree = rules.plate_tree(session, top)
        contents = self._contents(session, tree)
        units = sum(row["quantity"] for row in contents)
        if units == 0:
            raise Refusal(f"{top} carries nothing now: scan goods onto it, or CANCEL.")
        rules.accept_bin(session, code, units)
        override = suggested is not None and code != suggested
        now = utcnow()
        session.add(
            Putaway(
                lpn=top,
                bin=code,
                suggested=suggested,
                override=override,
                quantity=units,
                receipt_id=receipt.id,
                operator=operator.badge,
                at=now,
            )
        )
        session.execute(update(Lpn).where(Lpn.code.in_(tree)).values(bin=code))
        emit(
            session,
            PutawayDone(
                receipt=receipt.id,
                asn=receipt.number,
                lpn=top,
                plates=tree,
                bin=code,
                suggested=suggested,
                override=override,
                contents=contents,
                bench=self.desk.bench_id,
                operator=operator.badge,
                at=now.isoformat(),
            ),
        )
        self.desk.audit(
            session,
            "putaway_override" if override else "putaway",
            top,
            bin=code,
            suggested=suggested,
        )
        self.desk.mem = dataclasses.replace(self.desk.mem, plate=None, putaway=None, suggested=None)
        if override:
            return Feedback.warn(f"{top} put away to {code} instead of {suggested}: recorded.")
        return Feedback.good(f"{top} put away to {code}.")

    def not_put_away(self, session: Session, receipt: Receipt) -> list[str]:
        """Outermost plates of this receipt that carry goods and have no bin yet."""
        loaded = select(Received.lpn).where(
            Received.receipt_id == receipt.id, Received.lpn.is_not(None)
        )
        waiting = session.scalars(
            select(Lpn.code).where(Lpn.code.in_(loaded), Lpn.bin.is_(None)).order_by(Lpn.code)
        )
        return sorted({self._outermost(session, code) for code in waiting})

    def _outermost(self, session: Session, code: str) -> str:
        parent = session.scalar(select(Lpn.parent).where(Lpn.code == code))
        return code if parent is None else self._outermost(session, parent)

    def _units(self, session: Session, plates: list[str]) -> int:
        return (
            session.scalar(
                select(func.coalesce(func.sum(Received.quantity), 0)).where(
                    Received.lpn.in_(plates), Received.damaged.is_(False)
                )
            )
            or 0
        )

    def summary(self, session: Session, plate: str | None) -> tuple[str, ...]:
        """What a plate carries, nested plates included, one line per item and lot."""
        if plate is None:
            return ()
        return tuple(
            f"{row['sku']} ×{row['quantity']}" + (f"  lot {row['lot']}" if row["lot"] else "")
            for row in self._contents(session, rules.plate_tree(session, plate))
        )

    def _contents(self, session: Session, plates: list[str]) -> list[PlateContent]:
        rows = session.execute(
            select(Received.sku, Received.lot, func.sum(Received.quantity))
            .where(Received.lpn.in_(plates), Received.damaged.is_(False))
            .group_by(Received.sku, Received.lot)
            .order_by(Received.sku, Received.lot)
        )
        return [{"sku": sku, "lot": lot, "quantity": int(n)} for sku, lot, n in rows]
