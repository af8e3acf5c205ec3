"""Claims on the site's work through a real hub: a bench is refused an RMA line or an
expected receipt another bench of the site works, a supervisor may take it over, and
benches that both started the same work while apart get a conflict, both kept."""

import itertools
from datetime import datetime
from pathlib import Path

import pytest
from hub_process import RunningHub, enrolled, site_operator
from sqlalchemy import create_engine, func, select, update
from sqlalchemy.orm import Session

from hub import conflicts as hub_conflicts
from hub.database import open_site_database
from station.errors import NotAllowed, Refusal
from station.feedback import Tone
from station.operators import Role, SignedIn
from station.receiving.bench import ReceivingBench
from station.returns.bench import ReturnsBench
from station.returns.view import Step
from station.scans import Scan
from station.settings import Settings
from station.site_claims import LEASE, claims_of
from station.site_conflicts import open_conflicts, resolve, shown
from station.states import UnitStatus
from station.store.schema import ReturnUnit, SiteClaim, SiteConflict
from sync.hub.exchange import Exchange
from sync.hub.replicate import conflicts as conflicts_held
from sync.hub.wire import HubWire

_clock = itertools.count(1000)
SHORTS = ("RMA-10004", "5907725452020")  # RMA-10004 line 1: running shorts
REFUSED = (
    "RMA-10004 line 1 is open at BENCH-01 by Ines Inspector: "
    "a supervisor may take it over by starting it here."
)


def scan(bench: ReturnsBench | ReceivingBench, *codes: str) -> tuple[Tone, str]:
    said = bench.handle(Scan(codes[0], at=float(next(_clock))))
    for code in codes[1:]:
        said = bench.handle(Scan(code, at=float(next(_clock))))
    return said.tone, said.message


def linked(bench: ReturnsBench, hub: RunningHub, site_url: str) -> tuple[Exchange, HubWire]:
    return (
        Exchange(bench.store, bench.bench_id, bench.inspection),
        HubWire(hub.url, enrolled(bench.bench_id, site_url)),
    )


def at_hub(site_url: str) -> tuple[list[tuple[str, str, str | None]], int]:
    """The hub's claims (subject, bench, why ended) and how many conflicts it holds."""
    engine = create_engine(site_url)
    try:
        with Session(engine) as session:
            claims = session.execute(
                select(SiteClaim.subject, SiteClaim.bench, SiteClaim.released_why).order_by(
                    SiteClaim.id
                )
            )
            found = session.scalar(select(func.count()).select_from(SiteConflict)) or 0
            return [tuple(c) for c in claims], found  # type: ignore[misc]
    finally:
        engine.dispose()


def open_units(bench: ReturnsBench) -> int:
    with bench.store.read() as session:
        return session.scalar(
            select(func.count()).select_from(ReturnUnit).where(ReturnUnit.status == UnitStatus.OPEN)
        ) or 0  # fmt: skip


def test_an_rma_line_open_at_one_bench_is_refused_at_another_until_it_is_done(
    bench: ReturnsBench, other: ReturnsBench, hub: RunningHub, site_url: str
) -> None:
    mine, my_wire = linked(bench, hub, site_url)
    theirs, their_wire = linked(other, hub, site_url)
    scan(bench, "BADGE-1001", *SHORTS)
    assert bench.view().step is Step.CHECKLIST
    mine(my_wire)
    theirs(their_wire)
    assert scan(other, "BADGE-1002", *SHORTS) == (Tone.BAD, REFUSED)
    assert open_units(other) == 0
    # Ines finishes the unit: the claim ends, and the line is free for the other bench.
    scan(bench, "@YES", "@NO", "@NO", "@NO", "@GRADE-A", "@CONFIRM")
    assert open_units(bench) == 0
    mine(my_wire)
    theirs(their_wire)
    tone, said = scan(other, *SHORTS)
    assert tone is not Tone.BAD and said.startswith("RMA-10004 line 1")
    assert at_hub(site_url) == (
        [("RMA-10004/1", "BENCH-01", "the bench finished or undid the work")],
        0,
    )
    theirs(their_wire)
    assert at_hub(site_url)[0][-1] == ("RMA-10004/1", "BENCH-02", None)


