"""``station site-demo``: a site of two benches on this machine, for a newcomer to see
what a site does: an approval asked at one bench answered at the other, and an RMA line
open at one bench refused at the other.

It starts a PostgreSQL cluster of its own (as ``hub.cluster`` starts the tests'), the hub
over it with the demo's operators kept once for the site, and two bench windows, each
enrolled with its own token and with a store of its own holding the demo data. Everything
lives in one temporary folder; closing both windows, or Ctrl+C here, stops the windows,
the hub and PostgreSQL, and removes the folder.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from types import FrameType

import requests
from sqlalchemy.orm import Session

from demo.master_data import DEMO_FILE, load_demo_data
from hub import operators, tokens
from hub.cluster import free_port, new_cluster
from hub.database import open_site_database
from station.errors import KnownError
from station.operators import Role
from station.recording import utcnow
from station.store.engine import open_store

BENCHES = ("BENCH-01", "BENCH-02")
READY_WITHIN_S = 30
STOP_WITHIN_S = 10


class SiteDemoError(KnownError):
    """The site demo could not start: says which part and why."""


def _interrupted(signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def run() -> int:
    # Stopped by Ctrl+C, `kill` or a closed terminal, it cleans up: no PostgreSQL, hub or
    # window is left behind (SIGINT too: a shell may have started it with SIGINT ignored).
    for stop in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(stop, _interrupted)
    folder = Path(tempfile.mkdtemp(prefix="station-site-demo-"))
    print("Starting the site demo: PostgreSQL, the hub, and two benches…", flush=True)
    try:
        cluster = new_cluster()
        try:
            _run_site(cluster.url(), cluster.port, folder)
        finally:
            cluster.remove()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print("The site demo stopped: its windows, its hub and its PostgreSQL are gone.")
    return 0


def _run_site(database: str, port: int, folder: Path) -> None:
    """The hub and the two windows, until both windows close or the demo is stopped."""
    found = _site(database)
    windows: list[subprocess.Popen[bytes]] = []
    with _hub(database, folder) as url:
        try:
            for bench in BENCHES:
                windows.append(_bench(folder, bench, url, found[bench]))
            _say(url, port)
            for window in windows:
                window.wait()
        except KeyboardInterrupt:
            print("\nStopping the site demo…", flush=True)
        finally:
            for window in windows:
                _stop(window)


def _site(url: str) -> dict[str, str]:
    """The site's database made, the demo's operators kept once for the site, and a token
    for each bench; returns the tokens."""
    operators_of_demo = json.loads(DEMO_FILE.read_text(encoding="utf-8"))["operators"]
    engine = open_site_database(url)
    try:
        with Session(engine) as session, session.begin():
            for one in operators_of_demo:
                operators.keep(session, one["badge"], one["name"], Role(one["role"]), one["pin"])
            return {bench: tokens.enrol(session, bench, utcnow()) for bench in BENCHES}
    finally:
        engine.dispose()


@contextmanager
def _hub(database: str, folder: Path) -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with (folder / "hub.log").open("w") as log:
        hub = subprocess.Popen(
            [sys.executable, "-m", "app", "hub", "serve", "--database", database,
             "--port", str(port)],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        try:
            _wait_ready(url, hub, folder / "hub.log")
            yield url
        finally:
            _stop(hub)


def _wait_ready(url: str, hub: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + READY_WITHIN_S
    while hub.poll() is None and time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/v1/health", timeout=1).ok:
                return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise SiteDemoError(f"the hub did not start: {log.read_text(encoding='utf-8')[-2000:]}")


def _bench(folder: Path, bench: str, hub: str, token: str) -> subprocess.Popen[bytes]:
    """A bench window of the site: its own data folder with the demo data, its own
    settings file naming the hub, and its token in the environment (never in a file)."""
    home = folder / bench
    home.mkdir()
    store = open_store(home / "station.db")
    try:
        load_demo_data(store, date.today())
    finally:
        store.close()
    config = home / "station.toml"
    config.write_text(f'[bench]\nid = "{bench}"\n\n[hub]\nurl = "{hub}"\n', encoding="utf-8")
    environment = {
        **os.environ,
        "STATION_DATA_DIR": str(home),
        "STATION_CONFIG": str(config),
        "STATION_HUB_TOKEN": token,
    }
    # A session of its own: Ctrl+C at the terminal reaches the demo, which stops it.
    return subprocess.Popen([sys.executable, "-m", "app"], env=environment, start_new_session=True)


def _say(hub: str, port: int) -> None:
    print(
        f"""
The site is up: PostgreSQL on 127.0.0.1:{port}, the hub at {hub}, and two bench
windows, {" and ".join(BENCHES)}, each with its own store and token.

Try it:
  * An approval asked at one bench, answered at the other: at BENCH-01 scan BADGE-1001,
    RMA-10004, 5907725452020, answer the checklist, grade, then override (@DISP-DONATE).
    At BENCH-02 sign in as Sam (BADGE-3001), open Bench -> Supervisor view -> Approvals:
    BENCH-01's override is there. Approve it; BENCH-01 records it at its next scan.
  * A claim refused: with a unit of RMA-10004 line 1 open at BENCH-01, scan RMA-10004 and
    5907725452020 at BENCH-02 as Ibrahim (BADGE-1002): it is open at BENCH-01 by Ines.

Close both windows, or press Ctrl+C here, to stop the site demo.""",
        flush=True,
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_WITHIN_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
