"""Master data pulled from a live Tryton: the whole catalogue, then only what changed."""

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from station.store.engine import Store, open_store
from station.store.schema import Gtin, Item, Location, SyncCursor
from sync.pull import pull_all
from sync.rpc import Client, Rejected

pytestmark = pytest.mark.erp


@pytest.fixture
def empty_store(tmp_path: Path) -> Iterator[Store]:
    store = open_store(tmp_path / "station.db")
    yield store
    store.close()


def count(store: Store, model: type) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_full_pull_brings_items_gtins_and_bins(
    station_client: Client, empty_store: Store
) -> None:
    pulled = {p.entity: p.rows for p in pull_all(station_client, empty_store)}
    assert pulled == {"location": 62, "item": 220}
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
    assert set(cursors) == {"location", "item"}
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
    assert pulled == {"location": 0, "item": 2}
    with empty_store.read() as session:
        overcoat = session.get(Item, "AP-1002")
        assert overcoat is not None and overcoat.name.endswith("(2027)")
        added = session.get(Gtin, "04006381333931")
        assert added is not None and added.sku == "AP-1003"


def test_the_station_user_cannot_change_the_catalogue(station_client: Client) -> None:
    with pytest.raises(Rejected, match="not allowed"):
        station_client.model("product.template", "create", [{"name": "Contraband"}])
