"""The site's one approvals queue: an override asked at one bench is answered at another
through a real hub, which checks the supervisor's role again in the site's own operators;
the asking bench carries on at its next scan."""

import itertools
from typing import Any

import pytest
import requests
from hub_process import RunningHub, enrolled, site_operator
from sqlalchemy import select

from station.errors import NotAllowed
from station.operators import Role, SignedIn
from station.recording import utcnow
from station.returns.bench import ReturnsBench
from station.returns.view import Step
from station.scans import Scan
from station.store.schema import AuditEntry, ReturnUnit, SiteEvent
from station.supervisor import approvals, site_queue
from sync.hub.exchange import Exchange
from sync.hub.replicate import replicate
from sync.hub.wire import HubWire

SAM = SignedIn("Sam Supervisor", "BADGE-3001", Role.SUPERVISOR)
INES = SignedIn("Ines Inspector", "BADGE-1001", Role.INSPECTOR)
TIMEOUT = 10
HERE = "BENCH-02"  # the answering bench
_clock = itertools.count(1000)


@pytest.fixture
def site(hub: RunningHub, site_url: str) -> RunningHub:
    site_operator(site_url, SAM.badge, SAM.name, Role.SUPERVISOR, "4321")
    site_operator(site_url, INES.badge, INES.name, Role.INSPECTOR, "1111")
    return hub


def linked(bench: ReturnsBench, hub: RunningHub, site_url: str) -> tuple[Exchange, HubWire]:
    return (
        Exchange(bench.store, bench.bench_id, bench.inspection),
        HubWire(hub.url, enrolled(bench.bench_id, site_url)),
    )


def scan(bench: ReturnsBench, *codes: str) -> str:
    """Scans a second apart: the same answer twice is not a double read."""
    said = ""
    for code in codes:
        said = bench.handle(Scan(code, at=float(next(_clock)))).message
    return said


def overridden(bench: ReturnsBench) -> None:
    """Running shorts the rules restock, sent to donation by the inspector."""
    scan(bench, "BADGE-1001", "RMA-10004", "5907725452020", "@YES", "@NO", "@NO", "@NO")
    scan(bench, "@GRADE-A", "@DISP-DONATE")
    assert bench.view().step is Step.APPROVAL


def queue(bench: ReturnsBench) -> list[approvals.Waiting]:
    with bench.store.read() as session:
        return site_queue.waiting(session, bench.inspection, bench.bench_id)


def test_an_override_asked_at_one_bench_is_answered_at_another(
    bench: ReturnsBench, other: ReturnsBench, site: RunningHub, site_url: str
) -> None:
    asking, asking_wire = linked(bench, site, site_url)
    answering, answering_wire = linked(other, site, site_url)
    overridden(bench)
    asking(asking_wire)
    answering(answering_wire)
    (item,) = queue(other)
    assert (item.at_hub, item.bench, item.operator) == (True, "BENCH-01", "BADGE-1001")
    assert "override of the rules (RESTOCK → DONATE)" in item.what
    with pytest.raises(NotAllowed):
        site_queue.answer(other.store, other.inspection, item, INES, approve=True, at_bench=HERE)

    # A bench whose copy of the operators says Ines is a supervisor: the hub knows better.
    forged = SignedIn(INES.name, INES.badge, Role.SUPERVISOR)
    site_queue.answer(other.store, other.inspection, item, forged, approve=True, at_bench=HERE)
    assert queue(other) == []  # on its way: not offered twice
    answering(answering_wire)
    with other.store.read() as session:
        (refused,) = site_queue.refused_lately(session, utcnow())
    assert refused.refused == "BADGE-1001 is not a supervisor of this site"
    assert asking(asking_wire).applied == []
    assert bench.view().step is Step.APPROVAL

    said = site_queue.answer(
        other.store, other.inspection, item, SAM, approve=True, at_bench="BENCH-02"
    )
    assert said == f"Approved: {item.what}. Sent to BENCH-01 through the hub."
    answering(answering_wire)
    (applied,) = asking(asking_wire).applied
    assert applied.startswith(f"Sam Supervisor at BENCH-02: Approved: {item.what}")
    # The inspector at BENCH-01 carries on at the next scan.
    assert bench.view().step is Step.DECIDE
    assert "Recorded" in scan(bench, "@CONFIRM")
    with bench.store.read() as session:
        unit = session.get(ReturnUnit, item.key)
        assert unit is not None and (unit.disposition, unit.approved_by) == ("DONATE", SAM.badge)
        approved = session.scalars(
            select(AuditEntry).where(
                AuditEntry.subject == item.key, AuditEntry.action == "approved"
            )
        ).one()
        assert (approved.bench, approved.operator) == ("BENCH-02", SAM.badge)
    answering(answering_wire)
    assert queue(other) == [] and asking(asking_wire).applied == []


