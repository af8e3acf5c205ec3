"""The headline tiles a manager reads first: units, recovery rate, median time to
decision, each against the period of the same length just before; and what waits now,
refunds the ERP has not confirmed and exceptions no supervisor has settled."""

from dataclasses import dataclass, replace
from datetime import timedelta

from sqlalchemy import func, select

from station.outbox import EventKind
from station.rejected_events import count_refused, count_rejected
from station.site_conflicts import count_open
from station.states import OutboxStatus
from station.store.engine import Store
from station.store.schema import OutboxEvent
from station.supervisor.kpis import Filters, ReturnsKpis
from station.supervisor.wording import count, duration, share


@dataclass(frozen=True)
class Tile:
    title: str
    value: str
    change: str  # against the period before, in words; what it is for a tile of now
    better: bool | None  # the change is good news, bad news, or neither


def before(filters: Filters) -> Filters:
    """The period of the same length that ends the day before ``filters`` starts."""
    length = filters.end - filters.start + timedelta(days=1)
    return replace(filters, start=filters.start - length, end=filters.end - length)


def tiles(now: ReturnsKpis, then: ReturnsKpis, filters: Filters, store: Store) -> list[Tile]:
    """``now`` over ``filters``, ``then`` over the period ``before`` them."""
    days = (filters.end - filters.start).days + 1
    against = f"the {days} days before" if days > 1 else "the day before"
    return [
        _units(now, then, against),
        _recovery(now, then, against),
        _time_to_decision(now, then, against),
        _refunds_waiting(store),
        _exceptions(store),
    ]


def _units(now: ReturnsKpis, then: ReturnsKpis, against: str) -> Tile:
    if not then.units:
        return Tile("Units", count(now.units), f"none in {against}", None)
    change = now.units / then.units - 1
    return Tile("Units", count(now.units), f"{change:+.0%} on {against}", None)


def _recovery(now: ReturnsKpis, then: ReturnsKpis, against: str) -> Tile:
    rate, earlier = now.recovery_rate, then.recovery_rate
    shown = share(rate)
    if rate is None or earlier is None:
        return Tile("Recovery rate", shown, f"nothing to compare in {against}", None)
    points = (rate - earlier) * 100
    return Tile("Recovery rate", shown, f"{points:+.1f} points on {against}", points > 0)


def _time_to_decision(now: ReturnsKpis, then: ReturnsKpis, against: str) -> Tile:
    median, earlier = now.to_decision.median, then.to_decision.median
    title = "Median time to decision"
    if median is None or earlier is None:
        return Tile(title, duration(median), f"nothing to compare in {against}", None)
    change = round(median - earlier)
    if not change:
        return Tile(title, duration(median), f"as in {against}", None)
    faster = "slower" if change > 0 else "faster"
    return Tile(title, duration(median), f"{duration(abs(change))} {faster} than {against}",
                change < 0)  # fmt: skip


def _refunds_waiting(store: Store) -> Tile:
    """Refunds released at the benches that the ERP has not taken yet (or refused)."""
    with store.read() as session:
        waiting = session.scalar(
            select(func.count())
            .select_from(OutboxEvent)
            .where(
                OutboxEvent.kind == EventKind.REFUND_ELIGIBLE,
                OutboxEvent.status.in_((OutboxStatus.PENDING, OutboxStatus.REJECTED)),
            )
        )
    return Tile("Refunds waiting", count(waiting or 0), "released, not yet in the ERP",
                False if waiting else None)  # fmt: skip


def _exceptions(store: Store) -> Tile:
    """What waits in the exception queue for a supervisor now: the ERP's rejections, the
    hub's refusals and the open conflicts between benches of the site (a conflict with the
    ERP is there to be read, not settled)."""
    with store.read() as session:
        conflicts = count_open(session)
    waiting = count_rejected(store) + count_refused(store) + conflicts
    return Tile("Exceptions", count(waiting), "in the exception queue now",
                False if waiting else None)  # fmt: skip
