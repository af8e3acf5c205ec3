"""Outbox events made the way an operator makes them: by scans at the returns bench."""

import itertools

from demo_lines import DemoLine
from sqlalchemy import select

from station.feedback import Feedback, Tone
from station.returns.bench import ReturnsBench
from station.returns.view import Step
from station.scans import Scan
from station.store.schema import OutboxEvent

INSPECTOR, SUPERVISOR = "BADGE-1001", "BADGE-3001"
# Scan times two seconds apart, so that no scan is taken for a double read of the last.
_clock = itertools.count(1000, 2)


def scan(bench: ReturnsBench, *codes: str) -> Feedback:
    """The codes scanned in turn; what the bench said to the last."""
    said = Feedback.bad("nothing scanned")
    for raw in codes:
        said = bench.handle(Scan(raw, at=float(next(_clock))))
    return said


def triage(bench: ReturnsBench, code: str) -> str:
    """A parcel with no RMA, sent to triage; returns its event's id."""
    scan(bench, INSPECTOR, code, "@TRIAGE", "@CONFIRM")
    with bench.store.read() as session:
        event = session.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.kind == "unexpected_return")
            .order_by(OutboxEvent.seq.desc())
            .limit(1)
        ).one()
    return event.event_id


def record_return(bench: ReturnsBench, line: DemoLine) -> None:
    """One unit of an RMA line recorded as a careful inspector records it: each check
    answered the way that passes, grade A, the customer's reason confirmed, the rules'
    disposition accepted, and a supervisor's badge when the bench asks for one."""
    scan(bench, INSPECTOR, line.rma, line.gtin)
    for _ in range(20):
        view = bench.view()
        if view.step is Step.DECIDE:
            said = scan(bench, "@CONFIRM")
            assert said.tone is Tone.GOOD, said.message
            return
        if view.step is Step.CHECKLIST:
            assert view.unit is not None and view.unit.category is not None
            asked = next(n for n, c in enumerate(view.unit.checklist) if c.answer is None)
            code = "@" + bench.pack.checklist(view.unit.category)[asked].passing.upper()
        else:
            codes = {
                Step.SERIAL: line.serial,
                Step.GRADE: "@GRADE-A",
                Step.REASON: "@CONFIRM",
                Step.APPROVAL: SUPERVISOR,
            }
            found = codes.get(view.step)
            assert found is not None, f"{line.rma}: the bench waits at {view.step}: {view.prompt}"
            code = found
        scan(bench, code)
    raise AssertionError(f"{line.rma}: not recorded after 20 scans")
