"""Judging a receipt: over and short against tolerances, and the shelf life of a lot.

A tolerance is a percentage of the expected quantity. The supplier's own, where it has one,
wins over its category's, which wins over the station's default. What a receipt may be
short or over by is rounded down to whole units, so a 5 % tolerance on 10 units is none.
"""

import math
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from station.states import DiscrepancyKind
from station.store.schema import CategoryTolerance, Item, Received, Supplier


@dataclass(frozen=True)
class Tolerance:
    over_pct: float
    short_pct: float
    source: str  # "supplier", "category" or "default", shown with the verdict


@dataclass(frozen=True)
class LineCount:
    """One expected line (or unexpected item) against what was counted in good condition."""

    line_no: int | None
    sku: str
    expected: int
    received: int
    damaged: int
    tolerance: Tolerance
    announced: bool = True  # False for a blind receipt: nothing was expected, nothing is off
    line_id: int | None = None

    @property
    def difference(self) -> int:
        return self.received - self.expected

    @property
    def kind(self) -> DiscrepancyKind | None:
        """over, short, unexpected, or None when the count is exact (or nothing was announced)."""
        if not self.announced:
            return None
        if self.line_no is None:
            return DiscrepancyKind.UNEXPECTED
        if self.difference > 0:
            return DiscrepancyKind.OVER
        return DiscrepancyKind.SHORT if self.difference < 0 else None

    @property
    def allowed(self) -> int:
        pct = self.tolerance.over_pct if self.difference > 0 else self.tolerance.short_pct
        return math.floor(self.expected * pct / 100)

    @property
    def beyond_tolerance(self) -> bool:
        """Needs a supervisor: more off than the tolerance allows, or not expected at all."""
        if self.line_no is None:
            return True
        return abs(self.difference) > self.allowed


def tolerance(session: Session, supplier: Supplier, item: Item, default_pct: int) -> Tolerance:
    if supplier.over_pct is not None and supplier.short_pct is not None:
        return Tolerance(supplier.over_pct, supplier.short_pct, "supplier")
    by_category = session.get(CategoryTolerance, item.category)
    if by_category is not None:
        return Tolerance(by_category.over_pct, by_category.short_pct, "category")
    return Tolerance(default_pct, default_pct, "default")


def shelf_life_problem(item: Item, expiry: date | None, today: date) -> str | None:
    """Why this lot may not be taken into stock without a supervisor, or None."""
    if item.min_shelf_life_days is None or expiry is None:
        return None
    left = (expiry - today).days
    if left < 0:
        return f"expired on {expiry.isoformat()}"
    if left < item.min_shelf_life_days:
        return f"{left} days of shelf life left, {item.min_shelf_life_days} needed"
    return None


def by_line_id(rows: list[Received]) -> dict[int | None, list[Received]]:
    """Counted rows per expected line (None: not expected), in one pass over the receipt."""
    grouped: dict[int | None, list[Received]] = {}
    for row in rows:
        grouped.setdefault(row.line_id, []).append(row)
    return grouped
