"""The background sync: a cycle against the live Tryton, the ERP away, no password, another
process syncing the same bench, and the header."""

import itertools
import subprocess
import sys

import pytest
from pytestqt.qtbot import QtBot

from demo import erp_server
from station.errors import ConfigError
from station.returns.bench import ReturnsBench
from station.scans import Scan
from station.settings import Settings
from station.store.engine import Store
from sync.credentials import OS_SOURCES
from sync.cycle import SyncState, SyncStatus, SyncWorker
from sync.tryton.connector import Tryton, tryton_connector
from sync.tryton.rpc import Client, Login
from ui.header import Header
from ui.sync_link import SyncLink

pytestmark = pytest.mark.erp
_clock = itertools.count(1000, 2)


def test_a_cycle_pulls_pushes_and_says_online(
    bench: ReturnsBench, store: Store, station_client: Client
) -> None:
    for raw in ("BADGE-1001", "4009441399571", "@TRIAGE", "@CONFIRM"):  # AP-1005, no RMA
        bench.handle(Scan(raw, at=float(next(_clock))))
    state = SyncWorker(lambda: Tryton(station_client), store, lambda _s: None).once()
    assert (state.state, state.pending) == (SyncStatus.ONLINE, 0)
    assert state.last_sync is not None


def test_no_password_is_an_error_said_and_tried_again_next_cycle(
    store: Store, station_client: Client
) -> None:
    tries = iter([ConfigError("No ERP password for station: set STATION_ERP_PASSWORD")])

    def connect() -> Tryton:
        for refused in tries:
            raise refused
        return Tryton(station_client)

    worker = SyncWorker(connect, store, lambda _s: None)
    state = worker.once()
    assert (state.state, state.detail) == (
        SyncStatus.ERROR,
        "No ERP password for station: set STATION_ERP_PASSWORD",
    )
    assert worker.once().state == SyncStatus.ONLINE  # the password was set meanwhile


def test_a_bench_synced_by_another_process_waits_its_turn(
    store: Store, station_client: Client
) -> None:
    holder = subprocess.Popen(  # another process (a `station sync --once`) holds the lock
        [sys.executable, "-c", HOLD_LOCK, str(store.file.parent / "sync.lock")],
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
        state = SyncWorker(lambda: Tryton(station_client), store, lambda _s: None).once()
        assert state.state == SyncStatus.WAITING and "another process is syncing" in state.detail
    finally:
        holder.kill()
        holder.wait()
        assert holder.stdout is not None
        holder.stdout.close()
    assert (
        SyncWorker(lambda: Tryton(station_client), store, lambda _s: None).once().state
        == SyncStatus.ONLINE
    )


HOLD_LOCK = """
import fcntl, sys, time
handle = open(sys.argv[1], "a")
fcntl.flock(handle, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(60)
"""


def test_an_erp_away_is_offline_and_the_events_wait(bench: ReturnsBench, store: Store) -> None:
    for raw in ("BADGE-1001", "028813993203", "@TRIAGE", "@CONFIRM"):  # AP-1006, no RMA
        bench.handle(Scan(raw, at=float(next(_clock))))
    away = Client(Login("http://127.0.0.1:9", "station", "station", "x"))
    state = SyncWorker(lambda: Tryton(away), store, lambda _s: None).once()
    assert (state.state, state.last_sync) == (SyncStatus.OFFLINE, None)
    assert state.pending >= 1 and "cannot be reached" in state.detail


def test_the_header_shows_the_sync_from_its_own_thread(
    qtbot: QtBot, store: Store, erp: erp_server.Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STATION_ERP_PASSWORD", erp.station.password)
    settings = Settings().with_values(erp__url=erp.url)
    header = Header("BENCH-01", "wedge")
    qtbot.addWidget(header)
    link = SyncLink(store, settings, tryton_connector(settings, OS_SOURCES))
    link.state_changed.connect(header.show_erp)
    with qtbot.waitSignal(link.state_changed, timeout=20_000) as heard:
        link.start()
    link.stop()
    state = heard.args[0]
    assert isinstance(state, SyncState) and state.state == SyncStatus.ONLINE
    assert header.erp.state == "ok"
    assert header.erp.text.text().startswith("ERP: online, 0 pending, last sync ")
