"""Master data: items, locations, RMAs, expected receipts, suppliers, policies and
operators. It comes from the ERP, or from the demo data set until sync runs, and may be
replaced wholesale."""

from datetime import date

from sqlalchemy import (
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from station.states import (
    ExpectedStatus,
    LocationKind,
    ShipmentState,
)
from station.store.schema.base import Base, state_of


class Item(Base):
    __tablename__ = "item"

    sku: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str]
    category: Mapped[str] = mapped_column(String(40))
    unit_value_cents: Mapped[int]
    supplier: Mapped[str]
    serial_tracked: Mapped[bool]
    returnable: Mapped[bool]
    lot_tracked: Mapped[bool] = mapped_column(default=False)
    min_shelf_life_days: Mapped[int | None]  # a lot must have this much life left at receipt

    gtins: Mapped[list["Gtin"]] = relationship(back_populates="item")


class Gtin(Base):
    """A GTIN of an item, normalised to 14 digits so GTIN-8/12/13/14 scans all find it."""

    __tablename__ = "gtin"

    gtin14: Mapped[str] = mapped_column(String(14), primary_key=True)
    sku: Mapped[str] = mapped_column(ForeignKey("item.sku"), index=True)

    item: Mapped[Item] = relationship(back_populates="gtins")


class Location(Base):
    """A bin, tote or disposition area; its code is also its barcode."""

    __tablename__ = "location"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str]
    kind: Mapped[LocationKind] = mapped_column(state_of(LocationKind, "kind"))
    zone: Mapped[str | None] = mapped_column(String(20))
    category: Mapped[str | None] = mapped_column(String(40))
    capacity: Mapped[int | None]  # units; None for areas that take whatever comes


class BinStock(Base):
    """What the ERP says a bin holds, so putaway knows where an item and lot already are."""

    __tablename__ = "bin_stock"

    bin: Mapped[str] = mapped_column(ForeignKey("location.code"), primary_key=True)
    sku: Mapped[str] = mapped_column(ForeignKey("item.sku"), primary_key=True)
    lot: Mapped[str] = mapped_column(primary_key=True, default="")  # "" when not lot-tracked
    quantity: Mapped[int]


class PutawayRule(Base):
    """Which zones take a category's good stock, best first."""

    __tablename__ = "putaway_rule"
    __table_args__ = (UniqueConstraint("category", "zone"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(40))
    zone: Mapped[str] = mapped_column(String(20))
    rank: Mapped[int]


class Supplier(Base):
    """A supplier; tolerances left empty fall back to the category's."""

    __tablename__ = "supplier"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)  # also its barcode
    name: Mapped[str] = mapped_column(unique=True)
    over_pct: Mapped[float | None]
    short_pct: Mapped[float | None]


class CategoryTolerance(Base):
    __tablename__ = "category_tolerance"

    category: Mapped[str] = mapped_column(String(40), primary_key=True)
    over_pct: Mapped[float]
    short_pct: Mapped[float]


class ExpectedReceipt(Base):
    """An advance shipping notice or purchase receipt: what a supplier said is coming."""

    __tablename__ = "expected_receipt"

    number: Mapped[str] = mapped_column(String(40), primary_key=True)  # the ASN
    po_number: Mapped[str] = mapped_column(String(40), index=True)
    supplier_code: Mapped[str] = mapped_column(ForeignKey("supplier.code"))
    expected_on: Mapped[date]
    status: Mapped[ExpectedStatus] = mapped_column(state_of(ExpectedStatus, "status"))

    supplier: Mapped[Supplier] = relationship()
    lines: Mapped[list["ExpectedLine"]] = relationship(order_by="ExpectedLine.line_no")
    pallets: Mapped[list["ExpectedPallet"]] = relationship()


class ExpectedLine(Base):
    __tablename__ = "expected_line"
    __table_args__ = (UniqueConstraint("receipt_number", "line_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_number: Mapped[str] = mapped_column(ForeignKey("expected_receipt.number"), index=True)
    line_no: Mapped[int]
    sku: Mapped[str] = mapped_column(ForeignKey("item.sku"), index=True)
    quantity: Mapped[int]
    lot: Mapped[str | None]  # the lot the supplier announced, if any

    item: Mapped[Item] = relationship()


class ExpectedPallet(Base):
    """An inbound pallet's SSCC (GS1 AI 00), which finds its receipt in one scan."""

    __tablename__ = "expected_pallet"

    sscc: Mapped[str] = mapped_column(String(18), primary_key=True)
    receipt_number: Mapped[str] = mapped_column(ForeignKey("expected_receipt.number"), index=True)


# The RMAs not received nor closed in the ERP: what the forecast still expects to come.
COMING = "(erp_state IS NULL OR erp_state = 'draft')"  # in brackets: ANDed with others


class Rma(Base):
    __tablename__ = "rma"
    __table_args__ = (
        Index(
            "ix_rma_coming", "ship_date", sqlite_where=text(COMING), postgresql_where=text(COMING)
        ),
    )

    number: Mapped[str] = mapped_column(String(40), primary_key=True)
    customer: Mapped[str] = mapped_column(index=True)
    order_number: Mapped[str] = mapped_column(index=True)
    channel: Mapped[str] = mapped_column(String(20))
    ship_date: Mapped[date] = mapped_column(index=True)  # the forecast's transit measured
    tracking_number: Mapped[str | None] = mapped_column(index=True)
    # The return shipment's state in the ERP (draft, received, done, cancelled), once pulled.
    erp_state: Mapped[ShipmentState | None] = mapped_column(state_of(ShipmentState, "erp_state"))

    lines: Mapped[list["RmaLine"]] = relationship(back_populates="rma", order_by="RmaLine.line_no")


class RmaLine(Base):
    __tablename__ = "rma_line"
    __table_args__ = (UniqueConstraint("rma_number", "line_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rma_number: Mapped[str] = mapped_column(ForeignKey("rma.number"), index=True)
    line_no: Mapped[int]
    sku: Mapped[str] = mapped_column(ForeignKey("item.sku"), index=True)
    quantity: Mapped[int]
    serial: Mapped[str | None] = mapped_column(index=True)
    stated_reason: Mapped[str] = mapped_column(String(40))

    rma: Mapped[Rma] = relationship(back_populates="lines")
    item: Mapped[Item] = relationship()


class ReturnPolicy(Base):
    """Return window per sales channel, optionally narrowed to one category."""

    __tablename__ = "return_policy"
    __table_args__ = (UniqueConstraint("channel", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    category: Mapped[str | None] = mapped_column(String(40))
    window_days: Mapped[int]


class Operator(Base):
    __tablename__ = "operator"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    badge: Mapped[str] = mapped_column(unique=True)
    role: Mapped[str] = mapped_column(String(20))  # inspector, clerk, supervisor
    pin_hash: Mapped[str]
