"""The hub loses nothing it acknowledged and stores nothing twice: killed outright while
benches post, or with PostgreSQL restarting under them. The benches here are clients of
the hub's wire, each sending its batches in order and sending again what was not
acknowledged, as a bench's replication does."""

import json
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from hub_process import enrolled, running_hub
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session
from test_hub import event

from hub.cluster import Cluster, free_port, new_cluster
from station.store.schema import SiteEvent

BENCHES = 8
BATCHES = 25
PER_BATCH = 20


@dataclass
class Bench:
    """Posts its batches one after another; a batch not acknowledged is sent again."""

    name: str
    token: str
    acknowledged: set[str] = field(default_factory=set)
    sent: list[str] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)  # answers no hub may give, told after

    def run(self, hub: list[str], stop_by: float) -> None:
        for number in range(BATCHES):
            batch = [event(self.name, number * PER_BATCH + i + 1) for i in range(PER_BATCH)]
            self.sent += [e["event_id"] for e in batch]
            while time.monotonic() < stop_by:
                try:
                    answer = requests.post(
                        f"{hub[0]}/v1/events", timeout=5,
                        json={"bench": self.name, "events": batch},
                        headers={"Authorization": f"Bearer {self.token}"},
                    )  # fmt: skip
                except requests.RequestException:
                    time.sleep(0.05)  # the hub is away: send again
                    continue
                self.answers.append(answer.status_code)
                if answer.status_code == 200:
                    self.acknowledged.update(e["event_id"] for e in batch)
                    break
                if answer.status_code != 503 or answer.headers.get("Retry-After") != "2":
                    self.wrong.append(f"{answer.status_code} {answer.text}")
                time.sleep(0.05)


@pytest.fixture
def own_cluster() -> Iterator[Cluster]:
    """A cluster of this test's own: it is restarted under load."""
    made = new_cluster()
    try:
        yield made
    finally:
        made.remove()


def at_the_hub(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            rows = session.execute(
                select(SiteEvent.event_id, func.count()).group_by(SiteEvent.event_id)
            )
            return {event_id: count for event_id, count in rows}
    finally:
        engine.dispose()


def each_acknowledged_once(benches: list[Bench], stored: dict[str, int]) -> None:
    """Every batch was answered as a hub may answer, every event sent was acknowledged,
    and the hub holds each exactly once."""
    for bench in benches:
        assert bench.wrong == []
        assert bench.acknowledged == set(bench.sent)
    assert set(stored) == {e for bench in benches for e in bench.sent}
    assert set(stored.values()) == {1}


def benches_posting(database: str) -> tuple[list[Bench], list[threading.Thread], list[str]]:
    benches = [Bench(f"BENCH-{n:02}", enrolled(f"BENCH-{n:02}", database)) for n in range(BENCHES)]
    where: list[str] = []
    stop_by = time.monotonic() + 120
    threads = [
        threading.Thread(target=bench.run, args=(where, stop_by), daemon=True) for bench in benches
    ]
    return benches, threads, where


def test_a_hub_killed_while_benches_post_keeps_every_acknowledged_event_once(
    site_url: str,
) -> None:
    benches, threads, where = benches_posting(site_url)
    with running_hub(site_url) as hub:
        where.append(hub.url)
        for thread in threads:
            thread.start()
        time.sleep(0.5)
        hub.process.kill()  # SIGKILL: no shutdown of any kind
        hub.process.wait()
        killed_with = sum(len(b.acknowledged) for b in benches)
    with running_hub(site_url) as again:
        where[0] = again.url  # the site's address, moved to the new process's port
        for thread in threads:
            thread.join(timeout=120)
        assert not any(thread.is_alive() for thread in threads)
    stored = at_the_hub(site_url)
    assert 0 < killed_with < BENCHES * BATCHES * PER_BATCH, "the kill fell outside the posting"
    each_acknowledged_once(benches, stored)


def test_postgresql_restarting_under_load_is_retry_later_and_loses_nothing(
    own_cluster: Cluster,
) -> None:
    database = own_cluster.url()
    benches, threads, where = benches_posting(database)
    with running_hub(database) as hub:
        where.append(hub.url)
        for thread in threads:
            thread.start()
        time.sleep(0.5)
        own_cluster.stop()
        time.sleep(1.5)  # posts meanwhile meet a hub without its database
        own_cluster.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not any(thread.is_alive() for thread in threads)
        assert requests.get(f"{hub.url}/v1/health", timeout=5).ok
    stored = at_the_hub(database)
    answers = [code for bench in benches for code in bench.answers]
    assert 503 in answers, "no post met the restart"
    each_acknowledged_once(benches, stored)


def test_a_second_copy_of_an_event_would_be_counted(site_url: str) -> None:
    """The checks above can fail: with the UNIQUE constraint gone, a copy is seen."""
    token = enrolled("BENCH-01", site_url)
    with running_hub(site_url) as hub:
        batch = [event("BENCH-01", 1)]
        answer = requests.post(
            f"{hub.url}/v1/events", json={"bench": "BENCH-01", "events": batch}, timeout=5,
            headers={"Authorization": f"Bearer {token}"},
        )  # fmt: skip
        assert answer.status_code == 200
    engine = create_engine(site_url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(
                "ALTER TABLE site_event DROP CONSTRAINT uq_site_event_event_id"
            )
            connection.exec_driver_sql(
                "INSERT INTO site_event (event_id, bench, seq, kind, subject, payload, "
                "created_at, received_at) SELECT event_id, bench, seq, kind, subject, payload, "
                "created_at, received_at FROM site_event"
            )
    finally:
        engine.dispose()
    assert set(at_the_hub(site_url).values()) == {2}


def test_a_hub_killed_while_20_benches_replicate_ends_with_each_event_once(
    site_url: str, template_db: Path, tmp_path: Path
) -> None:
    """20 bench processes of the real core scan and replicate; the hub is killed with
    SIGKILL under them and started again on its address: every event each bench holds is
    at the hub exactly once, and no bench is left with anything waiting."""
    port = free_port()
    names = [f"BENCH-{n:02}" for n in range(1, 21)]
    benches = []
    with running_hub(site_url, port) as hub:
        for name in names:
            folder = tmp_path / name
            folder.mkdir()
            shutil.copy(template_db, folder / "station.db")
            command = [
                sys.executable, str(Path(__file__).with_name("bench_process.py")),
                str(folder / "station.db"), name, hub.url, enrolled(name, site_url), "40",
            ]  # fmt: skip
            benches.append(subprocess.Popen(command, stdout=subprocess.PIPE, text=True))
        deadline = time.monotonic() + 120
        while sum(at_the_hub(site_url).values()) < 100:  # well under way
            assert time.monotonic() < deadline, "the benches did not start replicating"
            time.sleep(0.1)
        killed_with = sum(at_the_hub(site_url).values())
        hub.process.kill()
        hub.process.wait()
    with running_hub(site_url, port):
        said = [json.loads(bench.communicate(timeout=180)[0]) for bench in benches]
    stored = at_the_hub(site_url)
    assert [s["waiting"] for s in said] == [0] * 20
    held = [event for s in said for event in s["events"]]
    assert len(held) >= 20 * 40
    assert killed_with < len(held), "the benches were done before the kill"
    assert set(stored) == set(held)
    assert set(stored.values()) == {1}
