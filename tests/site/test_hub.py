"""The hub takes a bench's events once each, after its commit, and refuses in words what
is not a bench's own: a real hub process over a real PostgreSQL."""

import http.client
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from hub_process import RunningHub, enrolled, station
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from hub import tokens
from hub.app import LARGEST_BODY
from station.outbox import InspectionRecorded
from station.recording import utcnow
from station.store.schema import SiteEvent

TIMEOUT = 10


def event(bench: str, seq: int, event_id: str | None = None) -> dict[str, Any]:
    record = InspectionRecorded(
        rma="RMA-10004", unit=f"U-{bench}-{seq}", bench=bench, operator="OP-1",
        category="apparel", checks={"tags attached": True}, grade="A",
    )  # fmt: skip
    return {
        "event_id": event_id or str(uuid.uuid4()), "seq": seq, "kind": record.kind.value,
        "subject": record.subject, "payload": record.to_payload(),
        "created_at": (datetime(2026, 12, 5, 10, 41) + timedelta(seconds=seq)).isoformat(),
    }  # fmt: skip


def post(hub: RunningHub, token: str | None, body: Any) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return requests.post(f"{hub.url}/v1/events", data=data, headers=headers, timeout=TIMEOUT)


def stored(site_url: str) -> list[tuple[str, str, int]]:
    engine = create_engine(site_url)
    try:
        with Session(engine) as session:
            rows = session.execute(
                select(SiteEvent.bench, SiteEvent.event_id, SiteEvent.seq).order_by(SiteEvent.id)
            )
            return [tuple(row) for row in rows]  # type: ignore[misc]
    finally:
        engine.dispose()


def test_a_batch_is_stored_once_and_a_resend_changes_nothing(
    hub: RunningHub, site_url: str
) -> None:
    token = enrolled("BENCH-01", site_url)
    batch = {"bench": "BENCH-01", "events": [event("BENCH-01", seq) for seq in (1, 2, 3)]}
    first = post(hub, token, batch)
    assert first.status_code == 200, first.text
    assert first.json() == {"acknowledged": 3, "new": 3}
    # The answer was lost: the bench sends the same batch again.
    again = post(hub, token, batch)
    assert again.json() == {"acknowledged": 3, "new": 0}
    assert stored(site_url) == [("BENCH-01", e["event_id"], e["seq"]) for e in batch["events"]]


@pytest.mark.parametrize(
    ("body", "status", "said"),
    [
        (b"{not json", 400, "not JSON"),
        ({"bench": "BENCH-01"}, 400, '"events"'),
        ({"bench": "BENCH-01", "events": []}, 400, "events must be a list of 1 to 500"),
        ({"bench": "BENCH-01", "events": [{"event_id": "x"}]}, 400, "event 0 must have"),
        ({"bench": "BENCH-01", "events": [{**event("BENCH-01", 1), "event_id": "12"}]}, 400,
         "not a UUID"),
        ({"bench": "BENCH-01", "events": [{**event("BENCH-01", 1), "kind": ["a"]}]}, 400,
         "kind must be text"),
        ({"bench": "BENCH-01", "events": [{**event("BENCH-01", 1), "subject": "RMA\x00"}]},
         400, "subject must be text"),
        ({"bench": "BENCH-01", "events": [{**event("BENCH-01", 1), "seq": True}]}, 400, "seq"),
        ({"bench": "BENCH-01", "events": [{**event("BENCH-01", 1), "seq": 10**30}]}, 400, "seq"),
        (b'{"bench": "BENCH-01", "events": [{"seq": NaN}]}', 400, "NaN is not a number"),
        ({"bench": "BENCH-01", "events": [{**event("BENCH-01", 1),
          "payload": {**event("BENCH-01", 1)["payload"], "bench": "BENCH-02"}}]}, 400,
         "its payload is 'BENCH-02''s, not BENCH-01's"),
        ({"bench": "BENCH-01", "events": [{**event("BENCH-01", 1), "created_at": "today"}]},
         400, "created_at"),
        ({"bench": "BENCH-02", "events": [event("BENCH-02", 1)]}, 403,
         "this token is BENCH-01's, not BENCH-02's"),
    ],
)  # fmt: skip
def test_what_is_not_the_benchs_own_batch_is_refused_and_nothing_written(
    hub: RunningHub, site_url: str, body: Any, status: int, said: str
) -> None:
    token = enrolled("BENCH-01", site_url)
    answer = post(hub, token, body)
    assert answer.status_code == status
    assert said in answer.json()["error"]
    assert stored(site_url) == []


