"""``make bench``: the window's cold start, from process start to ready for the first scan.

Writes the demo data and 100,000 units of history (90 days, ``demo.history``) into a fresh
data folder, then starts ``python -m app`` on it (offscreen, no ERP, no printer) with
``STATION_EXIT_WHEN_READY=1``: the window prints the time once it is shown and idle, and
quits. Each start is timed from just before the child process is spawned to that time.
The first start is a warm-up for the disk cache and is not counted; the median of the
next five is.

Prints ``{"bench": "cold_start", "ms", "units", "runs_ms", "cpu_ms", "target_ms",
"within_target"}``; ``cpu_ms`` (the median processor time of a start, to its quit) tells
a slow start from a machine busy with something else.
Target: 1,500 ms (PySide6's own import is about 350 ms of it).
"""

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from demo.history import write_history
from demo.master_data import load_demo_data
from station import paths
from station.rulepack import load_rulepack
from station.store.engine import open_store

UNITS, DAYS, RUNS = 100_000, 90, 5
TARGET_MS = 1500


def prepare(folder: Path) -> int:
    """The demo data and the history, in the data folder the window will open."""
    store = open_store(paths.database_file(folder))
    try:
        today = date.today()
        load_demo_data(store, today)
        return write_history(store, load_rulepack(), days=DAYS, units=UNITS, today=today).units
    finally:
        store.close()


def start_once(folder: Path, config: Path) -> tuple[float, float]:
    """Milliseconds from spawning the window's process to its saying it is ready, and the
    processor time it used (user and system) to get there and quit."""
    environment = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        STATION_DATA_DIR=str(folder),
        STATION_CONFIG=str(config),
        STATION_EXIT_WHEN_READY="1",
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.time()
    done = subprocess.run(
        [sys.executable, "-m", "app"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,  # a failed start is told below, with its error output
    )
    ready = [line for line in done.stdout.splitlines() if line.startswith("ready ")]
    assert done.returncode == 0 and ready, f"the window did not say it was ready: {done.stderr}"
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return (float(ready[0].split()[1]) - started) * 1000, cpu * 1000


def main() -> int:
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        config = folder / "station.toml"
        config.write_text("", encoding="utf-8")  # the defaults: no ERP, no printer
        units = prepare(folder)
        start_once(folder, config)  # warm-up: the files into the disk cache
        runs = [start_once(folder, config) for _ in range(RUNS)]
    took = statistics.median(ms for ms, _ in runs)
    print(json.dumps({
        "bench": "cold_start", "ms": round(took, 1), "units": units,
        "runs_ms": [round(ms) for ms, _ in runs],
        "cpu_ms": round(statistics.median(cpu for _, cpu in runs)),
        "target_ms": TARGET_MS, "within_target": took <= TARGET_MS,
    }))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
