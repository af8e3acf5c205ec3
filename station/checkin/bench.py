"""The check-in bench: one scan of a parcel's tracking number, RMA or order number marks
it arrived (when, at which bench, by whom) and prints its tag; a parcel whose code finds
no RMA is tagged for triage. The backlog it feeds is ``station.returns.backlog``.

A mode of its own rather than a step of the returns bench: the dock is another place,
often another person and another PC, and a check-in is one scan with nothing to inspect;
the returns bench starts from the tag when the parcel is pulled.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from station.bench import Bench
from station.errors import Refusal
from station.feedback import Feedback
from station.label_jobs import queue_label
from station.lpns import next_parcel_tag
from station.operators import Role, SignedIn
from station.outbox import ParcelCheckedIn
from station.recording import emit, utcnow
from station.returns.backlog import Backlog, Waiting
from station.rulepack import RulePack
from station.scans import SAID, Classified, ScanKind
from station.setting_keys import CURRENCY
from station.settings import Settings
from station.store.engine import Store
from station.store.schema import Parcel, Rma

PARCEL_CODES = (ScanKind.TRACKING, ScanKind.RMA, ScanKind.ORDER)
SHOWN = 12  # parcels of the backlog, and of this bench's latest check-ins, on screen


@dataclass(frozen=True)
class Dock:
    """What the check-in remembers between scans: the last tag it printed."""

    last_tag: str | None = None


@dataclass(frozen=True)
class Arrived:
    tag: str
    scanned: str
    rma: str | None
    at: datetime  # naive UTC, as stored


@dataclass(frozen=True)
class CheckinView:
    bench: str
    operator: SignedIn | None
    prompt: str
    arrived: tuple[Arrived, ...]  # the latest check-ins at this bench, newest first
    backlog: tuple[Waiting, ...]  # the next parcels to pull, the first first
    waiting: int  # parcels in the whole backlog
    worth_cents: float
    losing_cents: float
    currency: str  # ISO 4217, as the settings say


class CheckinBench(Bench[Dock]):
    roles = (Role.CLERK, Role.INSPECTOR, Role.SUPERVISOR)
    work = "check parcels in at the dock"
    mode = "checkin"

    def __init__(self, store: Store, settings: Settings, pack: Callable[[], RulePack]) -> None:
        super().__init__(store, settings, Dock())
        self.backlog = Backlog(store, pack)
        self.currency = settings[CURRENCY]

    def approve_with_pin(self, pin: str) -> Feedback:  # noqa: ARG002 - nothing to approve
        return Feedback.bad("Nothing waits for a supervisor at the check-in.")

    def add_photo(self, source: Path) -> Feedback:  # noqa: ARG002 - none is kept here
        return Feedback.bad("Photos are taken at the returns bench, once the parcel is open.")

    def view(self) -> CheckinView:
        with self.store.read() as session:
            waiting = self.backlog.ordered(session)
            arrived = session.scalars(
                select(Parcel)
                .where(Parcel.bench == self.bench_id)
                .order_by(Parcel.arrived_at.desc(), Parcel.tag.desc())
                .limit(SHOWN)
            )
            return CheckinView(
                bench=self.bench_id,
                operator=self.operator,
                prompt=(
                    "Sign in: scan your badge or enter your PIN"
                    if self.operator is None
                    else "Scan the parcel's tracking number, RMA or order number"
                ),
                arrived=tuple(
                    Arrived(p.tag, p.scanned, p.rma_number, p.arrived_at) for p in arrived
                ),
                backlog=tuple(waiting[:SHOWN]),
                waiting=len(waiting),
                worth_cents=sum(w.worth_cents for w in waiting),
                losing_cents=sum(w.losing_cents for w in waiting),
                currency=self.currency,
            )

    def busy(self) -> bool:
        return False  # a check-in is one scan: nothing is ever left open

    def _subject(self) -> dict[str, str | None]:
        return {}

    def _open_work(self, session: Session) -> str | None:  # noqa: ARG002 - none ever is
        return None

    def _cancel_loses_work(self, session: Session) -> bool:  # noqa: ARG002 - none to lose
        return False

    def _advance(self, session: Session, scan: Classified) -> Feedback:
        if scan.kind is ScanKind.BADGE:  # the next clerk at the dock
            return self._sign_in(session, self._badge_holder(session, scan))
        if scan.command is not None:
            if scan.command.word == "PRINT":
                if self.mem.last_tag is None:
                    raise Refusal("No parcel tag printed here yet: scan a parcel first.")
                return self._print_again(session, self.mem.last_tag)
            raise Refusal(
                f"{scan.value} does nothing at the check-in: scan the parcel's tracking "
                "number, RMA or order number."
            )
        if scan.kind not in PARCEL_CODES:
            raise Refusal(
                f"That is {SAID[scan.kind]}: at the check-in, scan the parcel's tracking "
                "number, RMA or order number."
            )
        here = session.scalar(
            select(Parcel).where(Parcel.scanned == scan.value, Parcel.pulled_at.is_(None))
        )
        if here is not None:
            # Not checked in twice; its tag is the one PRINT prints now (a tag torn off).
            self.mem = Dock(last_tag=here.tag)
            return Feedback.warn(
                f"{scan.value} was checked in already, tagged {here.tag}: "
                "PRINT prints its tag again."
            )
        rma = _rma_of(session, scan)
        first_box = (
            session.scalar(
                select(Parcel.tag)
                .where(Parcel.rma_number == rma, Parcel.pulled_at.is_(None))
                .order_by(Parcel.arrived_at)
                .limit(1)
            )
            if rma
            else None
        )
        tag = next_parcel_tag(session, self.bench_id)
        parcel = Parcel(
            tag=tag, scanned=scan.value, rma_number=rma, bench=self.bench_id,
            operator=self._badge() or "", arrived_at=utcnow(),
        )  # fmt: skip
        session.add(parcel)
        emit(
            session,
            ParcelCheckedIn(
                tag=tag, bench=self.bench_id, at=parcel.arrived_at.isoformat(),
                scanned=scan.value, rma=rma, operator=parcel.operator,
            ),
        )  # fmt: skip
        self.audit(session, "parcel_checked_in", tag, scanned=scan.value, rma=rma)
        self._queue_tag(session, parcel)
        self.mem = Dock(last_tag=tag)
        if rma is None:
            return Feedback.warn(
                f"No RMA found for {scan.value}: tagged {tag} for triage. Next parcel."
            )
        if first_box is not None:
            return Feedback.warn(
                f"{rma} has a parcel waiting already ({first_box}): this one is tagged {tag} "
                "as a second box of it. Next parcel."
            )
        return Feedback.good(f"{rma} checked in, tagged {tag}. Next parcel.")

    def _print_again(self, session: Session, tag: str) -> Feedback:
        parcel = session.get(Parcel, tag)
        if parcel is None:
            raise Refusal("No parcel tag to print again.")
        self._queue_tag(session, parcel)
        self.audit(session, "parcel_tag_printed_again", tag)
        return Feedback.good(f"Tag {tag} printing again.")

    def _queue_tag(self, session: Session, parcel: Parcel) -> None:
        queue_label(
            session,
            bench=self.bench_id,
            template="parcel",
            data={
                "tag": parcel.tag,
                "scanned": parcel.scanned,
                "bench": self.bench_id,
                "arrived": _local(parcel.arrived_at),
                **(
                    {"rma": parcel.rma_number}
                    if parcel.rma_number
                    else {"note": "No RMA found: to triage"}
                ),
            },
        )


def _rma_of(session: Session, scan: Classified) -> str | None:
    """The RMA a parcel's code names: its number, its order's, its tracking number's."""
    column = {
        ScanKind.RMA: Rma.number,
        ScanKind.ORDER: Rma.order_number,
        ScanKind.TRACKING: Rma.tracking_number,
    }[scan.kind]
    found: str | None = session.scalar(
        select(Rma.number).where(column == scan.value).order_by(Rma.number).limit(1)
    )
    return found


def _local(at: datetime) -> str:
    """A stored (naive UTC) time as the dock's clock says it."""
    return f"{at.replace(tzinfo=UTC).astimezone():%Y-%m-%d %H:%M}"
