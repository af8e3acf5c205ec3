"""Fixtures shared by every layer's tests: a migrated store with the demo data, a bench.

Building a store runs the migrations and hashes seven PINs; that is done once per test
session into a template file, and each test gets its own copy under ``tmp_path``.
"""

import json
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fake_scanner import FakeScannerPort

import resources
from station.demo_data import load_demo_data
from station.returns import ReturnsBench
from station.rulepack import RulePack, load_rulepack
from station.settings import Settings
from station.store.engine import Store, open_store


@pytest.fixture(scope="session")
def demo() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resources.path("demo", "demo.json").read_text())
    return data


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
