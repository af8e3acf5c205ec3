"""``station site-demo`` starts PostgreSQL, the hub and two bench windows, and stops them
all when the windows close, leaving nothing behind."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.gui


def leftovers() -> set[Path]:
    return {
        *Path(tempfile.gettempdir()).glob("station-site-demo-*"),
        *Path(tempfile.gettempdir()).glob("station-site-*"),
    }


def test_the_site_demo_starts_a_site_and_stops_it_whole() -> None:
    before = leftovers()
    done = subprocess.run(
        [sys.executable, "-m", "app", "site-demo"],
        capture_output=True, text=True, timeout=180, check=False,
        # Each window quits once it is up, as a newcomer closing both would.
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "STATION_EXIT_WHEN_READY": "1"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "The site is up" in done.stdout
    assert done.stdout.count("ready ") == 2  # both bench windows came up
    assert "BENCH-01 and BENCH-02" in done.stdout
    assert done.stdout.rstrip().endswith("its hub and its PostgreSQL are gone.")
    assert leftovers() <= before
