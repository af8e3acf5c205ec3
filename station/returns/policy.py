"""The return policy, checked again at the bench.

The customer portal's verdict may be stale or wrong; the bench sees the unit itself.
Each rule gives pass, warn or fail with a sentence, and the whole trace is stored.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from station.states import ShipmentState, UnitStatus, Verdict
from station.store.schema import Item, ReturnPolicy, ReturnUnit, Rma, RmaLine

_SEVERITY = {Verdict.PASS: 0, Verdict.WARN: 1, Verdict.FAIL: 2}
LIVE_STATUSES = (UnitStatus.OPEN, UnitStatus.DECIDED)
# Rules whose FAIL means the line cannot take the unit at all: the ERP would refuse it, so
# the bench stops there instead of inspecting (the other FAILs are the rules' to route).
LINE_CLOSED = ("quantity", "erp")
# The trace line a supervisor's acceptance adds: the unit is booked against the RMA anyway.
ACCEPTED = "accepted"


@dataclass(frozen=True)
class RuleVerdict:
    rule: str
    outcome: Verdict
    detail: str

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "outcome": self.outcome, "detail": self.detail}

    @classmethod
    def from_dict(cls, stored: dict[str, str]) -> "RuleVerdict":
        """A line of a unit's stored policy trace."""
        return cls(stored["rule"], Verdict(stored["outcome"]), stored["detail"])

    @property
    def line(self) -> str:
        """The line the screen shows; its colour comes from ``outcome``, not from this text."""
        return f"{self.outcome.upper()}: {self.detail}"


def line_refusals(trace: tuple[RuleVerdict, ...]) -> tuple[RuleVerdict, ...]:
    """Why the line cannot take the unit, unless a supervisor accepted it against the RMA."""
    if any(v.rule == ACCEPTED for v in trace):
        return ()
    return tuple(v for v in trace if v.rule in LINE_CLOSED and v.outcome is Verdict.FAIL)


def refusals_of(unit: ReturnUnit) -> tuple[RuleVerdict, ...]:
    """Why the unit's line cannot take it, from its stored trace; while there are any,
    nothing is inspected."""
    return line_refusals(tuple(RuleVerdict.from_dict(v) for v in unit.policy_trace))


def cannot_take(line: RmaLine, refused: tuple[RuleVerdict, ...]) -> str:
    return f"{line.rma_number} line {line.line_no} cannot take this unit. {said(refused)}"


def said(verdicts: tuple[RuleVerdict, ...]) -> str:
    """Verdicts' sentences as one text: each detail is a whole sentence already."""
    return " ".join(v.detail for v in verdicts)


@dataclass(frozen=True)
class PolicyResult:
    verdict: Verdict
    trace: tuple[RuleVerdict, ...]


@dataclass(frozen=True)
class RepeatLimit:
    days: int
    limit: int


def check_policy(
    session: Session,
    line: RmaLine,
    *,
    serial: str | None,
    unit_id: str,
    today: date,
    now: datetime,
    repeat: RepeatLimit,
) -> PolicyResult:
    rma, item = line.rma, line.item
    on_line, recent = _earlier_units(session, line, unit_id, now - timedelta(days=repeat.days))
    trace = (
        _window(session, rma, item, today),
        _returnable(item),
        _quantity(line, on_line),
        _serial(item, line, serial),
        _repeat_returner(rma, recent, repeat),
        *_closed_in_the_erp(rma),
    )
    verdict = max((v.outcome for v in trace), key=_SEVERITY.__getitem__)
    return PolicyResult(verdict, trace)


def _closed_in_the_erp(rma: Rma) -> tuple[RuleVerdict, ...]:
    """A return the ERP has cancelled or finished takes no more units; said only then."""
    if rma.erp_state in (ShipmentState.CANCELLED, ShipmentState.DONE):
        return (RuleVerdict("erp", Verdict.FAIL, f"{rma.number} is {rma.erp_state} in the ERP."),)
    return ()


def _window(session: Session, rma: Rma, item: Item, today: date) -> RuleVerdict:
    # Counts and windows are read as plain rows: no ORM objects are needed to compare numbers.
    rows = session.connection().execute(
        select(ReturnPolicy.category, ReturnPolicy.window_days).where(
            ReturnPolicy.channel == rma.channel
        )
    )
    by_category: dict[str | None, int] = {category: days for category, days in rows}
    window = by_category.get(item.category, by_category.get(None))
    if window is None:
        return RuleVerdict("window", Verdict.FAIL, f"No return policy for channel {rma.channel}.")
    days = (today - rma.ship_date).days
    if days > window:
        return RuleVerdict(
            "window",
            Verdict.FAIL,
            f"Shipped {days} days ago; {rma.channel} {item.category} allows {window}.",
        )
    return RuleVerdict("window", Verdict.PASS, f"Shipped {days} days ago, within {window}.")


def _returnable(item: Item) -> RuleVerdict:
    if item.returnable:
        return RuleVerdict("returnable", Verdict.PASS, "The item is returnable.")
    return RuleVerdict("returnable", Verdict.FAIL, f"{item.sku} is marked not returnable.")


def _earlier_units(
    session: Session, line: RmaLine, unit_id: str, since: datetime
) -> tuple[int, int]:
    """Of the customer's other live units: how many are on this line, and from how many
    RMAs the ones since ``since`` came (a box of four items is one return, not four)."""
    counts = (
        session.connection()
        .execute(
            select(
                func.count().filter(ReturnUnit.rma_line_id == line.id),
                func.count(distinct(RmaLine.rma_number)).filter(ReturnUnit.started_at >= since),
            )
            .select_from(ReturnUnit)
            .join(RmaLine, ReturnUnit.rma_line_id == RmaLine.id)
            .join(Rma, RmaLine.rma_number == Rma.number)
            .where(
                Rma.customer == line.rma.customer,
                ReturnUnit.status.in_(LIVE_STATUSES),
                ReturnUnit.id != unit_id,
            )
        )
        .one()
    )
    return counts[0], counts[1]


def _quantity(line: RmaLine, earlier: int) -> RuleVerdict:
    if earlier + 1 > line.quantity:
        return RuleVerdict(
            "quantity", Verdict.FAIL, f"{earlier} of {line.quantity} already returned on this line."
        )
    return RuleVerdict("quantity", Verdict.PASS, f"Unit {earlier + 1} of {line.quantity}.")


def _serial(item: Item, line: RmaLine, serial: str | None) -> RuleVerdict:
    if not item.serial_tracked:
        return RuleVerdict("serial", Verdict.PASS, "Not serial-tracked.")
    if line.serial is None:
        return RuleVerdict("serial", Verdict.WARN, "No shipped serial on record to compare.")
    if serial is None:
        return RuleVerdict("serial", Verdict.FAIL, "The serial was not scanned.")
    if serial.upper() != line.serial.upper():
        return RuleVerdict(
            "serial", Verdict.FAIL, f"Serial {serial} is not the one shipped ({line.serial})."
        )
    return RuleVerdict("serial", Verdict.PASS, f"Serial {serial} is the one shipped.")


def _repeat_returner(rma: Rma, count: int, repeat: RepeatLimit) -> RuleVerdict:
    if count >= repeat.limit:
        return RuleVerdict(
            "repeat_returner",
            Verdict.WARN,
            f"{rma.customer} made {count} other returns in {repeat.days} days "
            f"(limit {repeat.limit}).",
        )
    return RuleVerdict(
        "repeat_returner", Verdict.PASS, f"{count} other returns in {repeat.days} days."
    )
