"""The dock's backlog: parcels checked in and not yet inspected, in the order of what their
waiting costs.

A parcel is worth what its units are expected to recover. For each line of its RMA not yet
returned: the item's value * the units still to come * the share the rule pack's
dispositions recover, each disposition weighted by how often units of that category and
stated reason ended in it at the site over the last ``HISTORY_DAYS`` days (with fewer
than ``ENOUGH`` such units, those of the category; then all units; with no history at
all, every disposition alike). Each day it waits it loses its worth * its category's rate
in the rule pack's ``[value_loss]``. The parcel losing the most per day is pulled first,
and of two alike the one that came first; a parcel with no RMA has no known worth and
waits behind them, oldest first, for triage.

    worth          = sum over lines of  value * units * recovered(category, reason)
    recovered      = sum over dispositions d of  P(d | category, reason) * recovery(d)
    losing per day = sum over lines of  the line's worth * value_loss(category)
"""

import gc
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from operator import attrgetter
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from station.money import money
from station.outbox import ParcelPulled
from station.recording import emit, utcnow
from station.rulepack import RulePack
from station.states import UnitStatus
from station.store.engine import Store
from station.store.schema import Parcel

HISTORY_DAYS = 180
ENOUGH = 20  # units of a category and reason before their own shares are trusted
FORMULA = (
    "worth = value × units × Σ share of units of its category and reason ending in each "
    "disposition × what that disposition recovers; losing per day = worth × the "
    "category's daily loss in the rule pack. The parcel losing the most a day comes first."
)


@dataclass(frozen=True)
class Outcomes:
    """How many units ended in each disposition, by category and stated reason."""

    counts: dict[tuple[str, str], Counter[str]]

    def recovered(self, category: str, reason: str, pack: RulePack) -> float:
        """The share of a unit's value expected back, from the narrowest history that has
        ``ENOUGH`` units."""
        for wanted in ((category, reason), (category, None), (None, None)):
            seen: Counter[str] = Counter()
            for (c, r), ended in self.counts.items():
                if wanted[0] in (None, c) and wanted[1] in (None, r):
                    seen.update(ended)
            if seen.total() >= ENOUGH or (wanted == (None, None) and seen):
                return _weighted(seen, pack)
        return _weighted(Counter(dict.fromkeys(pack.dispositions, 1)), pack)


def _weighted(ended: Counter[str], pack: RulePack) -> float:
    known = {d: n for d, n in ended.items() if d in pack.dispositions}
    total = sum(known.values())
    if not total:
        return 0.0
    return sum(n * pack.dispositions[d].recovery for d, n in known.items()) / total


def outcomes(store: Store, today: date) -> Outcomes:
    """The units decided over the ``HISTORY_DAYS`` days before ``today``, at this bench
    and the site's others, counted: added up from the supervisor's kept tallies (months
    of a busy site, a million units, in milliseconds), not from the units."""
    # numpy's, loaded at the first scan of a day, not at the window's start
    from station.supervisor.facts import NONE, load_facts  # noqa: PLC0415
    from station.supervisor.site_facts import TRIAGE  # noqa: PLC0415

    first, last = today - timedelta(days=HISTORY_DAYS), today - timedelta(days=1)
    facts = load_facts(store, first, last, today)
    counted = facts.tally(first, last).counts["outcomes"]
    names = [facts.codes.names(d) for d in ("category", "stated", "disposition")]
    counts: dict[tuple[str, str], Counter[str]] = {}
    for keys in zip(*(axis.tolist() for axis in counted.nonzero()), strict=True):
        category, reason, disposition = (name[key] for name, key in zip(names, keys, strict=True))
        # as a parcel's lines are: an item and a stated reason; a unit decided, not triaged
        if NONE not in (category, reason) and disposition not in (NONE, TRIAGE):
            counted_here = int(counted[keys])
            counts.setdefault((category, reason), Counter())[disposition] += counted_here
    return Outcomes(counts)


