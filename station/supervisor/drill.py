"""The records behind a figure of the supervisor view: the units a chart's bar counts."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from station.states import UnitStatus
from station.store.schema import Item, ReturnUnit, Rma, RmaLine
from station.supervisor.facts import bounds
from station.supervisor.kpis import Filters
from station.supervisor.site_facts import TRIAGE

LIMIT = 500


@dataclass(frozen=True)
class UnitRecord:
    finished_at: datetime | None
    bench: str
    operator: str
    sku: str | None
    rma: str | None
    stated: str | None
    found: str | None
    grade: str | None
    disposition: str | None
    lpn: str | None


def units_behind(
    session: Session, filters: Filters, dimension: str, value: str, limit: int = LIMIT
) -> list[UnitRecord]:
    """The newest units (at most ``limit``) in the range and filters whose ``dimension`` is
    ``value``, as counted in the facts (a parcel sent to triage has disposition TRIAGE)."""
    since, until = bounds(filters.start, filters.end)
    columns: dict[str, Any] = {  # the facts' dimensions, as the store's columns
        "bench": ReturnUnit.bench,
        "operator": ReturnUnit.operator,
        "sku": ReturnUnit.sku,
        "category": Item.category,
        "supplier": Item.supplier,
        "channel": Rma.channel,
        "stated": RmaLine.stated_reason,
        "found": ReturnUnit.found_reason,
        "grade": ReturnUnit.grade,
        "disposition": ReturnUnit.disposition,
    }
    query = (
        select(
            ReturnUnit.finished_at,
            ReturnUnit.bench,
            ReturnUnit.operator,
            ReturnUnit.sku,
            RmaLine.rma_number,
            RmaLine.stated_reason,
            ReturnUnit.found_reason,
            ReturnUnit.grade,
            ReturnUnit.disposition,
            ReturnUnit.lpn,
        )
        .outerjoin(Item, ReturnUnit.sku == Item.sku)
        .outerjoin(RmaLine, ReturnUnit.rma_line_id == RmaLine.id)
        .outerjoin(Rma, RmaLine.rma_number == Rma.number)
        .where(
            ReturnUnit.finished_at >= since,
            ReturnUnit.finished_at < until,
            # likely: nearly every unit is one of these, so the range is found by its
            # time's index; by the status index, every unit of the store was read.
            func.likely(ReturnUnit.status.in_([UnitStatus.DECIDED, UnitStatus.TRIAGE])),
        )
        .order_by(ReturnUnit.finished_at.desc())
        .limit(limit)
    )
    for name, chosen in filters.chosen().items():
        query = query.where(columns[name] == chosen)
    if dimension == "disposition" and value == TRIAGE:
        query = query.where(ReturnUnit.status == UnitStatus.TRIAGE)
    elif value:
        query = query.where(columns[dimension] == value)
    else:
        query = query.where(columns[dimension].is_(None))
    return [
        UnitRecord(
            finished_at=row[0], bench=row[1], operator=row[2], sku=row[3], rma=row[4],
            stated=row[5], found=row[6], grade=row[7], disposition=row[8], lpn=row[9],
        )
        for row in session.execute(query)
    ]  # fmt: skip
