"""One queue of what waits for a supervisor, answered from the supervisor view: the bench
carries on with the answer at its next scan."""

import itertools
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from station.errors import NotAllowed, Refusal
from station.feedback import Feedback, Tone
from station.gtin import to_gtin14
from station.operators import Role, SignedIn
from station.receiving.bench import ReceivingBench
from station.receiving.view import RStep
from station.returns.bench import ReturnsBench
from station.returns.view import Step
from station.scans import Scan
from station.settings import Settings
from station.store.engine import Store
from station.store.schema import AuditEntry, Receipt, Received, ReturnUnit
from station.supervisor.approvals import RETURN, SHELF_LIFE, TOLERANCE, answer, waiting

SAM = SignedIn("Sam Supervisor", "BADGE-3001", Role.SUPERVISOR)
INES = SignedIn("Ines Inspector", "BADGE-1001", Role.INSPECTOR)
_clock = itertools.count(1000, 2)


def scan(bench: ReturnsBench | ReceivingBench, *codes: str) -> Feedback:
    said = Feedback.good("")
    for code in codes:
        said = bench.handle(Scan(code, at=float(next(_clock))))
    return said


def overridden(bench: ReturnsBench) -> None:
    """Running shorts the rules restock, sent to donation by the inspector."""
    scan(bench, "BADGE-1001", "RMA-10004", "5907725452020", "@YES", "@NO", "@NO", "@NO")
    scan(bench, "@GRADE-A", "@DISP-DONATE")
    assert bench.view().step is Step.APPROVAL


def test_an_override_approved_from_the_view_lets_the_bench_record_it(
    bench: ReturnsBench, store: Store
) -> None:
    overridden(bench)
    with store.read() as session:
        (item,) = waiting(session, bench.inspection)
    assert (item.kind, item.bench, item.operator) == (RETURN, bench.bench_id, "BADGE-1001")
    assert "override of the rules (RESTOCK → DONATE)" in item.what
    with pytest.raises(NotAllowed):
        answer(store, bench.inspection, item, INES, approve=True, at_bench="B9")
    said = answer(store, bench.inspection, item, SAM, approve=True, at_bench="B9")
    assert said.startswith("Approved")
    assert bench.view().step is Step.DECIDE
    assert "Recorded" in scan(bench, "@CONFIRM").message
    with store.read() as session:
        unit = session.get(ReturnUnit, item.key)
        assert unit is not None and (unit.disposition, unit.approved_by) == ("DONATE", "BADGE-3001")
        assert (
            session.scalars(
                select(AuditEntry.action).where(
                    AuditEntry.subject == item.key, AuditEntry.bench == "B9"
                )
            ).one()
            == "approved"
        )
        assert waiting(session, bench.inspection) == []


def test_an_override_refused_goes_back_to_the_rules(bench: ReturnsBench, store: Store) -> None:
    overridden(bench)
    with store.read() as session:
        (item,) = waiting(session, bench.inspection)
    said = answer(store, bench.inspection, item, SAM, approve=False, at_bench="B9")
    assert "back to the rules' disposition (RESTOCK)" in said
    assert bench.view().step is Step.DECIDE
    scan(bench, "@CONFIRM")
    with store.read() as session:
        unit = session.get(ReturnUnit, item.key)
        assert unit is not None and (unit.status, unit.disposition) == ("decided", "RESTOCK")


@pytest.fixture
def receiving(store: Store, tmp_path: Path) -> ReceivingBench:
    return ReceivingBench(store, Settings({}), tmp_path / "photos", date.today)


def short_lived(receiving: ReceivingBench) -> None:
    """HB-3010 of ASN-200001, its lot a month from its best-before date (180 days needed)."""
    soon = date.today() + timedelta(days=30)
    scan(receiving, "BADGE-2001", "ASN-200001", "@NEW-LPN")
    scan(receiving, f"01{to_gtin14('87422146')}17{soon:%y%m%d}10LSHORT|306")
    assert receiving.step() is RStep.SHELF_LIFE


