"""A receipt built for the receiving tests: one line for each thing a receipt can do.

Line 1 is lot-tracked with a minimum shelf life, line 2 serial-tracked, lines 3 to 5 are
counted over within tolerance, over beyond it, and short. The supplier allows 10 % over and
5 % short, so line 3 (20 expected) may be 2 over and line 4 (10 expected) only 1.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from station.gtin import with_check_digit
from station.store.engine import Store
from station.store.schema import (
    ExpectedLine,
    ExpectedPallet,
    ExpectedReceipt,
    Gtin,
    Item,
    Supplier,
)

ASN = "ASN-900001"
PO = "PO-900001"
SUPPLIER = "SUP-TESTGOODS"
SSCC = with_check_digit("34012345" + "990000001")
GS = "\x1d"


@dataclass(frozen=True)
class Goods:
    sku: str
    gtin: str  # 14 digits
    expected: int


@dataclass(frozen=True)
class ReceiptUnderTest:
    lot_item: Goods
    serial_item: Goods
    over_ok: Goods
    over_bad: Goods
    short: Goods
    stray: Goods  # an item on no line of the receipt

    def gs1(self, goods: Goods, *, lot: str, expiry: date, count: int | None = None) -> str:
        text = f"01{goods.gtin}17{expiry:%y%m%d}10{lot}"
        return text + (f"{GS}30{count}" if count else "")


def _first(store: Store, where: object, skip: set[str]) -> Goods:
    with store.read() as session:
        for item in session.scalars(select(Item).where(where).order_by(Item.sku)):  # type: ignore[arg-type]
            if item.sku not in skip:
                gtin = session.scalar(select(Gtin.gtin14).where(Gtin.sku == item.sku).limit(1))
                assert gtin is not None
                return Goods(item.sku, gtin, 0)
    raise AssertionError("the demo data has no such item")


def add_test_receipt(store: Store, today: date) -> ReceiptUnderTest:
    used: set[str] = set()

    def pick(where: object, expected: int) -> Goods:
        goods = _first(store, where, used)
        used.add(goods.sku)
        return Goods(goods.sku, goods.gtin, expected)

    lot_item = pick(Item.lot_tracked.is_(True), 24)
    serial_item = pick(Item.serial_tracked.is_(True), 2)
    over_ok = pick(Item.category == "apparel", 20)
    over_bad = pick(Item.category == "apparel", 10)
    short = pick(Item.category == "bulky", 5)
    stray = pick(Item.category == "apparel", 0)
    lines = (lot_item, serial_item, over_ok, over_bad, short)
    with store.unit() as session:
        session.add(Supplier(code=SUPPLIER, name="Test Goods Ltd", over_pct=10.0, short_pct=5.0))
        session.flush()
        session.add(
            ExpectedReceipt(
                number=ASN,
                po_number=PO,
                supplier_code=SUPPLIER,
                expected_on=today - timedelta(days=1),
                status="open",
            )
        )
        session.flush()
        session.add(ExpectedPallet(sscc=SSCC, receipt_number=ASN))
        session.add_all(
            ExpectedLine(
                receipt_number=ASN,
                line_no=n,
                sku=goods.sku,
                quantity=goods.expected,
                lot="L1" if goods is lot_item else None,
            )
            for n, goods in enumerate(lines, start=1)
        )
    return ReceiptUnderTest(lot_item, serial_item, over_ok, over_bad, short, stray)
