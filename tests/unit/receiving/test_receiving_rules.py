"""The rules of receiving on their own: putaway bins, tolerances, shelf life."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from station.errors import Refusal
from station.receiving.checks import LineCount, Tolerance, shelf_life_problem, tolerance
from station.receiving.putaway import Load, accept_bin, suggest
from station.store.engine import Store
from station.store.schema import BinStock, CategoryTolerance, Item, Location, Supplier

TODAY = date(2026, 11, 27)


def an_item(store: Store, category: str) -> Item:
    with store.read() as session:
        return session.scalars(select(Item).where(Item.category == category).limit(1)).one()


def test_a_bin_already_holding_the_item_and_lot_comes_first(store: Store) -> None:
    item = an_item(store, "health_beauty")
    with store.unit() as session:
        session.add(BinStock(bin="BIN-A03-07", sku=item.sku, lot="LX", quantity=10))
    with store.read() as session:
        chosen = suggest(session, Load(item.sku, "LX", item.category, 50))
        other_lot = suggest(session, Load(item.sku, "LY", item.category, 50))
    assert chosen is not None and chosen.code == "BIN-A03-07"
    assert other_lot is not None and other_lot.zone == "HB" and other_lot.code != "BIN-A03-07"


def test_a_full_bin_of_the_same_lot_is_passed_over_for_the_zone(store: Store) -> None:
    item = an_item(store, "bulky")
    with store.unit() as session:
        session.add(BinStock(bin="BIN-A04-05", sku=item.sku, lot="", quantity=12))  # capacity 12
    with store.read() as session:
        chosen = suggest(session, Load(item.sku, "", item.category, 3))
    assert chosen is not None and chosen.code != "BIN-A04-05" and chosen.zone == "BULK"


def test_when_the_category_zone_is_full_the_next_ranked_zone_takes_it(store: Store) -> None:
    item = an_item(store, "bulky")
    with store.read() as session:
        chosen = suggest(session, Load(item.sku, "", item.category, 13))  # > any BULK bin
        nothing = suggest(session, Load(item.sku, "", item.category, 501))
    assert chosen is not None and chosen.zone == "OVER"
    assert nothing is None


def test_quarantine_and_damaged_locations_never_take_good_stock(store: Store) -> None:
    with store.read() as session:
        for code in ("BIN-Q01-01", "LOC-DAMAGED", "LOC-RESTOCK"):
            with pytest.raises(Refusal, match="good stock goes to a storage bin"):
                accept_bin(session, code, 1)
        with pytest.raises(Refusal, match="has room for 12"):
            accept_bin(session, "BIN-A04-01", 13)
        assert accept_bin(session, "BIN-A04-01", 12).code == "BIN-A04-01"
        held = set(session.scalars(select(Location.code).where(Location.kind != "bin")))
        suggested = {suggest(session, Load("X", "", c, 1)) for c in ("apparel", "bulky")}
        assert held and None not in suggested
        assert not held & {s.code for s in suggested if s}


def count(expected: int, received: int, over: float = 10, short: float = 5) -> LineCount:
    return LineCount(1, "SKU", expected, received, 0, Tolerance(over, short, "supplier"))


@pytest.mark.parametrize(
    ("expected", "received", "kind", "beyond"),
    [
        (20, 20, None, False),
        (20, 22, "over", False),  # 10 % of 20 = 2
        (20, 23, "over", True),
        (20, 19, "short", False),  # 5 % of 20 = 1
        (20, 18, "short", True),
        (10, 11, "over", False),
        (10, 12, "over", True),
        (10, 9, "short", True),  # 5 % of 10 rounds down to none
    ],
)
def test_tolerances_are_whole_units_of_the_expected_quantity(
    expected: int, received: int, kind: str | None, beyond: bool
) -> None:
    line = count(expected, received)
    assert (line.kind, line.kind is not None and line.beyond_tolerance) == (kind, beyond)


def test_an_unexpected_item_always_needs_a_supervisor_but_a_blind_receipt_never() -> None:
    stray = LineCount(None, "SKU", 0, 4, 0, Tolerance(100, 100, "supplier"))
    blind = LineCount(None, "SKU", 0, 4, 0, Tolerance(0, 0, "default"), announced=False)
    assert (stray.kind, stray.beyond_tolerance) == ("unexpected", True)
    assert blind.kind is None


def test_the_supplier_tolerance_wins_over_the_category_then_the_default(store: Store) -> None:
    item = an_item(store, "apparel")
    own = Supplier(code="SUP-A", name="A", over_pct=7.0, short_pct=3.0)
    none = Supplier(code="SUP-B", name="B", over_pct=None, short_pct=None)
    with store.read() as session:
        assert tolerance(session, own, item, 1) == Tolerance(7.0, 3.0, "supplier")
        by_category = session.get(CategoryTolerance, "apparel")
        assert by_category is not None
        expected = Tolerance(by_category.over_pct, by_category.short_pct, "category")
        assert tolerance(session, none, item, 1) == expected
        item.category = "garden"  # a category without a tolerance of its own
        assert tolerance(session, none, item, 4) == Tolerance(4, 4, "default")
        session.rollback()


def test_shelf_life_left_against_the_items_minimum() -> None:
    item = Item(sku="HB", min_shelf_life_days=180)
    assert shelf_life_problem(item, TODAY + timedelta(days=180), TODAY) is None
    short = shelf_life_problem(item, TODAY + timedelta(days=179), TODAY)
    assert short == "179 days of shelf life left, 180 needed"
    expired = shelf_life_problem(item, TODAY - timedelta(days=1), TODAY)
    assert expired == f"expired on {(TODAY - timedelta(days=1)).isoformat()}"
    assert shelf_life_problem(Item(sku="AP", min_shelf_life_days=None), TODAY, TODAY) is None
