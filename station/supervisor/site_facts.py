"""The other benches' units, as this bench's replica of the site's events tells them:
rows of the supervisor's facts beside its own units', so that the view and ``station
report`` count the whole site, offline too, as of the last events each bench sent.

A unit's row is read from the events its bench wrote when it finished it: the disposition
(who, what, when, overridden, approved), the inspection (grade, reasons, category), a refund
made eligible, or the parcel sent to triage. What the events do not carry (the item's
supplier and value, the RMA's channel) is the site's master data, as this bench holds it.
"""

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from station.outbox import EventKind
from station.store.schema import Item, Rma, RmaLine, SiteEvent

KINDS = (
    EventKind.DISPOSITION_DECIDED,
    EventKind.INSPECTION_RECORDED,
    EventKind.REFUND_ELIGIBLE,
    EventKind.UNEXPECTED_RETURN,
)
TRIAGE = "TRIAGE"  # in the supervisor's facts, the disposition of a unit sent to triage
UNKNOWN = -1  # seconds to decision of a unit whose events do not say when it began


def site_rows(session: Session, since: datetime, until: datetime) -> list[tuple[Any, ...]]:
    """The other benches' units finished from ``since`` to ``until`` (stored UTC times),
    as rows in the order of ``station.supervisor.facts``' columns."""
    units: dict[str, dict[str, Any]] = {}
    for kind, bench, payload in session.execute(
        select(SiteEvent.kind, SiteEvent.bench, SiteEvent.payload).where(
            SiteEvent.kind.in_(KINDS), SiteEvent.created_at >= since, SiteEvent.created_at < until
        )
    ):
        unit = payload.get("unit")
        if isinstance(unit, str):
            units.setdefault(unit, {"bench": bench})[kind] = payload
    finished = [u for u in units.values() if _ending(u) is not None]
    items = _items(session, {_ending(u).get("sku") for u in finished})  # type: ignore[union-attr]
    rmas = _rmas(session, {_ending(u).get("rma") for u in finished})  # type: ignore[union-attr]
    return [_row(unit, items, rmas) for unit in finished]


def freshness(session: Session) -> dict[str, datetime]:
    """How fresh each other bench's figures are: the time its latest event was written.

    Found bench by bench along the index on (bench, created_at): the next bench after the
    last, then its latest event, each one probe. A GROUP BY would read every event of the
    replica (millions at a site), where this reads two rows a bench."""
    found: dict[str, datetime] = {}
    bench = session.scalar(select(func.min(SiteEvent.bench)))
    while bench is not None:
        latest = session.scalar(
            select(func.max(SiteEvent.created_at)).where(SiteEvent.bench == bench)
        )
        if latest is not None:
            found[bench] = latest
        bench = session.scalar(select(func.min(SiteEvent.bench)).where(SiteEvent.bench > bench))
    return found


def as_of(fresh: dict[str, datetime], today: date) -> str:
    """How fresh each other bench's figures are, in words ("BENCH-07: as of 10:41")."""
    said = []
    for bench, at in sorted(fresh.items()):
        local = at.replace(tzinfo=UTC).astimezone()
        when = f"{local:%H:%M}" if local.date() == today else f"{local:%d %b %H:%M}"
        said.append(f"{bench}: as of {when}")
    return ", ".join(said)


def _ending(unit: dict[str, Any]) -> dict[str, Any] | None:
    """The event that finished the unit: its disposition, or its sending to triage."""
    ended: dict[str, Any] | None = unit.get(EventKind.DISPOSITION_DECIDED) or unit.get(
        EventKind.UNEXPECTED_RETURN
    )
    return ended


def _row(
    unit: dict[str, Any],
    items: dict[str, tuple[str | None, str | None, int]],
    rmas: dict[tuple[str, int], tuple[str | None, str | None]],
) -> tuple[Any, ...]:
    ended = _ending(unit)
    assert ended is not None
    seen = unit.get(EventKind.INSPECTION_RECORDED, {})
    triaged = EventKind.DISPOSITION_DECIDED not in unit
    category, supplier, value = items.get(ended.get("sku") or "", (None, None, 0))
    channel, stated = rmas.get((ended.get("rma") or "", ended.get("line") or 0), (None, None))
    at = _moment(ended.get("at"))
    started = _moment(ended.get("started"))
    disposition = TRIAGE if triaged else ended.get("disposition")
    rules_said = ended.get("rules_said")
    return (
        unit["bench"], ended.get("operator"), ended.get("sku"),
        seen.get("category") or category, supplier, channel,
        seen.get("stated_reason") or stated, seen.get("found_reason"), seen.get("grade"),
        disposition,
        at.hour * 60 + at.minute if at else 0,
        round((at - started).total_seconds()) if at and started else UNKNOWN,
        value if not triaged else 0,
        int(bool(rules_said) and rules_said != disposition),
        int(ended.get("approved_by") is not None),
        int(EventKind.REFUND_ELIGIBLE in unit),
    )  # fmt: skip


def _items(session: Session, skus: Iterable[Any]) -> dict[str, tuple[str | None, str | None, int]]:
    wanted = [s for s in skus if isinstance(s, str)]
    rows = session.execute(
        select(Item.sku, Item.category, Item.supplier, Item.unit_value_cents).where(
            Item.sku.in_(wanted)
        )
    )
    return {sku: (category, supplier, value or 0) for sku, category, supplier, value in rows}


def _rmas(
    session: Session, numbers: Iterable[Any]
) -> dict[tuple[str, int], tuple[str | None, str | None]]:
    wanted = [n for n in numbers if isinstance(n, str)]
    rows = session.execute(
        select(RmaLine.rma_number, RmaLine.line_no, Rma.channel, RmaLine.stated_reason)
        .join(Rma, Rma.number == RmaLine.rma_number)
        .where(RmaLine.rma_number.in_(wanted))
    )
    return {(number, line): (channel, stated) for number, line, channel, stated in rows}


def _moment(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