class LineWorth(NamedTuple):
    """One line's part of a parcel's worth, with what it was worked out from (a tuple: the
    backlog makes thousands of them at each scan, and a frozen dataclass is slow to make)."""

    sku: str
    category: str
    reason: str
    units: int
    value_cents: int
    recovered: float  # the expected share of its value back
    loss_per_day: float  # the category's rate

    @property
    def worth_cents(self) -> float:
        return self.value_cents * self.units * self.recovered

    @property
    def losing_cents(self) -> float:
        return self.worth_cents * self.loss_per_day


class Waiting(NamedTuple):
    """A parcel in the backlog, with its worth and what one more day's wait loses of it
    (the sums of its lines', worked out once: the backlog sorts thousands by them)."""

    tag: str
    rma: str | None
    arrived_at: datetime
    lines: tuple[LineWorth, ...]
    worth_cents: float
    losing_cents: float


def in_words(waiting: Waiting, currency: str) -> str:
    """Why a parcel is where it is in the backlog: "worth about €182, losing about €3 a
    day" (to the cent below one a day)."""
    if waiting.rma is None:
        return "no RMA: its worth is found at triage"
    if not waiting.lines and waiting.worth_cents == 0:
        return f"{waiting.rma} is not at this bench yet (or has come back whole): worth unknown"
    worth = money(waiting.worth_cents, currency, whole=True)
    losing = money(waiting.losing_cents, currency, whole=waiting.losing_cents >= 100)
    return f"worth about {worth}, losing about {losing} a day"


# Each line of each waiting parcel with the units still to come on it (counted by the units'
# index on their line); a parcel with no RMA, or an RMA with no lines here, once, bare.
_WAITING_SQL = f"""
SELECT p.tag, p.rma_number, p.arrived_at, l.sku, i.category, l.stated_reason,
       l.quantity - (SELECT count(*) FROM return_unit u
                     WHERE u.rma_line_id = l.id AND u.status != '{UnitStatus.CANCELLED}'),
       coalesce(i.unit_value_cents, 0)
FROM parcel p
LEFT JOIN rma_line l ON l.rma_number = p.rma_number
LEFT JOIN item i ON i.sku = l.sku
WHERE p.pulled_at IS NULL
ORDER BY p.arrived_at, p.tag
"""


class _Summing:
    """A parcel's lines as the backlog's rows bring them, and their sums so far."""

    __slots__ = ("arrived_at", "lines", "losing", "rma", "worth")

    def __init__(self, rma: str | None, arrived_at: str) -> None:
        self.rma, self.arrived_at = rma, arrived_at
        self.lines: list[LineWorth] = []
        self.worth = self.losing = 0.0


