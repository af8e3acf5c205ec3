"""The dock's backlog is the site's: a parcel checked in at one bench's dock reaches every
bench's backlog through a real hub, and pulled at one bench it leaves every other's."""

import itertools

from hub_process import RunningHub, enrolled

from station.checkin.bench import CheckinBench
from station.checkin.site_parcels import keep_parcels
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


def test_a_garbled_parcel_event_is_passed_over_and_the_rest_of_the_page_kept(
    bench: ReturnsBench,
) -> None:
    good = {"tag": "PCL-B7-000001", "bench": "BENCH-07", "at": "2026-12-06T08:00:00",
            "scanned": "RMA-10012", "rma": "RMA-10012", "operator": "BADGE-2001"}  # fmt: skip
    page = [
        {"kind": "parcel_checked_in", "payload": {**good, "tag": "PCL-B7-000000", "at": "soon"}},
        {"kind": "parcel_checked_in", "payload": {"tag": "PCL-B7-000009"}},  # lacks the rest
        {"kind": "parcel_checked_in", "payload": good},
    ]
    with bench.store.unit() as session:
        assert keep_parcels(session, page) == 1
    with bench.store.read() as session:
        assert session.get(Parcel, "PCL-B7-000001") is not None
        assert session.get(Parcel, "PCL-B7-000000") is None
