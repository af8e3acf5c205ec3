"""Pulling master data from Tryton: items with their GTINs, and storage locations.

Per entity a cursor: the newest ``last_modified_at`` seen, read back with an overlap
window (Tryton stamps a row with its transaction's start, so a long transaction can
commit rows older than ones already pulled; notes/tryton.md 7f). An item counts as changed
when its variant, its template or one of its GTINs changed, so the query asks for any of
the three; within one pull, pages follow ``id`` and the cursor's ``last_id`` is stored in
the transaction that applies the page, so a pull cut off resumes where it stopped. A delta
pull reads only what changed.

What the ERP does not hold (a bin's zone and capacity, an item's tracking flags and
supplier) stays as the station has it; a new row gets safe defaults until someone sets
them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from station.gtin import to_gtin14
from station.recording import utcnow
from station.store.engine import Store
from station.store.schema import (
    Gtin,
    Item,
    Location,
    OutboxEvent,
    ReturnUnit,
    Rma,
    RmaLine,
    SyncConflict,
    SyncCursor,
)
from sync.rpc import Client

PAGE = 500
OVERLAP = timedelta(minutes=2)
Progress = Callable[[str, int], None]  # entity, rows applied so far


@dataclass(frozen=True)
class Pulled:
    entity: str
    rows: int


def pull_all(
    client: Client,
    store: Store,
    progress: Progress | None = None,
    overlap: timedelta = OVERLAP,
) -> list[Pulled]:
    """Every entity, in the order their references need."""
    return [
        _pull(client, store, entity, progress, overlap) for entity in (LOCATIONS, ITEMS, RETURNS)
    ]


def _own_change(since: datetime) -> list[Any]:
    return ["last_modified_at", ">", since]


def _own_stamp(row: dict[str, Any]) -> list[datetime]:
    return [row["last_modified_at"]]


@dataclass(frozen=True)
class Entity:
    name: str
    model: str
    fields: tuple[str, ...]
    apply: Callable[[Session, dict[str, Any]], None]
    # The domain "changed since", and a row's modification times: by default the row's own.
    changed: Callable[[datetime], list[Any]] = _own_change
    stamps: Callable[[dict[str, Any]], list[datetime]] = _own_stamp
    scope: tuple[Any, ...] = ()


def _pull(
    client: Client,
    store: Store,
    entity: Entity,
    progress: Progress | None,
    overlap: timedelta,
) -> Pulled:
    with store.read() as session:
        cursor = session.get(SyncCursor, entity.name)
        since, last_id = (cursor.since, cursor.last_id) if cursor else (None, 0)
    resuming = last_id > 0
    started = utcnow()  # the server runs on UTC: the overlap window absorbs clock skew
    newest = since
    applied = 0
    while True:
        domain: list[Any] = [["id", ">", last_id], *entity.scope]
        if since is not None:
            domain.append(entity.changed(since - overlap))
        rows = client.model(
            entity.model, "search_read", domain, 0, PAGE, [["id", "ASC"]], list(entity.fields)
        )
        if not rows:
            break
        for row in rows:
            newest = max([stamp for stamp in [newest, *entity.stamps(row)] if stamp is not None])
        last_id = rows[-1]["id"]
        with store.unit() as session:
            for row in rows:
                entity.apply(session, row)
            session.merge(SyncCursor(entity=entity.name, since=since, last_id=last_id))
        applied += len(rows)
        if progress is not None:
            progress(entity.name, applied)
        if len(rows) < PAGE:
            break
    # The pull is whole. The next starts from what it saw, but never from later than this
    # one started: a row of a lower id that changed meanwhile was behind the pages already
    # read. A pull that resumed one cut off keeps the old start, for the same reason.
    if resuming:
        newest = since
    elif newest is not None:
        newest = min(newest, started)
    with store.unit() as session:
        session.merge(SyncCursor(entity=entity.name, since=newest, last_id=0, pulled_at=utcnow()))
    return Pulled(entity.name, applied)


# --- items ---------------------------------------------------------------------------


def _item_changed(since: datetime) -> list[Any]:
    return [
        "OR",
        ["last_modified_at", ">", since],
        ["template.last_modified_at", ">", since],
        ["identifiers.last_modified_at", ">", since],
    ]


def _item_stamps(row: dict[str, Any]) -> list[datetime]:
    template = row.get("template.") or {}
    identifiers = row.get("identifiers.") or []
    return [
        row["last_modified_at"],
        template.get("last_modified_at"),
        *(i.get("last_modified_at") for i in identifiers),
    ]


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
    changed=_item_changed,
    stamps=_item_stamps,
    apply=_apply_item,
)


# --- locations -----------------------------------------------------------------------


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


# --- RMAs ----------------------------------------------------------------------------


def _apply_return(session: Session, row: dict[str, Any]) -> None:
    """The ERP's state of an RMA's return shipment, which decides whether a new unit of it
    is taken. One cancelled or finished while the bench has work on it (a unit open, an
    event not yet sent) is also a conflict: shown, and the bench's facts kept."""
    rma = session.get(Rma, row["reference"] or "")
    state = row["state"]
    if rma is None or rma.erp_state == state:
        return  # not an RMA this station knows (an unexpected return it sent, say)
    rma.erp_state = state  # no new unit of it now; the units at the bench keep their facts
    open_units = session.scalar(
        select(func.count())
        .select_from(ReturnUnit)
        .join(RmaLine, ReturnUnit.rma_line_id == RmaLine.id)
        .where(RmaLine.rma_number == rma.number, ReturnUnit.status == "open")
    )
    unsent = session.scalar(
        select(func.count())
        .select_from(OutboxEvent)
        .where(
            OutboxEvent.status == "pending",
            func.json_extract(OutboxEvent.payload, "$.rma") == rma.number,
        )
    )
    working = (open_units or 0) + (unsent or 0)
    if state in ("cancelled", "done") and working:
        known = session.scalar(
            select(SyncConflict.id).where(
                SyncConflict.entity == "rma", SyncConflict.key == rma.number,
                SyncConflict.erp_state == state,
            )
        )  # fmt: skip
        if known is None:
            session.add(
                SyncConflict(
                    entity="rma",
                    key=rma.number,
                    erp_state=state,
                    detail=f"{rma.number} was {state} in the ERP while the bench had work "
                    f"on it ({open_units} unit(s) open, {unsent} event(s) not yet sent); the "
                    "bench's facts are kept.",
                    found_at=utcnow(),
                )
            )


RETURNS = Entity(
    name="rma",
    model="stock.shipment.out.return",
    fields=("reference", "state", "last_modified_at"),
    apply=_apply_return,
)