def test_an_older_or_newer_releases_event_is_kept_not_refused(
    hub: RunningHub, site_url: str
) -> None:
    """The hub keeps what a bench did: refusing an event it cannot read as this release
    would stop that bench's replication behind it for good."""
    token = enrolled("BENCH-01", site_url)
    older = {**event("BENCH-01", 1), "payload": {"rma": "RMA-10004"}}  # lacks this release's
    newer = {**event("BENCH-01", 2), "kind": "pallet_wrapped"}  # a kind still to come
    answer = post(hub, token, {"bench": "BENCH-01", "events": [older, newer]})
    assert answer.json() == {"acknowledged": 2, "new": 2}
    assert [row[1] for row in stored(site_url)] == [older["event_id"], newer["event_id"]]


def test_tokens_that_hold_for_no_one_are_refused(hub: RunningHub, site_url: str) -> None:
    batch = {"bench": "BENCH-01", "events": [event("BENCH-01", 1)]}
    assert post(hub, None, batch).status_code == 401
    assert "unknown token" in post(hub, "made-up", batch).json()["error"]
    replaced = enrolled("BENCH-01", site_url)
    enrolled("BENCH-01", site_url)  # a new PC: the old token stops holding
    answer = post(hub, replaced, batch)
    assert answer.status_code == 401
    assert "replaced by a newer one" in answer.json()["error"]
    engine = create_engine(site_url)
    try:
        with Session(engine) as session, session.begin():
            expired = tokens.enrol(
                session, "BENCH-03", utcnow() - timedelta(days=400), timedelta(days=365)
            )
    finally:
        engine.dispose()
    answer = post(hub, expired, {"bench": "BENCH-03", "events": [event("BENCH-03", 1)]})
    assert answer.status_code == 401
    assert "expired on" in answer.json()["error"]
    assert stored(site_url) == []


def test_a_token_replaced_while_its_bench_posts_is_refused_after_the_renewal_beside_a_post(
    hub: RunningHub, site_url: str
) -> None:
    """The hub answers a steady bench from memory while it looks the token up again beside
    the post; the renewal's answer is what the next post meets, before FRESH_S is up."""
    token = enrolled("BENCH-01", site_url)
    began = time.monotonic()
    batch = {"bench": "BENCH-01", "events": [event("BENCH-01", 1)]}
    assert post(hub, token, batch).status_code == 200
    enrolled("BENCH-01", site_url)  # a new PC: the token stops holding
    time.sleep(max(0.0, began + tokens.RENEW_S + 0.5 - time.monotonic()))
    # Still remembered (as a token may be for FRESH_S); the lookup starts beside this post.
    assert post(hub, token, batch).status_code == 200
    deadline = began + tokens.FRESH_S - 1
    while post(hub, token, batch).status_code == 200:
        assert time.monotonic() < deadline, "no renewal: trusted until its fresh seconds end"
        time.sleep(0.1)


