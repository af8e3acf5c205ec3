"""A bench's outbox replicated up to a real hub: every event once, whatever is lost on the
way, and a bench cut off from the hub that works on and catches up."""

import logging
import time
from typing import Any

import pytest
from hub_process import RunningHub, enrolled, running_hub
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from hub.cluster import free_port
from station.operators import Role, SignedIn
from station.rejected_events import RefusedBy, rejected_events, send_again
from station.returns.bench import ReturnsBench
from station.scans import Scan
from station.store.schema import OutboxEvent, SiteEvent, SyncCursor
from sync.connector import LogInAgain
from sync.cycle import SyncStatus
from sync.hub import replicate as replication
from sync.hub.replicate import CURSOR, SiteState, SiteWorker, replicate, waiting
from sync.hub.wire import HubWire

BENCH = "BENCH-01"  # the bench fixture's id (bench.id's default)
SAM = SignedIn("Sam Supervisor", "BADGE-3001", Role.SUPERVISOR)


def triage(bench: ReturnsBench, parcels: range) -> None:
    """Parcels on no RMA sent to triage, scanned as an inspector scans them."""
    for number in parcels:
        for raw in (f"SNSITE{number:07d}", "@TRIAGE", "@CONFIRM"):
            bench.handle(Scan(raw))


def outbox(bench: ReturnsBench) -> list[str]:
    with bench.store.read() as session:
        return list(session.scalars(select(OutboxEvent.event_id).order_by(OutboxEvent.seq)))


def at_the_hub(site_url: str) -> list[str]:
    engine = create_engine(site_url)
    try:
        with Session(engine) as session:
            return list(session.scalars(select(SiteEvent.event_id).order_by(SiteEvent.id)))
    finally:
        engine.dispose()


