"""Fixtures shared by every layer's tests: a migrated store with the demo data, a bench.

Building a store runs the migrations and hashes seven PINs; that is done once per test
session into a template file, and each test gets its own copy under ``tmp_path``.

A live Tryton for the ERP tests, on 127.0.0.1: the first test that needs it initialises
and seeds one server (about 45 s) into a template folder and stops it; each test module
then starts its own copy of that folder on a port of its own (about 2 s), so modules never
see each other's changes. A developer running the ERP tests over and over may point
``STATION_TEST_ERP_TEMPLATE`` at a folder seeded once (a stopped ``erp-demo`` folder) to
skip the seeding.

A PostgreSQL cluster for the site's tests, started once per session on a free port on
127.0.0.1 (as an unprivileged user when the tests run as root), and a database of its own
for each test that asks for one.
"""

import itertools
import json
import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fake_scanner import FakeScannerPort
from sqlalchemy import create_engine

from demo import erp_server
from demo.master_data import DEMO_FILE, load_demo_data
from hub.cluster import Cluster, new_cluster
from station.returns.bench import ReturnsBench
from station.rulepack import RulePack, load_rulepack
from station.settings import Settings
from station.store.engine import Store, open_store
from sync.tryton.rpc import Client


@pytest.fixture(scope="session")
def demo() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DEMO_FILE.read_text())
    return data


@pytest.fixture
def today() -> date:
    """The local date as this test starts: a module's date taken at import goes stale when
    the suite runs past midnight, while the benches stamp their units by the clock."""
    return date.today()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    file = tmp_path_factory.mktemp("template") / "station.db"
    store = open_store(file)
    load_demo_data(store, date.today())
    with store.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return file


@pytest.fixture
def store(template_db: Path, tmp_path: Path) -> Iterator[Store]:
    file = tmp_path / "data" / "station.db"
    file.parent.mkdir()
    shutil.copyfile(template_db, file)
    opened = open_store(file)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def pack() -> RulePack:
    return load_rulepack()


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture
def bench(store: Store, settings: Settings, pack: RulePack, tmp_path: Path) -> ReturnsBench:
    return ReturnsBench(store, settings, pack, tmp_path / "photos")


@pytest.fixture
def port(tmp_path: Path) -> Iterator[FakeScannerPort]:
    """A serial scanner on a pseudo-terminal, plugged in at a stable path."""
    fake = FakeScannerPort(tmp_path / "ttyScanner")
    yield fake
    if fake.link.is_symlink():
        fake.unplug()


@pytest.fixture(scope="session")
def erp_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    seeded = os.environ.get("STATION_TEST_ERP_TEMPLATE")
    if seeded:
        return Path(seeded)
    folder = tmp_path_factory.mktemp("erp-template")
    try:
        erp_server.start(folder)
    finally:
        erp_server.stop(folder)
    return folder


@pytest.fixture(scope="module")
def erp(
    erp_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[erp_server.Running]:
    folder = tmp_path_factory.mktemp("erp") / "erp-demo"
    erp_server.clone(erp_template, folder)
    try:
        yield erp_server.start(folder)
    finally:
        erp_server.stop(folder)


@pytest.fixture
def station_client(erp: erp_server.Running) -> Client:
    return Client(erp.station)


@pytest.fixture
def admin_client(erp: erp_server.Running) -> Client:
    return Client(erp.admin)


# --- the site: a PostgreSQL cluster started once per session, a database per test ---

_names = itertools.count(1)


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    made = new_cluster()
    try:
        yield made
    finally:
        made.remove()


@pytest.fixture
def site_url(cluster: Cluster) -> Iterator[str]:
    """An empty database of this test's own; dropped after, with whatever still holds it."""
    name = f"test_{next(_names)}"
    admin = create_engine(cluster.url("postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
        yield cluster.url(name)
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE {name} WITH (FORCE)")
    finally:
        admin.dispose()
