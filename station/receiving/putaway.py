"""Directed putaway: which bin a license plate should go to, and whether a scanned bin may.

The rules, in order: a bin that already holds the same item and lot and has room for the
whole plate; else a bin of a zone the item's category is ruled to (best rank first) with
room. Good stock never goes to a quarantine or damaged location: only ``bin`` locations are
suggested or accepted. What a bin holds is what the ERP last said (``bin_stock``) plus what
this station put away since.
"""

from dataclasses import dataclass

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import Session

from station.errors import Refusal
from station.states import LocationKind
from station.store.schema import BinStock, Item, Location, Lpn, Putaway, PutawayRule, Received


@dataclass(frozen=True)
class Load:
    """What a plate (with the plates nested on it) carries, by its main item."""

    sku: str
    lot: str
    category: str
    units: int


def plate_tree(session: Session, top: str) -> list[str]:
    """The plate and every plate nested on it, at any depth."""
    codes, frontier = [top], [top]
    while frontier:
        frontier = list(session.scalars(select(Lpn.code).where(Lpn.parent.in_(frontier))))
        codes += frontier
    return codes


def load_of(session: Session, plates: list[str]) -> Load | None:
    """The plate's main item (most units) and its lot; None for an empty plate."""
    rows = session.execute(
        select(Received.sku, Received.lot, func.sum(Received.quantity))
        .where(Received.lpn.in_(plates), Received.damaged.is_(False))
        .group_by(Received.sku, Received.lot)
        .order_by(func.sum(Received.quantity).desc(), Received.sku)
    ).all()
    if not rows:
        return None
    sku, lot, _units = rows[0]
    item = session.get(Item, sku)
    assert item is not None, "received goods are items of the store"
    return Load(sku, lot or "", item.category, sum(units for _s, _l, units in rows))


def occupied(session: Session, bins: list[str] | None = None) -> dict[str, int]:
    """Units in each bin: the ERP's stock plus this station's putaways since."""
    held = union_all(
        select(BinStock.bin.label("bin"), BinStock.quantity.label("units")),
        select(Putaway.bin.label("bin"), Putaway.quantity.label("units")),
    ).subquery()
    query = select(held.c.bin, func.sum(held.c.units)).group_by(held.c.bin)
    if bins is not None:
        query = query.where(held.c.bin.in_(bins))
    return {code: int(units) for code, units in session.execute(query)}


def suggest(session: Session, load: Load) -> Location | None:
    """The bin the rules pick for this load, or None when no allowed bin has room."""
    fill = occupied(session)
    same_lot = select(BinStock.bin).where(BinStock.sku == load.sku, BinStock.lot == load.lot)
    put_before = (
        select(Lpn.bin)
        .join(Received, Received.lpn == Lpn.code)
        .where(Lpn.bin.is_not(None), Received.sku == load.sku)
        .where(func.coalesce(Received.lot, literal("")) == load.lot)
    )
    holding = list(
        session.scalars(
            select(Location)
            .where(Location.kind == LocationKind.BIN, Location.code.in_(same_lot.union(put_before)))
            .order_by(Location.code)
        )
    )
    ruled = list(
        session.scalars(
            select(Location)
            .join(PutawayRule, PutawayRule.zone == Location.zone)
            .where(Location.kind == LocationKind.BIN, PutawayRule.category == load.category)
            .order_by(PutawayRule.rank, Location.code)
        )
    )
    for candidate in (*holding, *ruled):
        if room(candidate, fill) >= load.units:
            return candidate
    return None


def room(bin_: Location, fill: dict[str, int]) -> int:
    if bin_.capacity is None:
        return 10**9  # an area without a set capacity takes what comes
    return bin_.capacity - fill.get(bin_.code, 0)


def accept_bin(session: Session, code: str, units: int) -> Location:
    """The scanned bin, if good stock of ``units`` may go there; else a Refusal saying why."""
    scanned = session.get(Location, code)
    if scanned is None:
        raise Refusal(f"{code} is not a location this station knows.")
    if scanned.kind != LocationKind.BIN:
        raise Refusal(f"{code} is a {scanned.kind} location: good stock goes to a storage bin.")
    free = room(scanned, occupied(session, [code]))
    if free < units:
        raise Refusal(f"{code} has room for {max(free, 0)} units; the plate holds {units}.")
    return scanned
