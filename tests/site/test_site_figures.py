"""The supervisor's figures of the whole site at any bench, from its replica of the other
benches' events: counted beside its own units, offline too, with how fresh each bench's
are, and a past day counted again when a bench back from away brings units of it."""

import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from hub_process import RunningHub, enrolled
from test_hub import post

from station.outbox import (
    DispositionDecided,
    InspectionRecorded,
    OutboxRecord,
    ParcelCheckedIn,
    RefundEligible,
    UnexpectedReturn,
)
from station.returns.bench import ReturnsBench
from station.scans import Scan
from station.store.schema import FactDay, Parcel
from station.supervisor.kpis import Filters
from station.supervisor.report import build_report, figures
from sync.hub.exchange import Exchange
from sync.hub.wire import HubWire

_seq = iter(range(1, 10_000))


def sent(record: OutboxRecord, at: datetime) -> dict[str, Any]:
    return {
        "event_id": str(uuid.uuid4()), "seq": next(_seq), "kind": record.kind.value,
        "subject": record.subject, "payload": record.to_payload(),
        "created_at": at.isoformat(),
    }  # fmt: skip


def decided_unit(
    bench: str, finished: datetime, *, override: bool, older: bool = False
) -> list[dict[str, Any]]:
    """A unit of RMA-10004 line 1 (running shorts, 48.99) as its bench writes its events:
    inspected, decided (overridden to donation, approved, or restocked), refund eligible;
    ``older``: as a release that did not say when the unit began."""
    started = None if older else (finished - timedelta(seconds=90)).isoformat()
    base = {
        "unit": str(uuid.uuid4()), "bench": bench, "operator": "BADGE-1002", "sku": "AP-1007",
        "at": finished.isoformat(), "started": started, "rma": "RMA-10004",
    }  # fmt: skip
    disposition = "DONATE" if override else "RESTOCK"
    return [
        sent(InspectionRecorded(**base, category="apparel", checks={}, grade="A",
                                found_reason="SIZE_FIT", stated_reason="SIZE_FIT"), finished),
        sent(DispositionDecided(**base, line=1, disposition=disposition, rules_said="RESTOCK",
                                destination="LOC-" + disposition,
                                approved_by="BADGE-3001" if override else None), finished),
        sent(RefundEligible(**base, line=1, value_cents=4899), finished),
    ]  # fmt: skip


def triaged_unit(bench: str, finished: datetime) -> list[dict[str, Any]]:
    record = UnexpectedReturn(
        unit=str(uuid.uuid4()), bench=bench, operator="BADGE-1003", at=finished.isoformat(),
        scanned="SNFIG0000001",
    )  # fmt: skip
    return [sent(record, finished)]


def utc(day: date, hour: int) -> datetime:
    """``hour`` o'clock local time on ``day``, as benches store times (naive UTC)."""
    local = datetime.combine(day, time(hour)).astimezone()
    return local.astimezone(UTC).replace(tzinfo=None)


def test_the_view_counts_the_whole_site_with_how_fresh_each_bench_is(
    today: date, bench: ReturnsBench, hub: RunningHub, site_url: str
) -> None:
    # BENCH-01 (this bench) records one unit itself.
    for code in ("BADGE-1001", "RMA-10004", "5907725452020", "@YES", "@NO", "@NO", "@NO",
                 "@GRADE-A", "@CONFIRM"):  # fmt: skip
        bench.handle(Scan(code, at=float(next(_seq))))
    finished = utc(today, 9)
    theirs = [
        *decided_unit("BENCH-07", finished, override=True),
        *decided_unit("BENCH-07", finished + timedelta(minutes=5), override=False),
        *decided_unit("BENCH-07", finished + timedelta(minutes=6), override=False, older=True),
        *triaged_unit("BENCH-07", finished + timedelta(minutes=7)),
    ]
    token = enrolled("BENCH-07", site_url)
    assert post(hub, token, {"bench": "BENCH-07", "events": theirs}).ok
    Exchange(bench.store, bench.bench_id, bench.inspection)(
        HubWire(hub.url, enrolled(bench.bench_id, site_url))
    )
    # Offline from here on: the figures are read from this bench's own replica.
    report = build_report(bench.store, bench.pack, Filters(today, today), today=today)
    r = report.returns
    assert (r.units, r.triaged) == (5, 1)
    assert r.by["disposition"] == {"DONATE": 1, "RESTOCK": 3, "TRIAGE": 1}
    assert r.per_hour["bench"]["BENCH-07"] == 4.0  # four units in the 9 o'clock hour
    assert (r.overrides, r.approvals, r.refunds) == (1, 1, 4)  # ours is refund eligible too
    # Ours, and two of the other bench's 90 s: the unit that did not say is not counted.
    assert r.to_decision.median == 90.0
    assert r.value_cents == 4 * 4899
    assert report.freshness == {"BENCH-07": finished + timedelta(minutes=7)}
    local = (finished + timedelta(minutes=7)).replace(tzinfo=UTC).astimezone()
    assert ("site", "BENCH-07 as of", f"{local:%Y-%m-%d %H:%M}") in figures(report)
    only = build_report(bench.store, bench.pack, Filters(today, today, bench="BENCH-07"))
    assert only.returns.units == 4


def test_a_past_day_is_counted_again_when_a_bench_back_from_away_brings_units_of_it(
    today: date, bench: ReturnsBench, hub: RunningHub, site_url: str
) -> None:
    yesterday = today - timedelta(days=1)
    exchange = Exchange(bench.store, bench.bench_id, bench.inspection)
    wire = HubWire(hub.url, enrolled(bench.bench_id, site_url))
    before = build_report(bench.store, bench.pack, Filters(yesterday, yesterday), today=today)
    assert before.returns.units == 0  # yesterday's figures are built and kept now
    token = enrolled("BENCH-07", site_url)
    late = decided_unit("BENCH-07", utc(yesterday, 16), override=False)
    assert post(hub, token, {"bench": "BENCH-07", "events": late}).ok
    exchange(wire)
    with bench.store.read() as session:
        kept = session.get(FactDay, yesterday)
    # Built again by the site sync, with the late unit: the view opens on kept figures.
    assert kept is not None and kept.rows == 1
    after = build_report(bench.store, bench.pack, Filters(yesterday, yesterday), today=today)
    assert after.returns.units == 1


def test_a_parcel_checked_in_elsewhere_leaves_a_past_days_kept_figures_alone(
    today: date, bench: ReturnsBench, hub: RunningHub, site_url: str
) -> None:
    yesterday = today - timedelta(days=1)
    build_report(bench.store, bench.pack, Filters(yesterday, yesterday), today=today)
    with bench.store.read() as session:
        kept = session.get(FactDay, yesterday)
        assert kept is not None
        built = kept.built_at
    arrived = utc(yesterday, 16)
    parcel = ParcelCheckedIn(
        tag="PCL-BENCH-07-000001", bench="BENCH-07", at=arrived.isoformat(),
        scanned="RMA-10012", rma="RMA-10012", operator="BADGE-2001",
    )  # fmt: skip
    token = enrolled("BENCH-07", site_url)
    assert post(hub, token, {"bench": "BENCH-07", "events": [sent(parcel, arrived)]}).ok
    Exchange(bench.store, bench.bench_id, bench.inspection)(
        HubWire(hub.url, enrolled(bench.bench_id, site_url))
    )
    with bench.store.read() as session:
        again = session.get(FactDay, yesterday)
        assert session.get(Parcel, "PCL-BENCH-07-000001") is not None  # the backlog has it
    assert again is not None and again.built_at == built  # no unit came: not built again
