import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hub_process import RunningHub, running_hub

from station.returns.bench import ReturnsBench
from station.rulepack import RulePack
from station.settings import Settings
from station.store.engine import open_store


@pytest.fixture
def hub(site_url: str) -> Iterator[RunningHub]:
    """A real hub process over this test's own database (migrated as the hub starts)."""
    with running_hub(site_url) as running:
        yield running


@pytest.fixture
def other(template_db: Path, tmp_path: Path, pack: RulePack) -> Iterator[ReturnsBench]:
    """A second bench of the site, BENCH-02, with a store of its own."""
    file = tmp_path / "other" / "station.db"
    file.parent.mkdir()
    shutil.copyfile(template_db, file)
    store = open_store(file)
    yield ReturnsBench(store, Settings({"bench.id": "BENCH-02"}), pack, tmp_path / "photos2")
    store.close()