@contextmanager
def _uncollected() -> Iterator[None]:
    """Python's collector held off while the backlog is made: tens of thousands of small
    objects, none in a cycle, that it walked a dozen times over, with the backlog shown
    before (25 ms of 100 at 10,000 parcels). Nothing is lost: it runs at the next
    allocations after. Another thread holding it off meanwhile leaves it on at the end."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def backlog(session: Session, pack: RulePack, known: Outcomes) -> list[Waiting]:
    """Every parcel not pulled yet, the one to pull next first."""
    with _uncollected():
        return _ordered(session, pack, known)


def _ordered(session: Session, pack: RulePack, known: Outcomes) -> list[Waiting]:
    # The driver's own rows: SQLAlchemy's handling of 10,000 of them took longer than the
    # query; the stored time (ISO text) is read once a parcel.
    rows = session.connection().exec_driver_sql(_WAITING_SQL).fetchall()
    parcels: dict[str, _Summing] = {}
    shares: dict[tuple[str, str], float] = {}
    losses: dict[str, float] = {}
    carried: dict[str, str] = {}  # an RMA's lines go with its first parcel (rows by arrival)
    for tag, rma, arrived_at, sku, category, reason, units, value in rows:
        parcel = parcels.get(tag)
        if parcel is None:
            parcel = parcels[tag] = _Summing(rma, arrived_at)
        if rma is not None and carried.setdefault(rma, tag) != tag:
            continue  # a second box of the RMA: its worth is its first box's
        if sku is None or units <= 0:
            continue
        share = shares.get((category, reason))
        if share is None:
            share = shares[(category, reason)] = known.recovered(category, reason, pack)
        loss = losses.get(category)
        if loss is None:
            loss = losses[category] = pack.loss_per_day(category)
        line = LineWorth(sku, category, reason, units, value, share, loss)
        parcel.lines.append(line)
        worth = value * units * share
        parcel.worth += worth
        parcel.losing += worth * loss
    # In arrival order (the query's), which Python's stable sorts keep among equals: the
    # parcels with an RMA by what they lose a day alone, then those without, is
    # ``pull_order`` (a float key sorts in C; its tuples took a tenth of the backlog's time).
    known_rma: list[Waiting] = []
    no_rma: list[Waiting] = []
    for tag, p in parcels.items():
        arrived_at = datetime.fromisoformat(p.arrived_at)
        (no_rma if p.rma is None else known_rma).append(
            Waiting(tag, p.rma, arrived_at, tuple(p.lines), p.worth, p.losing)
        )
    known_rma.sort(key=_losing, reverse=True)  # reverse keeps equals in their order too
    return known_rma + no_rma


def pull_order(waiting: Waiting) -> tuple[bool, float, datetime]:
    """Sorts the parcel losing the most a day first; alike, the first come; no RMA last."""
    return (waiting.rma is None, -waiting.losing_cents, waiting.arrived_at)


_losing = attrgetter("losing_cents")


class Backlog:
    """The backlog as a bench shows it after each scan: the history's outcomes are counted
    once a day, the parcels read each time."""

    def __init__(self, store: Store, pack: Callable[[], RulePack]) -> None:
        self.store = store
        self.pack = pack  # the pack in force, which the site may change
        self._known: tuple[date, Outcomes] | None = None
        self._said: tuple[tuple[object, ...], str | None] | None = None

    def next_said(self, session: Session, currency: str) -> str | None:
        """The parcel to pull next and why, in words; None with none waiting. Worked out
        again only when a parcel came or went (the returns screen asks at every scan
        between units, and the whole backlog takes 100 ms at 10,000 parcels)."""
        moved = session.execute(
            select(func.count(), func.max(Parcel.arrived_at), func.max(Parcel.pulled_at))
        ).one()
        if self._said is not None and self._said[0] == tuple(moved):
            return self._said[1]
        waiting = self.ordered(session)
        said = None
        if waiting:
            first = waiting[0]
            why = in_words(first, currency)
            said = f"Next parcel to pull: {first.tag} ({first.rma or 'no RMA'}), {why}."
        self._said = (tuple(moved), said)
        return said

    def ordered(self, session: Session) -> list[Waiting]:
        today = datetime.now().astimezone().date()  # the supervisor's days are local
        if self._known is None or self._known[0] != today:
            self._known = (today, outcomes(self.store, today))
        return backlog(session, self.pack(), self._known[1])


def pull_by_tag(session: Session, tag: str, bench: str) -> Parcel | None:
    """The parcel of ``tag`` taken off the backlog for inspection at ``bench`` (None: no such
    tag); a parcel pulled before stays as it was."""
    parcel = session.get(Parcel, tag)
    if parcel is not None and parcel.pulled_at is None:
        _pull(session, parcel, bench)
    return parcel


def pull_by_rma(session: Session, rma: str, bench: str) -> None:
    """A unit of ``rma`` started without its tag scanned: its first parcel waiting leaves
    the backlog (a second box of it waits for its own tag, or its own unit)."""
    parcel = session.scalar(
        select(Parcel)
        .where(Parcel.rma_number == rma, Parcel.pulled_at.is_(None))
        .order_by(Parcel.arrived_at, Parcel.tag)
        .limit(1)
    )
    if parcel is not None:
        _pull(session, parcel, bench)


def _pull(session: Session, parcel: Parcel, bench: str) -> None:
    """Off the backlog here, and told to the site's other benches (their docks show it)."""
    parcel.pulled_at, parcel.pulled_by = utcnow(), bench
    emit(session, ParcelPulled(tag=parcel.tag, bench=bench, at=parcel.pulled_at.isoformat()))
