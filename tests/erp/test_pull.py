"""Master data and work pulled from a live Tryton: all of it, then only what changed."""

import itertools
import time
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

import sync.tryton.pull
from station.receiving.bench import ReceivingBench
from station.returns.bench import ReturnsBench
from station.scans import Scan
from station.settings import Settings
from station.store.engine import Store, open_store
from station.store.schema import (
    ExpectedReceipt,
    Gtin,
    Item,
    Location,
    Receipt,
    ReturnUnit,
    Rma,
    SyncConflict,
    SyncCursor,
)
from sync import pull
from sync.connector import Rejected
from sync.tryton.connector import Tryton
from sync.tryton.pull import OVERLAP
from sync.tryton.rpc import Client

pytestmark = pytest.mark.erp
_clock = itertools.count(1000, 2)


@pytest.fixture
def empty_store(tmp_path: Path) -> Iterator[Store]:
    store = open_store(tmp_path / "station.db")
    yield store
    store.close()


def pull_all(
    client: Client,
    store: Store,
    progress: pull.Progress | None = None,
    overlap: timedelta = OVERLAP,
) -> list[pull.Pulled]:
    """The cycle's pull of every entity, from Tryton over ``client``."""
    return pull.pull_all(Tryton(client, overlap), store, progress)


def count(store: Store, model: type) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_full_pull_brings_items_gtins_and_bins(
    station_client: Client, empty_store: Store
) -> None:
    pulled = {p.entity: p.rows for p in pull_all(station_client, empty_store)}
    assert pulled == {"location": 62, "item": 220, "rma": 60, "receipt": 24}
    assert (count(empty_store, Item), count(empty_store, Gtin), count(empty_store, Location)) == (
        220,
        247,
        62,
    )
    with empty_store.read() as session:
        jumper = session.get(Item, "AP-1001")
        assert jumper is not None
        assert (jumper.name, jumper.category, jumper.unit_value_cents) == (
            "Merino crew jumper, navy, M",
            "apparel",
            2599,
        )
        assert session.get(Gtin, "07610912083911") is not None
        cursors = {c.entity: c for c in session.scalars(select(SyncCursor))}
    assert set(cursors) == {"location", "item", "rma", "receipt"}
    assert all(c.since is not None and c.last_id == 0 for c in cursors.values())


def test_a_delta_pull_reads_only_what_changed(
    station_client: Client, admin_client: Client, empty_store: Store
) -> None:
    pull_all(station_client, empty_store, overlap=timedelta(0))
    (template,) = admin_client.model(
        "product.template", "search", [["code", "=", "AP-1002"]], 0, 1, None
    )
    admin_client.model(
        "product.template", "write", [template], {"name": "Wool overcoat, black, XS (2027)"}
    )
    (variant,) = admin_client.model(
        "product.product", "search", [["code", "=", "AP-1003"]], 0, 1, None
    )
    admin_client.model(
        "product.identifier",
        "create",
        [{"product": variant, "type": "ean", "code": "4006381333931"}],
    )
    pulled = {p.entity: p.rows for p in pull_all(station_client, empty_store, overlap=timedelta(0))}
    assert pulled == {"location": 0, "item": 2, "rma": 0, "receipt": 0}
    with empty_store.read() as session:
        overcoat = session.get(Item, "AP-1002")
        assert overcoat is not None and overcoat.name.endswith("(2027)")
        added = session.get(Gtin, "04006381333931")
        assert added is not None and added.sku == "AP-1003"


def test_rows_read_again_in_the_overlap_are_applied_only_when_they_changed(
    station_client: Client, admin_client: Client, empty_store: Store
) -> None:
    # One connector for the day, as the worker keeps it; a long overlap reads every row
    # again at each pull, as a busy ERP's recent changes are.
    tryton = Tryton(station_client, timedelta(days=3650))
    first = {p.entity: p.rows for p in pull.pull_all(tryton, empty_store)}
    assert first == {"location": 62, "item": 220, "rma": 60, "receipt": 24}
    (template,) = admin_client.model(
        "product.template", "search", [["code", "=", "AP-1005"]], 0, 1, None
    )
    admin_client.model("product.template", "write", [template], {"name": "Rain shell, 2027"})
    again = {p.entity: p.rows for p in pull.pull_all(tryton, empty_store)}
    assert again == {"location": 0, "item": 1, "rma": 0, "receipt": 0}
    with empty_store.read() as session:
        shell = session.get(Item, "AP-1005")
        assert shell is not None and shell.name == "Rain shell, 2027"
    # A new connector (the window started again) applies every row once more.
    fresh = {p.entity: p.rows for p in pull_all(station_client, empty_store, timedelta(days=3650))}
    assert fresh == first


def test_the_station_user_cannot_change_the_catalogue(station_client: Client) -> None:
    with pytest.raises(Rejected, match="not allowed"):
        station_client.model("product.template", "create", [{"name": "Contraband"}])


