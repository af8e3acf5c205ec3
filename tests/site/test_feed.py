"""The site's feed: each bench pulls the other benches' events by mark, every one once,
even when a transaction that began first commits last."""

from typing import Any

import requests
from hub_process import RunningHub, enrolled
from sqlalchemy import create_engine
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session
from test_hub import event, post

from hub.feed import MOST_ROWS, STAMP
from station.recording import utcnow
from station.site_batch import read_batch
from station.store.schema import SiteEvent

TIMEOUT = 10


def pull(hub: RunningHub, token: str, marks: dict[str, str]) -> requests.Response:
    return requests.get(
        f"{hub.url}/v1/feed", params=marks, timeout=TIMEOUT,
        headers={"Authorization": f"Bearer {token}"},
    )  # fmt: skip


def pull_all(hub: RunningHub, token: str, marks: dict[str, str]) -> list[dict[str, Any]]:
    """Every event the feed has after ``marks``, page after page; ``marks`` moves on."""
    rows: list[dict[str, Any]] = []
    while True:
        answer = pull(hub, token, marks)
        assert answer.status_code == 200, answer.text
        page = answer.json()
        rows += page["events"]["rows"]
        marks.update({table: page[table]["mark"] for table in ("events", "approvals")})
        if not page["events"]["more"]:
            return rows


def test_a_bench_pulls_the_other_benches_events_once_each_page_by_page(
    hub: RunningHub, site_url: str
) -> None:
    tokens = {bench: enrolled(bench, site_url) for bench in ("BENCH-01", "BENCH-02")}
    sent = []
    for start in range(1, 1201, 400):  # three posts of 400: more than two pages of 500
        batch = [event("BENCH-02", seq) for seq in range(start, start + 400)]
        sent += [e["event_id"] for e in batch]
        assert post(hub, tokens["BENCH-02"], {"bench": "BENCH-02", "events": batch}).ok
        mine = {"bench": "BENCH-01", "events": [event("BENCH-01", start)]}
        assert post(hub, tokens["BENCH-01"], mine).ok
    marks: dict[str, str] = {}
    first = pull(hub, tokens["BENCH-01"], marks).json()["events"]
    assert len(first["rows"]) == MOST_ROWS and first["more"]
    rows = pull_all(hub, tokens["BENCH-01"], marks)
    # Its own events are not sent back to it; the others' arrive in their bench's order.
    assert [r["event_id"] for r in rows] == sent
    assert {r["bench"] for r in rows} == {"BENCH-02"}
    assert rows[0]["payload"]["unit"] == "U-BENCH-02-1"
    assert pull_all(hub, tokens["BENCH-01"], marks) == []  # nothing new: nothing again
    # A later post comes after the mark.
    late = event("BENCH-02", 5000)
    assert post(hub, tokens["BENCH-02"], {"bench": "BENCH-02", "events": [late]}).ok
    assert [r["event_id"] for r in pull_all(hub, tokens["BENCH-01"], marks)] == [late["event_id"]]


def test_a_transaction_that_commits_late_is_not_stepped_over(
    hub: RunningHub, site_url: str
) -> None:
    """A post that began first (a lower id, a lower transaction) and commits after a later
    one must still reach the benches: the feed waits for it instead of passing it by."""
    tokens = {bench: enrolled(bench, site_url) for bench in ("BENCH-01", "BENCH-02")}
    slow = event("BENCH-09", 1)
    engine = create_engine(site_url)
    marks: dict[str, str] = {}
    try:
        with Session(engine) as hanging:
            (row,) = read_batch({"bench": "BENCH-09", "events": [slow]}).rows
            taking = insert(SiteEvent).values(txid=STAMP)
            hanging.execute(taking, [{**row, "received_at": utcnow()}])
            quick = event("BENCH-02", 1)
            assert post(hub, tokens["BENCH-02"], {"bench": "BENCH-02", "events": [quick]}).ok
            # The quick post is committed, but behind the open transaction: not yet.
            assert pull_all(hub, tokens["BENCH-01"], marks) == []
            hanging.commit()
        rows = pull_all(hub, tokens["BENCH-01"], marks)
        assert [r["event_id"] for r in rows] == [slow["event_id"], quick["event_id"]]
    finally:
        engine.dispose()


def test_a_mark_the_hub_never_gave_is_refused(hub: RunningHub, site_url: str) -> None:
    token = enrolled("BENCH-01", site_url)
    answer = pull(hub, token, {"events": "12; DROP TABLE site_event", "approvals": ""})
    assert answer.status_code == 400
    assert "is not a mark this hub gave" in answer.json()["error"]
    assert pull(hub, "not-a-token", {}).status_code == 401