def test_an_oversized_body_is_refused_before_it_is_read_whole(
    hub: RunningHub, site_url: str
) -> None:
    token = enrolled("BENCH-01", site_url)
    # Announced larger than the hub takes: refused on the headers, before a byte is sent.
    connection = http.client.HTTPConnection(urlsplit(hub.url).netloc, timeout=TIMEOUT)
    try:
        connection.putrequest("POST", "/v1/events")
        connection.putheader("Authorization", f"Bearer {token}")
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Content-Length", str(LARGEST_BODY + 1))
        connection.endheaders()
        answer = connection.getresponse()
        assert answer.status == 413
        assert "larger than" in json.loads(answer.read())["error"]
    finally:
        connection.close()

    def trickled() -> Iterator[bytes]:  # no Content-Length: counted as it comes
        yield b'{"bench": "BENCH-01", "events": ["'
        for _ in range(LARGEST_BODY // 65536 + 2):
            yield b"x" * 65536

    refused = requests.post(
        f"{hub.url}/v1/events", data=trickled(), timeout=TIMEOUT,
        headers={"Authorization": f"Bearer {token}"},
    )  # fmt: skip
    assert refused.status_code == 413
    assert stored(site_url) == []


def test_a_stranger_is_refused_before_the_body_is_read(hub: RunningHub) -> None:
    connection = http.client.HTTPConnection(urlsplit(hub.url).netloc, timeout=TIMEOUT)
    try:
        connection.putrequest("POST", "/v1/events")
        connection.putheader("Authorization", "Bearer made-up")
        connection.putheader("Content-Length", str(LARGEST_BODY))
        connection.endheaders()  # and not a byte of the announced body
        answer = connection.getresponse()
        assert answer.status == 401
    finally:
        connection.close()


def test_an_event_id_another_bench_posted_refuses_the_whole_batch(
    hub: RunningHub, site_url: str
) -> None:
    first, second = enrolled("BENCH-01", site_url), enrolled("BENCH-02", site_url)
    taken = event("BENCH-01", 1)
    assert post(hub, first, {"bench": "BENCH-01", "events": [taken]}).status_code == 200
    mine = event("BENCH-02", 1)
    copied = event("BENCH-02", 2, event_id=taken["event_id"])
    answer = post(hub, second, {"bench": "BENCH-02", "events": [mine, copied]})
    assert answer.status_code == 409
    assert f"event {taken['event_id']} was posted by BENCH-01" in answer.json()["error"]
    assert answer.json()["event"] == 1  # named, for the bench to set it aside
    assert stored(site_url) == [("BENCH-01", taken["event_id"], 1)]


def test_a_refusal_names_the_event_at_fault_and_only_then(hub: RunningHub, site_url: str) -> None:
    token = enrolled("BENCH-01", site_url)
    good, bad = event("BENCH-01", 1), {**event("BENCH-01", 2), "kind": "k" * 41}
    answer = post(hub, token, {"bench": "BENCH-01", "events": [good, bad]})
    assert answer.status_code == 400
    assert answer.json() == {
        "error": "event 1: kind must be text of 1 to 40 characters", "event": 1,
    }  # fmt: skip
    # The batch's own shape is no one event's fault.
    answer = post(hub, token, {"bench": "BENCH-01", "events": [good], "more": 1})
    assert answer.status_code == 400 and "event" not in answer.json()
    assert stored(site_url) == []


def test_the_hub_commands_say_what_they_lack(site_url: str) -> None:
    done = station("hub", "enrol", database="")
    assert done.returncode == 2
    assert "--database, STATION_HUB_DATABASE or hub.database" in done.stderr
    done = station("hub", "enrol", database=site_url)
    assert done.returncode == 2
    assert "station hub enrol BENCH-07" in done.stderr


def test_the_hub_reads_its_database_from_its_own_settings_file(
    site_url: str, tmp_path: Path
) -> None:
    """One command and one settings file on the hub's server; never a password in it."""

    def run(config: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "app", "--config", str(config), "hub", "enrol", "BENCH-09"],
            capture_output=True, text=True, timeout=60, check=False,
            env={k: v for k, v in os.environ.items() if k != "STATION_HUB_DATABASE"},
        )  # fmt: skip

    settings = tmp_path / "hub.toml"
    settings.write_text(f'[hub]\ndatabase = "{site_url}"\nport = 8765\n', encoding="utf-8")
    enrolled_here = run(settings)
    assert enrolled_here.returncode == 0, enrolled_here.stderr
    assert enrolled_here.stdout.startswith("Token for BENCH-09")
    secret = site_url.replace("station@", "station:hunter2@")
    settings.write_text(f'[hub]\ndatabase = "{secret}"\n', encoding="utf-8")
    refused = run(settings)
    assert refused.returncode != 0
    assert "must not hold a password" in refused.stderr
