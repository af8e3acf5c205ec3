"""A live Tryton for the ERP tests, on 127.0.0.1.

The first test that needs it initialises and seeds one server (about 45 s) into a
template folder and stops it; each test module then starts its own copy of that folder on
a port of its own (about 2 s), so modules never see each other's changes. A developer
running the ERP tests over and over may point ``STATION_TEST_ERP_TEMPLATE`` at a folder
seeded once (a stopped ``erp-demo`` folder) to skip the seeding.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from sync import erp_demo
from sync.rpc import Client


@pytest.fixture(scope="session")
def erp_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    seeded = os.environ.get("STATION_TEST_ERP_TEMPLATE")
    if seeded:
        return Path(seeded)
    folder = tmp_path_factory.mktemp("erp-template")
    try:
        erp_demo.start(folder)
    finally:
        erp_demo.stop(folder)
    return folder


@pytest.fixture(scope="module")
def erp(erp_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[erp_demo.Running]:
    folder = tmp_path_factory.mktemp("erp") / "erp-demo"
    erp_demo.clone(erp_template, folder)
    try:
        yield erp_demo.start(folder)
    finally:
        erp_demo.stop(folder)


@pytest.fixture
def station_client(erp: erp_demo.Running) -> Client:
    return Client(erp.station)


@pytest.fixture
def admin_client(erp: erp_demo.Running) -> Client:
    return Client(erp.admin)