def test_a_supervisor_takes_a_claim_over_and_the_first_bench_hears_a_conflict(
    bench: ReturnsBench, other: ReturnsBench, hub: RunningHub, site_url: str
) -> None:
    mine, my_wire = linked(bench, hub, site_url)
    theirs, their_wire = linked(other, hub, site_url)
    scan(bench, "BADGE-1001", *SHORTS)
    mine(my_wire)
    theirs(their_wire)
    tone, said = scan(other, "BADGE-3001", *SHORTS)
    assert tone is not Tone.BAD
    assert said.startswith("Taken over from BENCH-01 (Ines Inspector). RMA-10004 line 1")
    theirs(their_wire)
    assert at_hub(site_url) == (
        [
            ("RMA-10004/1", "BENCH-01", "taken over at BENCH-02"),
            ("RMA-10004/1", "BENCH-02", None),
        ],
        0,
    )
    # BENCH-01 still has its unit open: that cannot stand beside the takeover.
    assert mine(my_wire).conflicts == 1
    assert open_units(bench) == 1 and open_units(other) == 1  # both kept
    (line,) = shown(bench.store)
    assert line.what == (
        "Site: RMA-10004/1 was worked at BENCH-01 while BENCH-02 (BADGE-3001) held it: "
        "both benches' work is kept; decide which stands and undo the other."
    )
    assert theirs(their_wire).conflicts == 1
    assert conflicts_held(other.store) == 1


def test_benches_apart_from_the_hub_both_start_a_line_and_the_later_gets_a_conflict_once(
    bench: ReturnsBench, other: ReturnsBench, hub: RunningHub, site_url: str
) -> None:
    mine, my_wire = linked(bench, hub, site_url)
    theirs, their_wire = linked(other, hub, site_url)
    # Neither hears of the other: both take the line provisionally.
    scan(bench, "BADGE-1001", *SHORTS)
    scan(other, "BADGE-1002", *SHORTS)
    mine(my_wire)  # back first: the claim is its own
    theirs(their_wire)  # back second: a clash
    claims, found = at_hub(site_url)
    assert claims == [("RMA-10004/1", "BENCH-01", None)] and found == 1
    for _ in range(3):  # its renewals list the work again: still one conflict
        with other.store.read() as session:
            their_wire.put_claims(claims_of(session, other.bench_id))
    assert at_hub(site_url)[1] == 1
    mine(my_wire)
    assert conflicts_held(bench.store) == conflicts_held(other.store) == 1
    assert open_units(bench) == open_units(other) == 1  # no unit is lost


def test_a_claim_no_bench_renews_ends_after_its_lease(
    bench: ReturnsBench, other: ReturnsBench, hub: RunningHub, site_url: str
) -> None:
    mine, my_wire = linked(bench, hub, site_url)
    theirs, their_wire = linked(other, hub, site_url)
    scan(bench, "BADGE-1001", *SHORTS)
    mine(my_wire)
    engine = create_engine(site_url)  # BENCH-01 went dark a lease ago
    try:
        with Session(engine) as session, session.begin():
            session.execute(update(SiteClaim).values(renewed_at=SiteClaim.renewed_at - LEASE))
    finally:
        engine.dispose()
    with other.store.read() as session:
        their_wire.put_claims(claims_of(session, other.bench_id))  # any bench's round
    assert at_hub(site_url)[0] == [("RMA-10004/1", "BENCH-01", "its lease ran out")]
    theirs(their_wire)
    tone, _said = scan(other, "BADGE-1002", *SHORTS)
    assert tone is not Tone.BAD


