"""``station site-demo`` starts PostgreSQL, the hub and two bench windows, and stops them
all when the windows close, leaving nothing behind."""

import os
import signal
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


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_the_site_demo_stopped_from_outside_leaves_nothing_behind(stop: signal.Signals) -> None:
    before = leftovers()
    demo = subprocess.Popen(
        [sys.executable, "-m", "app", "site-demo"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    assert demo.stdout is not None
    said = ""
    while "to stop the site demo." not in said:
        line = demo.stdout.readline()
        assert line, f"the site demo ended before it was up: {said}"
        said += line
    children = _children(demo.pid)
    assert len(children) >= 3  # the hub and two windows
    demo.send_signal(stop)
    rest, _ = demo.communicate(timeout=60)
    assert demo.returncode == 0, rest
    assert "Stopping the site demo" in rest
    assert rest.rstrip().endswith("its hub and its PostgreSQL are gone.")
    assert not [pid for pid in children if Path(f"/proc/{pid}").exists()]
    assert leftovers() <= before


def _children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in found]
