"""The catalogue pulled from Tryton: items with their GTINs, and the storage locations.

An item counts as changed when its variant, its template or one of its GTINs changed.
What the ERP does not hold (a bin's zone and capacity, an item's tracking flags and
supplier) stays as the station has it; a new row gets safe defaults until someone sets
them.
"""

from decimal import Decimal
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from station.gtin import to_gtin14
from station.store.schema import Gtin, Item, Location
from sync.entity import Entity, changed_with, stamped_with


def _apply_item(session: Session, row: dict[str, Any]) -> None:
    sku = row["code"]
    if not sku:
        return  # a product without a code cannot be scanned or labelled here
    template = row.get("template.") or {}
    categories = template.get("categories.") or []
    price = template.get("list_price") or Decimal(0)
    item = session.get(Item, sku)
    if item is None:
        item = Item(
            sku=sku,
            supplier="",
            serial_tracked=False,
            returnable=True,
            lot_tracked=False,
            category="general",
        )
        session.add(item)
    item.name = row["name"]
    item.unit_value_cents = int(Decimal(price) * 100)
    if categories:
        item.category = categories[0]["name"]
    session.flush()
    session.execute(delete(Gtin).where(Gtin.sku == sku))
    for identifier in row.get("identifiers.") or []:
        if identifier.get("type") == "ean" and str(identifier["code"]).isdigit():
            session.merge(Gtin(gtin14=to_gtin14(identifier["code"]), sku=sku))


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
    apply=_apply_item,
)


def _apply_location(session: Session, row: dict[str, Any]) -> None:
    code = row["code"]
    if not code:
        return  # only coded locations can be scanned
    location = session.get(Location, code)
    if location is None:
        session.add(Location(code=code, name=row["name"], kind="bin"))
    else:
        location.name = row["name"]


LOCATIONS = Entity(
    name="location",
    model="stock.location",
    fields=("code", "name", "last_modified_at"),
    apply=_apply_location,
    scope=(["type", "=", "storage"], ["parent.code", "=", "STO"]),
)