@pytest.mark.parametrize("approve", [True, False])
def test_a_short_lived_lot_is_answered_from_the_view(
    receiving: ReceivingBench, bench: ReturnsBench, store: Store, approve: bool
) -> None:
    short_lived(receiving)
    with store.read() as session:
        (item,) = waiting(session, bench.inspection)
    assert item.kind == SHELF_LIFE and "HB-3010 lot LSHORT" in item.what
    answer(store, bench.inspection, item, SAM, approve=approve, at_bench="B9")
    assert scan(receiving, "@NEW-LPN").tone is not Tone.BAD  # the bench carries on
    assert receiving.step() is RStep.RECEIVE
    with store.read() as session:
        rows = list(session.scalars(select(Received)))
    if approve:
        assert [(r.lot, r.accepted_by) for r in rows] == [("LSHORT", "BADGE-3001")]
    else:
        assert rows == []  # off the count, back to the supplier


def short_closed(receiving: ReceivingBench) -> None:
    """ASN-200001 closed with line 1 half counted and lines 2 and 3 missing: beyond
    tolerance, so the close waits for a supervisor."""
    later = date.today() + timedelta(days=400)
    scan(receiving, "BADGE-2001", "ASN-200001", "@NEW-LPN")
    scan(receiving, f"01{to_gtin14('87422146')}17{later:%y%m%d}10LHAZASZ|3050", "@PUTAWAY")
    suggested = receiving.view().suggested_bin
    assert suggested is not None
    scan(receiving, suggested)
    said = scan(receiving, "@CLOSE")
    assert said.tone is Tone.WARN and receiving.step() is RStep.APPROVAL


def test_a_close_beyond_tolerance_approved_from_the_view_closes_at_the_next_close(
    receiving: ReceivingBench, bench: ReturnsBench, store: Store
) -> None:
    short_closed(receiving)
    with store.read() as session:
        (item,) = waiting(session, bench.inspection)
    assert item.kind == TOLERANCE and item.what.startswith("ASN-200001 of SUP-ALPENKRAUT: ")
    answer(store, bench.inspection, item, SAM, approve=True, at_bench="B9")
    assert receiving.step() is RStep.RECEIVE
    closed = scan(receiving, "@CLOSE").message
    # The clerk is told who let the receipt close beyond its tolerance.
    assert closed.startswith("ASN-200001 closed: ")
    assert ", beyond tolerance as Sam Supervisor approved, discrepancies sent: " in closed
    with store.read() as session:
        receipt = session.get(Receipt, item.key)
        assert receipt is not None and (receipt.status, receipt.approved_by) == (
            "closed",
            "BADGE-3001",
        )
        assert waiting(session, bench.inspection) == []


def test_a_close_refused_from_the_view_keeps_the_receipt_open(
    receiving: ReceivingBench, bench: ReturnsBench, store: Store
) -> None:
    short_closed(receiving)
    with store.read() as session:
        (item,) = waiting(session, bench.inspection)
    assert answer(store, bench.inspection, item, SAM, approve=False, at_bench="B9").startswith(
        "Refused"
    )
    assert receiving.step() is RStep.RECEIVE  # the clerk recounts
    assert scan(receiving, "@CLOSE").tone is Tone.WARN  # and closing asks again
    with store.read() as session:
        receipt = session.get(Receipt, item.key)
        assert receipt is not None and receipt.status == "open"


def test_an_answer_holds_only_for_what_was_shown(
    bench: ReturnsBench, receiving: ReceivingBench, store: Store
) -> None:
    overridden(bench)
    short_closed(receiving)
    with store.read() as session:
        shown = waiting(session, bench.inspection)
    scan(bench, "@DISP-DISPOSE")  # the inspector changes the override meanwhile
    scan(receiving, "@CANCEL", "@CLOSE")  # and the clerk asks again: the same counts
    by_kind = {item.kind: item for item in shown}
    with pytest.raises(Refusal, match="changed since it was shown"):
        answer(store, bench.inspection, by_kind[RETURN], SAM, approve=True, at_bench="B9")
    answer(store, bench.inspection, by_kind[TOLERANCE], SAM, approve=True, at_bench="B9")
    with store.read() as session:
        unit = session.get(ReturnUnit, by_kind[RETURN].key)
        assert unit is not None and unit.approved_by is None  # DISPOSE was never approved
