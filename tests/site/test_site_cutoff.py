"""A bench cut off from the hub by the network (a loopback proxy cut in the way) works on,
then catches up when the link heals: every event reaches the hub once, a claim it took
provisionally that no other bench took is confirmed, and one another bench took meanwhile
becomes a conflict, both benches' work kept."""

import itertools
from urllib.parse import urlsplit

import pytest
from cut_proxy import CutProxy
from hub_process import RunningHub, enrolled
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from station.feedback import Tone
from station.returns.bench import ReturnsBench
from station.scans import Scan
from station.site_conflicts import open_conflicts
from station.store.schema import OutboxEvent, SiteClaim, SiteEvent
from sync.connector import RetryLater
from sync.hub.exchange import Exchange
from sync.hub.replicate import replicate, waiting
from sync.hub.wire import HubWire

_clock = itertools.count(1000)


def scan(bench: ReturnsBench, *codes: str) -> Tone:
    tone = Tone.GOOD
    for code in codes:
        tone = bench.handle(Scan(code, at=float(next(_clock)))).tone
    return tone


def round_of(bench: ReturnsBench, exchange: Exchange, wire: HubWire) -> None:
    """One round of the site sync, as the worker runs it."""
    replicate(bench.store, wire, bench.bench_id)
    exchange(wire)


def test_a_bench_cut_off_works_on_and_catches_up(
    bench: ReturnsBench, other: ReturnsBench, hub: RunningHub, site_url: str
) -> None:
    port = urlsplit(hub.url).port
    assert port is not None
    with CutProxy(port) as proxy:
        mine = Exchange(bench.store, bench.bench_id, bench.inspection)
        my_wire = HubWire(proxy.url, enrolled(bench.bench_id, site_url))
        theirs = Exchange(other.store, other.bench_id, other.inspection)
        their_wire = HubWire(hub.url, enrolled(other.bench_id, site_url))
        scan(bench, "BADGE-1001")
        round_of(bench, mine, my_wire)

        proxy.cut()
        # Apart from the hub, BENCH-01 works on: triage, then two RMA lines, provisionally.
        for number in range(20):
            assert scan(bench, f"SNCUT{number:07d}", "@TRIAGE", "@CONFIRM") is Tone.GOOD
        assert scan(bench, "RMA-10004", "5907725452020") is not Tone.BAD
        with pytest.raises(RetryLater):
            round_of(bench, mine, my_wire)
        assert waiting(bench.store) == 20
        # Meanwhile BENCH-02, online, takes RMA-10004 line 1 too: it had not heard of it.
        assert scan(other, "BADGE-1002", "RMA-10004", "5907725452020") is not Tone.BAD
        round_of(other, theirs, their_wire)
        scan(bench, "@YES", "@NO", "@NO", "@NO", "@GRADE-A", "@CONFIRM")  # done, offline
        assert scan(bench, "RMA-10002", "7610208070397") is not Tone.BAD  # no one else's

        proxy.heal()
        round_of(bench, mine, my_wire)
        assert waiting(bench.store) == 0
        round_of(other, theirs, their_wire)

    engine = create_engine(site_url)
    try:
        with Session(engine) as session:
            at_hub = list(
                session.scalars(select(SiteEvent.event_id).where(SiteEvent.bench == "BENCH-01"))
            )
            holding = {
                claim.subject: claim.bench
                for claim in session.scalars(
                    select(SiteClaim).where(SiteClaim.released_at.is_(None))
                )
            }
    finally:
        engine.dispose()
    with bench.store.read() as session:
        written = list(session.scalars(select(OutboxEvent.event_id)))
    assert sorted(at_hub) == sorted(written) and len(set(at_hub)) == len(at_hub)
    # RMA-10002's line is BENCH-01's: confirmed. RMA-10004's is BENCH-02's, and BENCH-01's
    # unit on it, recorded while apart, is a conflict at both benches, nothing lost.
    assert holding == {"RMA-10002/1": "BENCH-01", "RMA-10004/1": "BENCH-02"}
    for each in (bench, other):
        with each.store.read() as session:
            (conflict,) = open_conflicts(session)
        assert (conflict.subject, conflict.bench, conflict.other_bench) == (
            "RMA-10004/1", "BENCH-01", "BENCH-02",
        )  # fmt: skip