def test_an_item_answered_at_its_own_bench_leaves_the_site_queue(
    bench: ReturnsBench, other: ReturnsBench, site: RunningHub, site_url: str
) -> None:
    asking, asking_wire = linked(bench, site, site_url)
    answering, answering_wire = linked(other, site, site_url)
    overridden(bench)
    asking(asking_wire)
    answering(answering_wire)
    (item,) = queue(other)
    with bench.store.read() as session:
        (local,) = approvals.waiting(session, bench.inspection)
    approvals.answer(bench.store, bench.inspection, local, SAM, approve=False, at_bench="BENCH-01")
    asking(asking_wire)
    answering(answering_wire)
    assert queue(other) == []
    # An answer sent meanwhile from the other bench is refused by the hub, in words.
    site_queue.answer(other.store, other.inspection, item, SAM, approve=True, at_bench="BENCH-02")
    answering(answering_wire)
    with other.store.read() as session:
        (refused,) = site_queue.refused_lately(session, utcnow())
    assert refused.refused == "that return at BENCH-01 no longer waits"


def test_the_feed_brings_the_other_benches_events(
    bench: ReturnsBench, other: ReturnsBench, site: RunningHub, site_url: str
) -> None:
    asking_wire = linked(bench, site, site_url)[1]
    overridden(bench)
    scan(bench, "@DISP-RESTOCK", "@CONFIRM")  # back on the rules: nothing to approve
    replicate(bench.store, asking_wire, bench.bench_id)
    answering, answering_wire = linked(other, site, site_url)
    assert answering(answering_wire).events > 0
    with bench.store.read() as session:
        theirs = list(session.scalars(select(SiteEvent.event_id)))
    with other.store.read() as session:
        replica = list(session.scalars(select(SiteEvent.event_id).order_by(SiteEvent.id)))
    assert theirs == []  # a bench keeps its own events in its outbox, not twice
    assert replica and answering(answering_wire).events == 0


def put(hub: RunningHub, token: str, path: str, body: Any) -> requests.Response:
    return requests.request(
        "PUT" if path == "/v1/approvals" else "POST", f"{hub.url}{path}", json=body,
        headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT,
    )  # fmt: skip


def test_what_is_not_the_benchs_own_is_refused(site: RunningHub, site_url: str) -> None:
    token = enrolled("BENCH-01", site_url)
    asked = {"bench": "BENCH-02", "waiting": []}
    assert put(site, token, "/v1/approvals", asked).status_code == 403
    answers = {
        "bench": "BENCH-02",
        "answers": [{
            "id": 1, "bench": "BENCH-03", "kind": "return", "key": "U-1", "basis": "b",
            "approve": True, "supervisor": SAM.badge,
        }],
    }  # fmt: skip
    assert put(site, token, "/v1/answers", answers).status_code == 403
    wrong = {"bench": "BENCH-01", "waiting": [{"kind": "bribe", "key": "U-1"}]}
    refused = put(site, token, "/v1/approvals", wrong)
    assert refused.status_code == 400 and "must have exactly" in refused.json()["error"]
    # An answer to what never waited is taken as a post, and refused in words.
    answers["bench"] = "BENCH-01"
    verdicts = put(site, token, "/v1/answers", answers).json()["answers"]
    assert verdicts == [{"id": 1, "refused": "that return at BENCH-03 no longer waits"}]
