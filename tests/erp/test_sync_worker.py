"""The background sync: a cycle against the live Tryton, the ERP away, and the header."""

import itertools

import pytest
from pytestqt.qtbot import QtBot

from station import settings as S
from station.returns import ReturnsBench
from station.scans import Scan
from station.store.engine import Store
from sync import erp_demo
from sync.cycle import SyncState, SyncWorker
from sync.rpc import Client, Login
from ui.header import Header
from ui.sync_link import SyncLink

pytestmark = pytest.mark.erp
_clock = itertools.count(1000, 2)


def test_a_cycle_pulls_pushes_and_says_online(
    bench: ReturnsBench, store: Store, station_client: Client
) -> None:
    for raw in ("BADGE-1001", "4009441399571", "@TRIAGE", "@CONFIRM"):  # AP-1005, no RMA
        bench.handle(Scan(raw, at=float(next(_clock))))
    state = SyncWorker(station_client, store, lambda _s: None).once()
    assert (state.state, state.pending) == ("online", 0)
    assert state.last_sync is not None


def test_an_erp_away_is_offline_and_the_events_wait(bench: ReturnsBench, store: Store) -> None:
    for raw in ("BADGE-1001", "028813993203", "@TRIAGE", "@CONFIRM"):  # AP-1006, no RMA
        bench.handle(Scan(raw, at=float(next(_clock))))
    away = Client(Login("http://127.0.0.1:9", "station", "station", "x"))
    state = SyncWorker(away, store, lambda _s: None).once()
    assert (state.state, state.last_sync) == ("offline", None)
    assert state.pending >= 1 and "cannot be reached" in state.detail


def test_the_header_shows_the_sync_from_its_own_thread(
    qtbot: QtBot, store: Store, erp: erp_demo.Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STATION_ERP_PASSWORD", erp.station.password)
    settings = S.Settings().with_values(erp__url=erp.url)
    header = Header("BENCH-01", "wedge")
    qtbot.addWidget(header)
    link = SyncLink(store, settings)
    link.state_changed.connect(header.show_erp)
    with qtbot.waitSignal(link.state_changed, timeout=20_000) as heard:
        link.start()
    link.stop()
    state = heard.args[0]
    assert isinstance(state, SyncState) and state.state == "online"
    assert header.erp.state == "ok"
    assert header.erp.text.text().startswith("ERP: online, 0 pending, last sync ")