def cancel_in_the_erp(admin: Client, rma: str) -> None:
    found = admin.model(
        "stock.shipment.out.return", "search", [["reference", "=", rma]], 0, 1, None
    )
    admin.model("stock.shipment.out.return", "cancel", found)


def test_an_rma_cancelled_in_the_erp_while_at_the_bench_is_a_conflict_and_the_facts_stay(
    bench: ReturnsBench, store: Store, station_client: Client, admin_client: Client
) -> None:
    pull_all(station_client, store)
    for raw in ("BADGE-1001", "RMA-10004", "5907725452020"):  # the running shorts
        bench.handle(Scan(raw, at=float(next(_clock))))
    unit = bench.mem.unit_id
    assert unit is not None
    cancel_in_the_erp(admin_client, "RMA-10004")
    cancel_in_the_erp(admin_client, "RMA-10005")  # nobody is working on this one
    pull_all(station_client, store)
    with store.read() as session:
        conflict = session.scalars(select(SyncConflict)).one()
        working, idle = session.get(Rma, "RMA-10004"), session.get(Rma, "RMA-10005")
        at_bench = session.get(ReturnUnit, unit)
        assert working is not None and idle is not None and at_bench is not None
        assert (conflict.key, conflict.erp_state) == ("RMA-10004", "cancelled")
        assert "facts are kept" in conflict.detail
        assert working.erp_state == idle.erp_state == "cancelled"  # no new unit of either
        assert at_bench.status == "open"  # the unit at the bench keeps its facts
    pull_all(station_client, store, overlap=timedelta(minutes=10))  # seen again: said once
    assert count(store, SyncConflict) == 1


def test_a_unit_of_an_rma_cancelled_in_the_erp_fails_the_policy(
    bench: ReturnsBench, store: Store, station_client: Client, admin_client: Client
) -> None:
    cancel_in_the_erp(admin_client, "RMA-10012")
    pull_all(station_client, store)
    for raw in ("BADGE-1001", "RMA-10012", "4001954833795", "SNDL80MB9VSI"):
        bench.handle(Scan(raw, at=float(next(_clock))))
    view = bench.view()
    assert view.unit is not None and view.unit.policy_verdict == "fail"
    assert "FAIL: RMA-10012 is cancelled in the ERP." in [v.line for v in view.unit.policy_lines]


def test_a_pull_cut_off_and_resumed_misses_nothing_behind_it(
    station_client: Client, admin_client: Client, empty_store: Store
) -> None:
    pull_all(station_client, empty_store, overlap=timedelta(0))
    with empty_store.unit() as session:  # as if the last pull stopped after id 100
        cursor = session.get(SyncCursor, "item")
        assert cursor is not None
        cursor.last_id = 100
    (template,) = admin_client.model(
        "product.template", "search", [["code", "=", "AP-1004"]], 0, 1, None
    )
    admin_client.model("product.template", "write", [template], {"name": "Changed behind the cut"})
    (later,) = admin_client.model(
        "product.template", "search", [["code", "=", "BK-4030"]], 0, 1, None
    )
    admin_client.model("product.template", "write", [later], {"name": "Changed after, ahead"})
    pull_all(station_client, empty_store, overlap=timedelta(0))  # resumes after id 100
    pull_all(station_client, empty_store, overlap=timedelta(0))  # then from the old start
    with empty_store.read() as session:
        item, ahead = session.get(Item, "AP-1004"), session.get(Item, "BK-4030")
        assert item is not None and item.name == "Changed behind the cut"
        assert ahead is not None and ahead.name == "Changed after, ahead"


def test_the_work_arrives_rmas_and_expected_receipts_with_their_lines(
    station_client: Client, empty_store: Store
) -> None:
    pull_all(station_client, empty_store)
    with empty_store.read() as session:
        rma = session.get(Rma, "RMA-10002")
        assert rma is not None and rma.channel == "erp" and rma.erp_state == "draft"
        assert rma.customer == "Anna Kowalska"  # the ERP's party name
        assert sorted((line.sku, line.quantity) for line in rma.lines) == [
            ("EL-2007", 1),
            ("HB-3004", 1),
        ]
        asn = session.get(ExpectedReceipt, "ASN-200001")
        assert asn is not None and asn.status == "open"
        assert (asn.supplier_code, asn.supplier.name) == ("SUP-ALPENKRAUT", "Alpenkraut")
        assert [(line.sku, line.quantity, line.lot) for line in asn.lines] == [
            ("HB-3010", 101, "LHAZASZ"),
            ("HB-3047", 93, "LXUKCOG"),
            ("HB-3042", 30, "LNY80Z4"),
        ]


