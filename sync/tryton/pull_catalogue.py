"""The catalogue pulled from Tryton: items with their GTINs, and the storage locations.

An item counts as changed when its variant, its template or one of its GTINs changed.
What the ERP does not hold (a bin's zone and capacity, an item's tracking flags and
supplier) stays as the station has it; a new row gets safe defaults until someone sets
them.
"""

from decimal import Decimal
from typing import Any

from sqlalchemy import delete, insert, or_, select
from sqlalchemy.orm import Session

from station.gtin import to_gtin14
from station.states import LocationKind
from station.store.schema import Gtin, Item, Location
from sync.tryton.entity import Entity, changed_with, each, stamped_with


def _apply_items(session: Session, rows: list[dict[str, Any]]) -> None:
    """A page of items in a few statements: their rows read at once, their GTINs (and any
    of those GTINs held by another item before) deleted and inserted at once."""
    coded = [row for row in rows if row["code"]]  # no code: cannot be scanned or labelled
    skus = [row["code"] for row in coded]
    items = {i.sku: i for i in session.scalars(select(Item).where(Item.sku.in_(skus)))}
    gtins = {
        to_gtin14(identifier["code"]): row["code"]
        for row in coded
        for identifier in row.get("identifiers.") or []
        if identifier.get("type") == "ean" and str(identifier["code"]).isdigit()
    }
    for row in coded:
        item = items.get(row["code"])
        if item is None:
            item = Item(
                sku=row["code"],
                supplier="",
                serial_tracked=False,
                returnable=True,
                lot_tracked=False,
                category="general",
            )
            session.add(item)
        template = row.get("template.") or {}
        categories = template.get("categories.") or []
        item.name = row["name"]
        item.unit_value_cents = int(Decimal(template.get("list_price") or 0) * 100)
        if categories:
            item.category = categories[0]["name"]
    session.flush()  # the new items before their GTINs
    session.execute(delete(Gtin).where(or_(Gtin.sku.in_(skus), Gtin.gtin14.in_(list(gtins)))))
    if gtins:
        session.execute(insert(Gtin), [{"gtin14": code, "sku": sku} for code, sku in gtins.items()])


ITEMS = Entity(
    name="item",
    model="product.product",
    fields=(
        "code",
        "name",
        "last_modified_at",
        "identifiers.code",
        "identifiers.type",
        "identifiers.last_modified_at",
        "template.list_price",
        "template.last_modified_at",
        "template.categories.name",
    ),
    changed=changed_with("template", "identifiers"),
    stamps=stamped_with("template", "identifiers"),
    apply=_apply_items,
)


def _apply_location(session: Session, row: dict[str, Any]) -> None:
    code = row["code"]
    if not code:
        return  # only coded locations can be scanned
    location = session.get(Location, code)
    if location is None:
        session.add(Location(code=code, name=row["name"], kind=LocationKind.BIN))
    else:
        location.name = row["name"]


LOCATIONS = Entity(
    name="location",
    model="stock.location",
    fields=("code", "name", "last_modified_at"),
    apply=each(_apply_location),
    scope=(["type", "=", "storage"], ["parent.code", "=", "STO"]),
)
