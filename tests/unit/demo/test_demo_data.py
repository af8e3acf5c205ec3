"""The demo data set: believable, valid GTINs, and safe to reload under a working bench."""

import json
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from demo.master_data import DEMO_FILE, DemoCounts, load_demo_data
from station.gtin import check_digit_problem, to_gtin14
from station.store.engine import Store, open_store
from station.store.schema import (
    Base,
    BinStock,
    ExpectedLine,
    ExpectedPallet,
    ExpectedReceipt,
    Gtin,
    Item,
    Location,
    Operator,
    PutawayRule,
    ReturnPolicy,
    ReturnUnit,
    Rma,
    RmaLine,
    Supplier,
)

TODAY = date(2026, 11, 27)
CATEGORIES = {"apparel", "electronics", "health_beauty", "bulky"}
UNIT_ID = "0b6f3c3e-1d0a-4c39-9d53-6f2b7a1c0001"
MASTER: tuple[type[Base], ...] = (
    Item,
    Gtin,
    Location,
    Rma,
    RmaLine,
    ReturnPolicy,
    Operator,
    Supplier,
    ExpectedReceipt,
    ExpectedLine,
    ExpectedPallet,
    PutawayRule,
    BinStock,
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path / "station.db")
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def demo() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DEMO_FILE.read_text("utf-8"))
    return data


def row_counts(store: Store) -> dict[str, int]:
    with store.read() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in MASTER
        }


def test_items_cover_the_four_categories(store: Store) -> None:
    counts = load_demo_data(store, TODAY)
    with store.read() as session:
        categories = Counter(session.scalars(select(Item.category)))
    assert counts.items >= 200
    assert set(categories) == CATEGORIES
    assert counts.rmas == 60
    assert row_counts(store)["rma"] == 60


def test_every_gtin_has_a_valid_check_digit_and_is_unique(demo: dict[str, Any]) -> None:
    codes = [code for item in demo["items"] for code in item["gtins"]]
    assert [code for code in codes if check_digit_problem(code)] == []
    assert {len(code) for code in codes} <= {8, 12, 13}
    assert len({to_gtin14(code) for code in codes}) == len(codes)


def test_loading_twice_gives_the_same_rows(store: Store) -> None:
    first = load_demo_data(store, TODAY)
    rows = row_counts(store)
    second = load_demo_data(store, TODAY)
    assert second == first
    assert row_counts(store) == rows
    assert rows["gtin"] == first.gtins
    assert isinstance(first, DemoCounts)


def add_unit(store: Store, rma_number: str) -> RmaLine:
    """A unit identified on the RMA's first line and routed to the first bin."""
    with store.unit() as session:
        line = session.scalars(select(RmaLine).where(RmaLine.rma_number == rma_number)).first()
        assert line is not None
        session.add(
            ReturnUnit(
                id=UNIT_ID,
                status="decided",
                bench="BENCH-1",
                operator="BADGE-1001",
                started_at=datetime(2026, 11, 27, 9, 0, tzinfo=UTC),
                rma_line_id=line.id,
                sku=line.sku,
                identified_by=rma_number,
                destination="BIN-A01-01",
            )
        )
    return line


def test_a_return_unit_on_an_rma_line_does_not_block_a_reload(store: Store) -> None:
    load_demo_data(store, TODAY)
    line = add_unit(store, "RMA-10001")
    load_demo_data(store, TODAY)
    with store.read() as session:
        unit = session.get(ReturnUnit, UNIT_ID)
        assert unit is not None
        assert unit.rma_line_id == line.id
        kept = session.get(RmaLine, line.id)
        assert kept is not None
        assert (kept.rma_number, kept.line_no) == ("RMA-10001", line.line_no)


def test_rows_a_smaller_file_drops_stay_only_while_a_unit_needs_them(
    store: Store, demo: dict[str, Any], tmp_path: Path
) -> None:
    load_demo_data(store, TODAY)
    line = add_unit(store, "RMA-10001")
    smaller = dict(demo)
    smaller["rmas"] = [r for r in demo["rmas"] if r["number"] not in {"RMA-10001", "RMA-10002"}]
    smaller["items"] = [i for i in demo["items"] if i["sku"] != line.sku]
    smaller["locations"] = [loc for loc in demo["locations"] if loc["code"] != "BIN-A01-01"]
    file = tmp_path / "smaller.json"
    file.write_text(json.dumps(smaller), encoding="utf-8")
    load_demo_data(store, TODAY, file)
    with store.read() as session:
        assert session.get(RmaLine, line.id) is not None
        assert session.get(Rma, "RMA-10001") is not None
        assert session.get(Item, line.sku) is not None
        assert session.get(Location, "BIN-A01-01") is not None
        assert session.get(Rma, "RMA-10002") is None


def test_ap_1001_is_on_exactly_two_rmas(store: Store) -> None:
    load_demo_data(store, TODAY)
    with store.read() as session:
        rmas = set(session.scalars(select(RmaLine.rma_number).where(RmaLine.sku == "AP-1001")))
    assert len(rmas) == 2


def test_no_sku_is_on_more_than_three_lines(demo: dict[str, Any]) -> None:
    uses = Counter(line["sku"] for rma in demo["rmas"] for line in rma["lines"])
    assert max(uses.values()) <= 3


def test_some_rmas_are_outside_their_return_window(store: Store) -> None:
    load_demo_data(store, TODAY)
    with store.read() as session:
        windows = {
            (policy.channel, policy.category): policy.window_days
            for policy in session.scalars(select(ReturnPolicy))
        }
        outside = set()
        for line in session.scalars(select(RmaLine)):
            rma, category = line.rma, line.item.category
            days = windows.get((rma.channel, category), windows[(rma.channel, None)])
            if (TODAY - rma.ship_date).days > days:
                outside.add(rma.number)
    assert 1 <= len(outside) < 60 // 4


def test_expected_receipts_cover_lots_serials_and_a_hundred_items(store: Store) -> None:
    counts = load_demo_data(store, TODAY)
    assert counts.receipts >= 20
    with store.read() as session:
        lines = list(session.scalars(select(ExpectedLine)))
        items = {line.sku: line.item for line in lines}
        receipts = list(session.scalars(select(ExpectedReceipt)))
        suppliers = {r.number: r.supplier.name for r in receipts}
    assert len(items) >= 90
    assert any(i.lot_tracked and i.min_shelf_life_days for i in items.values())
    assert any(i.serial_tracked for i in items.values())
    # A receipt comes from one supplier, and only that supplier's items are on it.
    assert all(items[line.sku].supplier == suppliers[line.receipt_number] for line in lines)


def test_pallet_ssccs_have_valid_check_digits(demo: dict[str, Any]) -> None:
    codes = [sscc for receipt in demo["receipts"] for sscc in receipt["pallets"]]
    assert codes and all(len(c) == 18 and check_digit_problem(c) is None for c in codes)
    assert len(set(codes)) == len(codes)


def test_bins_have_zones_and_capacity_and_every_category_a_putaway_zone(store: Store) -> None:
    load_demo_data(store, TODAY)
    with store.read() as session:
        bins = list(session.scalars(select(Location).where(Location.kind == "bin")))
        ruled = set(session.scalars(select(PutawayRule.category)))
        held = list(session.scalars(select(Location.kind).where(Location.kind != "bin")))
    assert all(b.zone and b.capacity for b in bins)
    assert ruled == CATEGORIES
    assert {"quarantine", "damaged"} <= set(held)
