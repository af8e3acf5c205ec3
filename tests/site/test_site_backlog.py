"""The dock's backlog is the site's: a parcel checked in at one bench's dock reaches every
bench's backlog through a real hub, and pulled at one bench it leaves every other's."""

import itertools

from hub_process import RunningHub, enrolled

from station.checkin.bench import CheckinBench
from station.returns.bench import ReturnsBench
from station.rulepack import RulePack
from station.scans import Scan
from station.settings import Settings
from station.store.schema import Parcel
from sync.hub.exchange import Exchange
from sync.hub.replicate import replicate
from sync.hub.wire import HubWire
from sync.push import pending

_clock = itertools.count(1000)


def synced(bench: ReturnsBench, hub: RunningHub, site_url: str) -> None:
    """The bench's events up, then the site's feed down."""
    wire = HubWire(hub.url, enrolled(bench.bench_id, site_url))
    replicate(bench.store, wire, bench.bench_id)
    Exchange(bench.store, bench.bench_id, bench.inspection)(wire)


def test_a_parcel_checked_in_at_one_dock_is_in_every_backlog_until_one_bench_pulls_it(
    bench: ReturnsBench, other: ReturnsBench, pack: RulePack, hub: RunningHub, site_url: str
) -> None:
    dock = CheckinBench(other.store, Settings({"bench.id": "BENCH-02"}), lambda: pack)
    for code in ("BADGE-2001", "RMA-10012"):
        dock.handle(Scan(code, at=float(next(_clock))))
    assert pending(other.store) == 0  # the ERP takes no parcel events: none wait for it
    synced(other, hub, site_url)
    synced(bench, hub, site_url)
    said = bench.backlog.next_said
    with bench.store.read() as session:
        assert said(session, "EUR") == (
            "Next parcel to pull: PCL-BENCH-02-000001 (RMA-10012), worth about €372, "
            "losing about €2 a day."
        )
    for code in ("BADGE-1001", "PCL-BENCH-02-000001"):
        bench.handle(Scan(code, at=float(next(_clock))))
    synced(bench, hub, site_url)
    synced(other, hub, site_url)
    with other.store.read() as session:
        parcel = session.get_one(Parcel, "PCL-BENCH-02-000001")
        assert parcel.pulled_at is not None and parcel.pulled_by == "BENCH-01"
    assert dock.view().waiting == 0