def test_an_rma_made_in_the_erp_reaches_the_bench(
    bench: ReturnsBench, store: Store, station_client: Client, admin_client: Client
) -> None:
    pull_all(station_client, store)
    (customer,) = admin_client.model(
        "party.party", "search", [["name", "=", "Unidentified returns"]], 0, 1, None
    )
    places = {
        row["code"]: row["id"]
        for row in admin_client.model(
            "stock.location", "search_read", [["code", "in", ["WH", "IN", "STO", "CUS"]]],
            0, None, None, ["code"],
        )
    }  # fmt: skip
    (product,) = admin_client.model(
        "product.product", "search", [["code", "=", "AP-1002"]], 0, 1, None
    )
    (euro,) = admin_client.model("currency.currency", "search", [], 0, 1, None)
    admin_client.model(
        "stock.shipment.out.return", "create",
        [{
            "customer": customer, "reference": "RMA-20001", "warehouse": places["WH"],
            "warehouse_input": places["IN"], "warehouse_storage": places["STO"],
            "moves": [["create", [{
                "product": product, "unit": 1, "quantity": 1.0, "from_location": places["CUS"],
                "to_location": places["IN"], "unit_price": Decimal("10"), "currency": euro,
            }]]],
        }],
    )  # fmt: skip
    pulled = {p.entity: p.rows for p in pull_all(station_client, store)}
    assert pulled["rma"] >= 1
    for raw in ("BADGE-1001", "RMA-20001", "8710449266418"):  # AP-1002's GTIN
        said = bench.handle(Scan(raw, at=float(next(_clock))))
    view = bench.view()
    assert view.unit is not None and view.unit.sku == "AP-1002", said.message
    assert view.unit.policy_verdict == "pass"  # made by the ERP today: inside its window


def test_a_receipt_cancelled_in_the_erp_while_open_at_the_bench_is_a_conflict(
    store: Store, tmp_path: Path, station_client: Client, admin_client: Client
) -> None:
    pull_all(station_client, store)
    receiving = ReceivingBench(store, Settings({}), tmp_path / "photos", date.today)
    for raw in ("BADGE-2001", "ASN-200003", "@NEW-LPN"):
        receiving.handle(Scan(raw, at=float(next(_clock))))
    for asn in ("ASN-200003", "ASN-200004"):
        found = admin_client.model(
            "stock.shipment.in", "search", [["reference", "=", asn]], 0, 1, None
        )
        admin_client.model("stock.shipment.in", "cancel", found)
    pull_all(station_client, store)
    with store.read() as session:
        conflict = session.scalars(select(SyncConflict)).one()
        open_one, idle = (
            session.get(ExpectedReceipt, "ASN-200003"),
            session.get(ExpectedReceipt, "ASN-200004"),
        )
        assert open_one is not None and idle is not None
        assert (conflict.entity, conflict.key, conflict.erp_state) == (
            "receipt",
            "ASN-200003",
            "cancelled",
        )
        assert open_one.status == idle.status == "cancelled"
        assert session.scalars(select(Receipt.status)).one() == "open"  # the bench's facts stay


def test_a_pull_longer_than_a_page_reports_how_far_it_got(
    station_client: Client, empty_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sync.tryton.pull, "PAGE", 100)
    heard: list[tuple[str, int, int]] = []
    pull_all(station_client, empty_store, lambda *news: heard.append(news))
    assert heard == [("item", 100, 220), ("item", 200, 220), ("item", 220, 220)]


def test_a_change_long_past_is_not_read_again_on_every_pull(
    station_client: Client, admin_client: Client, empty_store: Store
) -> None:
    overlap = timedelta(seconds=2)
    pull_all(station_client, empty_store, overlap=overlap)
    templates = admin_client.model(
        "product.template", "search", [["code", "like", "BK-40%"]], 0, 5, None
    )
    admin_client.model("product.template", "write", templates, {"list_price": Decimal("9.99")})
    items = {p.entity: p.rows for p in pull_all(station_client, empty_store, overlap=overlap)}
    assert items["item"] == 5
    time.sleep(overlap.total_seconds() + 0.5)
    again = {p.entity: p.rows for p in pull_all(station_client, empty_store, overlap=overlap)}
    # read back once more: a transaction begun before the last pull may have been late
    assert again["item"] == 5
    later = {p.entity: p.rows for p in pull_all(station_client, empty_store, overlap=overlap)}
    assert later == {"location": 0, "item": 0, "rma": 0, "receipt": 0}


def test_a_pull_keeps_what_the_erp_does_not_hold(station_client: Client, store: Store) -> None:
    pull_all(station_client, store)
    with store.read() as session:
        asn = session.get(ExpectedReceipt, "ASN-200001")
        assert asn is not None and asn.po_number == "PO-700001"  # the ERP has no purchase
        assert [line.lot for line in asn.lines] == ["LHAZASZ", "LXUKCOG", "LNY80Z4"]