def test_an_expected_receipt_open_at_one_bench_is_refused_at_another(
    bench: ReturnsBench, other: ReturnsBench, hub: RunningHub, site_url: str, tmp_path: Path
) -> None:
    first = ReceivingBench(bench.store, Settings(), tmp_path / "photos-r1")
    second = ReceivingBench(other.store, Settings({"bench.id": "BENCH-02"}), tmp_path / "r2")
    scan(first, "BADGE-2001", "ASN-200001")
    for returns in (bench, other):  # one exchange per bench, whatever its mode
        exchange, wire = linked(returns, hub, site_url)
        exchange(wire)
    assert scan(second, "BADGE-2002", "ASN-200001") == (
        Tone.BAD,
        "ASN-200001 is open at BENCH-01 by Carl Clerk: "
        "a supervisor may take it over by starting it here.",
    )


def test_a_conflict_settled_at_one_bench_is_settled_at_every_bench(
    bench: ReturnsBench, other: ReturnsBench, hub: RunningHub, site_url: str
) -> None:
    site_operator(site_url, "BADGE-3001", "Sam Supervisor", Role.SUPERVISOR, "3333")
    mine, my_wire = linked(bench, hub, site_url)
    theirs, their_wire = linked(other, hub, site_url)
    scan(bench, "BADGE-1001", *SHORTS)
    scan(other, "BADGE-1002", *SHORTS)
    mine(my_wire)
    theirs(their_wire)
    mine(my_wire)
    with bench.store.read() as session:
        (conflict,) = open_conflicts(session)
    ines = SignedIn("Ines Inspector", "BADGE-1001", Role.INSPECTOR)
    with pytest.raises(NotAllowed):
        resolve(bench.store, conflict.id, ines, "BENCH-01", "kept both")
    # A bench whose copy says Ines is a supervisor: the hub refuses, and the conflict stays.
    forged = SignedIn(ines.name, ines.badge, Role.SUPERVISOR)
    resolve(bench.store, conflict.id, forged, "BENCH-01", "kept both")
    assert conflicts_held(bench.store) == 0  # settled here, on its way
    mine(my_wire)
    assert conflicts_held(bench.store) == 1  # the hub said no: open again
    sam = SignedIn("Sam Supervisor", "BADGE-3001", Role.SUPERVISOR)
    said = resolve(bench.store, conflict.id, sam, "BENCH-01", "BENCH-02's unit undone")
    assert said == "Settled: RMA-10004/1. Every bench of the site hears it at its next sync."
    mine(my_wire)
    theirs(their_wire)
    assert conflicts_held(other.store) == conflicts_held(bench.store) == 0
    (line,) = [s for s in shown(other.store) if s.what.startswith("Site")]
    assert line.settle is None
    assert line.what.startswith(
        "Site, settled by Sam Supervisor at BENCH-01: BENCH-02's unit undone. RMA-10004/1 was"
    )
    with pytest.raises(Refusal):
        resolve(other.store, conflict.id, sam, "BENCH-02", "again")


def test_a_clash_seen_from_both_benches_is_one_conflict(site_url: str) -> None:
    """BENCH-02 came back and clashed with BENCH-01 on a line; BENCH-01's events, sent again
    later, meet BENCH-02's claim: the same clash, not a second conflict."""
    engine = open_site_database(site_url)
    now = datetime(2026, 12, 5, 11, 0)
    try:
        with Session(engine) as session, session.begin():
            hub_conflicts.record(
                session, "BENCH-02", hub_conflicts.Clash("RMA-10004/1", "BENCH-01", "OP-1"), now
            )
            hub_conflicts.record(
                session, "BENCH-01", hub_conflicts.Clash("RMA-10004/1", "BENCH-02", "OP-2"), now
            )
        with Session(engine) as session:
            found = session.execute(select(SiteConflict.bench, SiteConflict.other_bench)).all()
        assert [tuple(row) for row in found] == [("BENCH-02", "BENCH-01")]
    finally:
        engine.dispose()