def test_a_benchs_events_reach_the_hub_once_in_batches_and_a_lost_answer_changes_nothing(
    bench: ReturnsBench, hub: RunningHub, site_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(replication, "MOST_EVENTS", 4)  # several batches from a few returns
    bench.handle(Scan("BADGE-1001"))
    triage(bench, range(10))  # an event each: three batches of at most four
    written = outbox(bench)
    assert len(written) == 10
    wire = HubWire(hub.url, enrolled(BENCH, site_url))
    posts: list[int] = []  # the size of each batch posted
    posting = wire.post_events

    def counted(body: dict[str, Any]) -> int:
        posts.append(len(body["events"]))
        return posting(body)

    monkeypatch.setattr(wire, "post_events", counted)
    assert replicate(bench.store, wire, BENCH) == len(written)
    assert posts == [4, 4, 2]
    assert at_the_hub(site_url) == written
    assert waiting(bench.store) == 0
    # The hub's answers were lost: the bench never moved its cursor, and sends all again.
    with bench.store.unit() as session:
        session.delete(session.get(SyncCursor, CURSOR))
    assert replicate(bench.store, wire, BENCH) == len(written)
    assert posts == [4, 4, 2, 4, 4, 2]
    assert at_the_hub(site_url) == written
    wire.close()


def test_a_bench_cut_off_from_the_hub_works_on_and_catches_up(
    bench: ReturnsBench, site_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="station.sync.hub")
    token = enrolled(BENCH, site_url)
    port = free_port()
    heard: list[SiteState] = []
    worker = SiteWorker(lambda: HubWire(f"http://127.0.0.1:{port}", token), bench.store, BENCH,
                        heard.append)  # fmt: skip
    bench.handle(Scan("BADGE-1001"))
    triage(bench, range(2))
    pause = worker.once()  # no hub on that port yet: the link is down
    assert heard[-1].state is SyncStatus.OFFLINE
    assert "the hub is away" in heard[-1].detail
    assert heard[-1].waiting == len(outbox(bench))
    assert pause is not None and pause >= 1.0
    triage(bench, range(2, 4))  # the bench works on meanwhile
    worker.once()
    assert waiting(bench.store) == len(outbox(bench))
    with running_hub(site_url, port):
        worker.once()
    said = [r.getMessage() for r in caplog.records if r.name == "station.sync.hub"]
    # Told once when the hub went, once when it came back, not at every round between.
    assert [m for m in said if "away" in m] == [
        f"site sync: the hub is away: http://127.0.0.1:{port} cannot be reached (ConnectionError)"
    ]
    assert "site sync: the hub takes this bench's events again" in said
    assert heard[-1].state is SyncStatus.ONLINE
    assert heard[-1].waiting == 0 and heard[-1].detail == ""
    assert at_the_hub(site_url) == outbox(bench)
    worker.stop()


def test_an_event_committed_goes_up_at_once_not_at_the_next_round(
    bench: ReturnsBench, hub: RunningHub, site_url: str
) -> None:
    token = enrolled(BENCH, site_url)
    heard: list[SiteState] = []
    worker = SiteWorker(lambda: HubWire(hub.url, token), bench.store, BENCH, heard.append,
                        interval=600)  # fmt: skip
    worker.start()
    try:
        bench.handle(Scan("BADGE-1001"))
        triage(bench, range(1))
        deadline = time.monotonic() + 10
        while at_the_hub(site_url) != outbox(bench):
            assert time.monotonic() < deadline, "the commit did not wake the replication"
            time.sleep(0.05)
    finally:
        worker.stop()


def test_a_token_that_no_longer_holds_stops_replication_and_says_why(
    bench: ReturnsBench, hub: RunningHub, site_url: str
) -> None:
    old = enrolled(BENCH, site_url)
    new = enrolled(BENCH, site_url)  # the bench was enrolled again (a new PC): the old ends
    bench.handle(Scan("BADGE-1001"))
    triage(bench, range(1))
    with pytest.raises(LogInAgain, match="replaced by a newer one"):
        replicate(bench.store, HubWire(hub.url, old), BENCH)
    set_at_the_bench = [old]
    heard: list[SiteState] = []
    worker = SiteWorker(
        lambda: HubWire(hub.url, set_at_the_bench[0]), bench.store, BENCH, heard.append
    )
    pause = worker.once()
    assert heard[-1].state is SyncStatus.ERROR
    assert "refused the bench's token" in heard[-1].detail
    assert heard[-1].waiting == len(outbox(bench))
    assert pause is not None and pause >= 1.0  # not asked again every second
    assert at_the_hub(site_url) == []
    # Support sets the new token at the bench: the next round reads it, no restart.
    set_at_the_bench[0] = new
    worker.once()
    assert heard[-1].state is SyncStatus.ONLINE
    assert at_the_hub(site_url) == outbox(bench)
    worker.stop()


def test_an_event_the_hub_refuses_waits_in_the_exception_queue_and_the_rest_go_up(
    bench: ReturnsBench, hub: RunningHub, site_url: str
) -> None:
    bench.handle(Scan("BADGE-1001"))
    triage(bench, range(3))
    first, faulty, third = outbox(bench)
    # A release that wrote a subject longer than the site's column takes: the bench's fault.
    with bench.store.unit() as session:
        event = session.scalars(select(OutboxEvent).where(OutboxEvent.event_id == faulty)).one()
        seq, subject = event.seq, event.subject
        event.subject = "S" * 41
    token = enrolled(BENCH, site_url)
    heard: list[SiteState] = []
    worker = SiteWorker(lambda: HubWire(hub.url, token), bench.store, BENCH, heard.append)
    worker.once()
    # The others went up; the refused one waits for a supervisor, counted in the Site light.
    assert at_the_hub(site_url) == [first, third]
    assert heard[-1].state is SyncStatus.ONLINE
    assert (heard[-1].waiting, heard[-1].refused) == (0, 1)
    (queued,) = rejected_events(bench.store)
    assert (queued.seq, queued.by) == (seq, RefusedBy.HUB)
    assert "subject must be text of 1 to 40 characters" in queued.message
    # Sent again as it is: refused again, and it says so; nothing else is held up.
    send_again(bench.store, seq, SAM, BENCH, by=RefusedBy.HUB)
    assert rejected_events(bench.store) == [] and waiting(bench.store) == 1
    triage(bench, range(3, 4))
    worker.once()
    assert at_the_hub(site_url) == [first, third, outbox(bench)[-1]]
    (queued,) = rejected_events(bench.store)
    assert queued.attempts == 2
    # The station's software is fixed: sent again, the hub takes it, and the queue is empty.
    with bench.store.unit() as session:
        event = session.scalars(select(OutboxEvent).where(OutboxEvent.event_id == faulty)).one()
        event.subject = subject
    send_again(bench.store, seq, SAM, BENCH, by=RefusedBy.HUB)
    worker.once()
    assert sorted(at_the_hub(site_url)) == sorted(outbox(bench))
    assert (heard[-1].waiting, heard[-1].refused) == (0, 0)
    assert rejected_events(bench.store) == []
    worker.stop()
