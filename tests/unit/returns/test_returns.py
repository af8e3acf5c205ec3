"""The returns workflow, driven by scans as a bench would, checked in the store."""

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from demo_lines import DemoLine, a_line, demo_lines
from fake_photos import photo_at
from sqlalchemy import select, text

from station.feedback import Feedback, Tone
from station.gtin import with_check_digit
from station.returns.bench import ReturnsBench
from station.returns.view import Step
from station.scans import Scan
from station.settings import Settings
from station.states import LabelJobState, ShipmentState, UnitStatus
from station.store.engine import Store
from station.store.schema import (
    AuditEntry,
    LabelJob,
    Operator,
    OutboxEvent,
    ReturnUnit,
    Rma,
    ScanRecord,
)

_clock = itertools.count(1000, 2)


def scan(bench: ReturnsBench, *raws: str) -> Feedback:
    """Scans two seconds apart: far outside the duplicate window."""
    feedback = Feedback.good("")
    for raw in raws:
        feedback = bench.handle(Scan(raw, at=float(next(_clock))))
    return feedback


def events(store: Store, unit_id: str) -> list[str]:
    with store.read() as session:
        rows = session.scalars(select(OutboxEvent).order_by(OutboxEvent.seq))
        return [e.kind for e in rows if e.payload.get("unit") == unit_id]


def unit(store: Store, unit_id: str) -> ReturnUnit:
    with store.read() as session:
        found = session.get(ReturnUnit, unit_id)
        assert found is not None
        return found


def apparel(line: DemoLine, item: dict[str, Any]) -> bool:
    return line.category == "apparel" and not item["serial_tracked"]


def serial_electronics(line: DemoLine, _item: dict[str, Any]) -> bool:
    return line.category == "electronics" and line.serial is not None


def start(bench: ReturnsBench, line: DemoLine, badge: str = "BADGE-1001") -> str:
    scan(bench, badge, line.rma, line.gtin)
    if line.serial:
        scan(bench, line.serial)
    view = bench.view()
    assert view.unit is not None, view.prompt
    return view.unit.unit_id


def test_a_restock_from_rma_scan_to_label(
    bench: ReturnsBench, store: Store, demo: dict[str, Any]
) -> None:
    line = a_line(demo, apparel)
    assert scan(bench, "BADGE-1001").tone is Tone.GOOD
    assert scan(bench, line.rma).tone is Tone.GOOD
    assert bench.step() is Step.ITEM
    feedback = scan(bench, line.gtin)
    assert "policy passed" in feedback.message
    assert bench.step() is Step.CHECKLIST
    scan(bench, "@YES", "@NO", "@SKIP")
    scan(bench, "@UNDO")  # the skip is taken back
    feedback = scan(bench, "@NO", "@NO", "@GRADE-A")
    # Size or fit is the customer's own choice and nothing was found against it: the
    # found reason is theirs without asking, and the rules decide at once.
    assert "as the customer said: Size or fit" in feedback.message
    assert "Restock" in feedback.message
    view = bench.view()
    assert view.step is Step.DECIDE
    assert view.unit is not None
    assert view.unit.destination == "LOC-RESTOCK"
    assert view.unit.why == ("Grade A and every check passed: back to stock",)
    unit_id = view.unit.unit_id
    feedback = scan(bench, "@CONFIRM")
    assert feedback.tone is Tone.GOOD
    recorded = unit(store, unit_id)
    assert (recorded.status, recorded.disposition, recorded.found_reason) == (
        "decided",
        "RESTOCK",
        line.stated_reason,
    )
    assert recorded.lpn == "LPN-BENCH-01-000001"
    assert recorded.rulepack_version == "2026.11-1"
    assert events(store, unit_id) == [
        "inspection_recorded",
        "return_received",
        "disposition_decided",
        "refund_eligible",
    ]
    with store.read() as session:
        job = session.scalars(select(LabelJob)).one()
        assert (job.status, job.data["lpn"], job.data["destination"]) == (
            LabelJobState.QUEUED,
            recorded.lpn,
            "LOC-RESTOCK",
        )
        scans = session.scalars(select(ScanRecord).where(ScanRecord.unit_id == unit_id)).all()
        assert {s.raw for s in scans} >= {line.gtin, "@CONFIRM", "@GRADE-A"}
        assert all(s.operator == "BADGE-1001" and s.bench == "BENCH-01" for s in scans)
    assert bench.view().last is not None


def test_the_found_reason_is_asked_when_the_customer_claims_a_fault_or_something_was_found(
    bench: ReturnsBench, demo: dict[str, Any]
) -> None:
    # The customer says the kettle is defective: the inspector says what was found.
    line = a_line(
        demo, lambda line, item: not item["serial_tracked"] and line.stated_reason == "DEFECTIVE"
    )
    start(bench, line)
    while bench.step() is Step.CHECKLIST:
        scan(bench, "@SKIP")
    scan(bench, "@GRADE-A")
    assert bench.step() is Step.REASON
    # Size or fit, but graded as worn: the inspector is asked.
    scan(bench, "@CANCEL", "@CONFIRM")
    start(bench, a_line(demo, apparel))
    scan(bench, "@YES", "@NO", "@NO", "@NO", "@GRADE-C")
    assert bench.step() is Step.REASON
    # Size or fit, as new, but a check failed: the inspector is asked.
    scan(bench, "@CANCEL", "@CONFIRM")
    start(bench, a_line(demo, apparel))
    scan(bench, "@YES", "@YES", "@NO", "@NO", "@GRADE-A")
    assert bench.step() is Step.REASON


def test_r_chooses_another_found_reason_and_the_rules_decide_again(
    bench: ReturnsBench, store: Store, demo: dict[str, Any]
) -> None:
    unit_id = start(bench, a_line(demo, apparel))
    scan(bench, "@YES", "@NO", "@NO", "@NO", "@GRADE-A")
    assert bench.step() is Step.DECIDE
    feedback = bench.press("REASON")
    assert feedback.tone is Tone.GOOD and bench.step() is Step.REASON
    view = bench.view()
    assert view.unit is not None and view.unit.destination is None
    scan(bench, "@REASON-DEFECTIVE", "@CONFIRM")
    recorded = unit(store, unit_id)
    assert (recorded.found_reason, recorded.disposition) == (
        "DEFECTIVE",
        recorded.suggested_disposition,
    )
    assert recorded.status == "decided"


def test_a_failed_checklist_liquidates_and_blocks_the_refund(
    bench: ReturnsBench, store: Store, demo: dict[str, Any]
) -> None:
    unit_id = start(bench, a_line(demo, apparel))
    feedback = scan(bench, "@YES", "@YES")  # worn: yes
    assert feedback.tone is Tone.WARN
    assert "blocks the refund" in feedback.message
    scan(bench, "@NO", "@NO", "@GRADE-B", "@REASON-NOT_AS_DESCRIBED", "@CONFIRM")
    recorded = unit(store, unit_id)
    assert recorded.disposition == "LIQUIDATE"
    assert "refund_eligible" not in events(store, unit_id)
    assert recorded.found_reason == "NOT_AS_DESCRIBED"


def test_a_broken_hygiene_seal_forces_dispose(
    bench: ReturnsBench, store: Store, demo: dict[str, Any]
) -> None:
    unit_id = start(bench, a_line(demo, lambda line, _i: line.category == "health_beauty"))
    scan(bench, "@NO", "@YES", "@GRADE-A", "@CONFIRM")
    view = bench.view()
    assert view.unit is not None
    assert view.unit.disposition == "DISPOSE"
    assert view.unit.why == ("Checklist 'seal_intact' failed: Dispose",)
    scan(bench, "@CONFIRM")
    assert unit(store, unit_id).status == "decided"


def test_an_inspectors_override_waits_for_a_supervisor(
    bench: ReturnsBench, store: Store, demo: dict[str, Any]
) -> None:
    unit_id = start(bench, a_line(demo, apparel))
    scan(bench, "@YES", "@NO", "@NO", "@NO", "@GRADE-A")
    feedback = scan(bench, "@DISP-DISPOSE")
    assert feedback.tone is Tone.WARN
    assert bench.step() is Step.APPROVAL
    assert bench.view().approval_reason == "override of the rules (RESTOCK → DISPOSE)"
    refused = scan(bench, "@CONFIRM")
    assert refused.tone is Tone.BAD
    refused = scan(bench, "BADGE-1002")  # another inspector cannot approve
    assert refused.tone is Tone.BAD
    assert "supervisor only" in refused.message
    assert bench.step() is Step.APPROVAL
    assert scan(bench, "BADGE-3001").tone is Tone.GOOD
    assert scan(bench, "@CONFIRM").tone is Tone.GOOD
    recorded = unit(store, unit_id)
    assert (recorded.disposition, recorded.suggested_disposition, recorded.approved_by) == (
        "DISPOSE",
        "RESTOCK",
        "BADGE-3001",
    )
    with store.read() as session:
        actions = [a.action for a in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions.count("refused") == 1
    assert "override_requested" in actions
    assert "approved" in actions


def test_approval_by_pin(bench: ReturnsBench, demo: dict[str, Any]) -> None:
    start(bench, a_line(demo, apparel))
    scan(bench, "@YES", "@NO", "@NO", "@NO", "@GRADE-A", "@DISP-DONATE")
    assert bench.approve_with_pin("1111").tone is Tone.BAD  # an inspector's PIN
    assert bench.approve_with_pin("0000").tone is Tone.BAD
    assert bench.approve_with_pin("3333").tone is Tone.GOOD
    assert bench.step() is Step.DECIDE


def test_a_supervisor_overrides_without_a_second_approval(
    bench: ReturnsBench, store: Store, demo: dict[str, Any]
) -> None:
    unit_id = start(bench, a_line(demo, apparel), badge="BADGE-3001")
    scan(bench, "@YES", "@NO", "@NO", "@NO", "@GRADE-A", "@DISP-DONATE", "@CONFIRM")
    assert unit(store, unit_id).approved_by == "BADGE-3001"


def test_an_expensive_write_off_needs_approval(
    bench: ReturnsBench, store: Store, demo: dict[str, Any]
) -> None:
    line = a_line(demo, lambda line, _i: serial_electronics(line, _i) and line.value_cents > 25000)
    unit_id = start(bench, line)
    scan(bench, "@YES", "@YES", "@YES", "@YES", "@YES", "@GRADE-E", "@REASON-DAMAGED")
    assert bench.view().unit is not None
    assert bench.step() is Step.APPROVAL
    assert "write-off" in (bench.view().approval_reason or "")
    scan(bench, "BADGE-3002", "@CONFIRM")
    assert unit(store, unit_id).disposition == "WRITEOFF"


def test_a_wrong_serial_fails_the_policy_and_goes_to_quarantine(
    bench: ReturnsBench, store: Store, demo: dict[str, Any]
) -> None:
    line = a_line(demo, serial_electronics)
    scan(bench, "BADGE-1001", line.rma, line.gtin)
    assert bench.step() is Step.SERIAL
    feedback = scan(bench, "SNWRONG00001")
    assert feedback.tone is Tone.WARN
    assert "not the one shipped" in feedback.message
    scan(bench, "@YES", "@NO", "@YES", "@YES", "@YES", "@GRADE-A", "@CONFIRM")
    view = bench.view()
    assert view.unit is not None
    assert view.unit.disposition == "QUARANTINE"
    unit_id = view.unit.unit_id
    scan(bench, "@CONFIRM")
    assert "refund_eligible" not in events(store, unit_id)


def test_a_gs1_scan_with_serial_identifies_the_unit_in_one_go(
    bench: ReturnsBench, demo: dict[str, Any]
) -> None:
    line = a_line(demo, serial_electronics)
    gtin14 = line.gtin.rjust(14, "0")
    scan(bench, "BADGE-1001", f"01{gtin14}21{line.serial}")
    view = bench.view()
    assert view.step is Step.CHECKLIST
    assert view.unit is not None
    assert view.unit.policy_verdict == "pass"


def test_several_candidates_are_picked_by_number(bench: ReturnsBench, demo: dict[str, Any]) -> None:
    gtin = next(i["gtins"][0] for i in demo["items"] if i["sku"] == "AP-1001")
    feedback = scan(bench, "BADGE-1001", gtin)
    assert feedback.tone is Tone.WARN
    view = bench.view()
    assert view.step is Step.CHOOSE
    assert len(view.candidates) == 2
    second = view.candidates[1]
    assert bench.pick(3).tone is Tone.BAD
    assert bench.pick(2).tone is Tone.GOOD
    picked = bench.view().unit
    assert picked is not None
    assert picked.sku == "AP-1001"
    assert second.startswith(f"{picked.rma_number} line {picked.line_no}")


def test_several_candidates_are_picked_by_scanning_the_rma(
    bench: ReturnsBench, demo: dict[str, Any]
) -> None:
    gtin = next(i["gtins"][0] for i in demo["items"] if i["sku"] == "AP-1001")
    rmas = [r["number"] for r in demo["rmas"] if any(li["sku"] == "AP-1001" for li in r["lines"])]
    scan(bench, "BADGE-1001", gtin, rmas[1])
    view = bench.view()
    assert view.unit is not None
    assert view.unit.rma_number == rmas[1]


def test_an_item_not_on_the_rma_is_refused(bench: ReturnsBench, demo: dict[str, Any]) -> None:
    line = a_line(demo, apparel)
    other = next(i["gtins"][0] for i in demo["items"] if i["sku"] != line.sku)
    scan(bench, "BADGE-1001", line.rma)
    feedback = scan(bench, other)
    assert feedback.tone is Tone.BAD
    assert "not on the return" in feedback.message
    assert bench.step() is Step.ITEM


def test_a_known_item_on_no_rma_is_named_as_printed(bench: ReturnsBench) -> None:
    said = scan(bench, "BADGE-1001", "8710449266418")  # AP-1002: on no RMA of the demo
    assert said.message.startswith("No RMA found for 8710449266418 (AP-1002 ")


def test_an_unexpected_return_goes_to_triage_with_what_is_known(
    bench: ReturnsBench, store: Store, tmp_path: Path
) -> None:
    stranger = with_check_digit("400999999999")
    feedback = scan(bench, "BADGE-1001", stranger)
    assert feedback.tone is Tone.WARN
    # Said as printed on the box (an EAN-13), not as the GTIN-14 the bench reads it as.
    assert feedback.message.startswith(f"No RMA found for {stranger}. ")
    scan(bench, "@TRIAGE")
    assert bench.step() is Step.TRIAGE
    bench.save_notes("Box had no paperwork; customer note says 'broken'.")
    photo = photo_at(tmp_path / "parcel.jpg")
    assert bench.add_photo(photo).tone is Tone.GOOD
    scan(bench, "@CONFIRM")
    with store.read() as session:
        triaged = session.scalars(select(ReturnUnit).where(ReturnUnit.status == "triage")).one()
        assert triaged.identified_by == stranger
        assert triaged.destination == "LOC-TRIAGE"
        assert triaged.notes.startswith("Box had no paperwork")
        assert len(triaged.photos) == 1
        assert Path(triaged.photos[0].path).read_bytes() == photo.read_bytes()
        unit_id = triaged.id
    assert events(store, unit_id) == ["unexpected_return"]


def test_the_same_code_twice_in_the_window_counts_once(bench: ReturnsBench, store: Store) -> None:
    bench.handle(Scan("BADGE-1001", at=5.0))
    assert bench.handle(Scan("BADGE-1001", at=5.3)).tone is Tone.DUPLICATE
    assert bench.handle(Scan("@NEXT", at=5.35)).tone is Tone.GOOD  # another code 50 ms later
    with store.read() as session:
        outcomes = [s.outcome for s in session.scalars(select(ScanRecord).order_by(ScanRecord.id))]
    assert outcomes == ["accepted", "duplicate", "accepted"]


def test_nothing_happens_before_sign_in_and_clerks_are_refused(
    bench: ReturnsBench, demo: dict[str, Any]
) -> None:
    assert scan(bench, a_line(demo, apparel).rma).tone is Tone.BAD
    refused = scan(bench, "BADGE-2001")
    assert refused.tone is Tone.BAD
    assert "clerk" in refused.message
    assert bench.step() is Step.SIGN_IN
    assert bench.sign_in_pin("1111").tone is Tone.GOOD
    assert bench.view().operator is not None


def test_a_rejected_scan_is_kept_raw_and_changes_nothing(bench: ReturnsBench, store: Store) -> None:
    scan(bench, "BADGE-1001")
    feedback = scan(bench, "RMA-10\x0701")
    assert feedback.tone is Tone.BAD
    assert bench.step() is Step.IDENTIFY
    with store.read() as session:
        last = session.scalars(select(ScanRecord).order_by(ScanRecord.id.desc())).first()
        assert last is not None
        assert (last.raw, last.outcome) == ("RMA-10\\x0701", "rejected")


def test_a_bench_that_restarts_resumes_the_open_return(
    bench: ReturnsBench, store: Store, demo: dict[str, Any], tmp_path: Path
) -> None:
    unit_id = start(bench, a_line(demo, apparel))
    scan(bench, "@YES", "@NO")
    again = ReturnsBench(store, Settings(), bench.pack, tmp_path / "photos")
    again.sign_in_pin("1111")
    view = again.view()
    assert view.unit is not None
    assert view.unit.unit_id == unit_id
    assert view.step is Step.CHECKLIST
    assert view.prompt.startswith("Stains or marks?")


def test_undo_walks_back_step_by_step(
    bench: ReturnsBench, store: Store, demo: dict[str, Any]
) -> None:
    unit_id = start(bench, a_line(demo, apparel))
    scan(bench, "@YES", "@NO", "@NO", "@NO", "@GRADE-C", "@CONFIRM", "@DISP-DONATE")
    expected = ["override", "found reason", "grade", "answer to odour"]
    for undone in expected:
        assert scan(bench, "@UNDO").message == f"Undone: {undone}."
    assert bench.step() is Step.CHECKLIST
    scan(bench, "@UNDO", "@UNDO", "@UNDO")
    assert scan(bench, "@UNDO").message == "Undone: identification (return cancelled)."
    assert unit(store, unit_id).status == "cancelled"
    assert bench.step() is Step.IDENTIFY


def test_a_store_that_cannot_write_says_not_recorded(bench: ReturnsBench, store: Store) -> None:
    scan(bench, "BADGE-1001")
    with store.engine.begin() as connection:
        connection.execute(text("DROP TABLE audit"))
    feedback = scan(bench, "@TRIAGE")
    assert feedback.tone is Tone.BAD
    assert feedback.message.startswith("NOT RECORDED")
    assert bench.step() is Step.IDENTIFY


def test_reprint_queues_the_last_label_again(
    bench: ReturnsBench, store: Store, demo: dict[str, Any]
) -> None:
    assert scan(bench, "BADGE-1001", "@PRINT").tone is Tone.BAD
    start(bench, a_line(demo, apparel))
    scan(bench, "@YES", "@NO", "@NO", "@NO", "@GRADE-A", "@CONFIRM", "@PRINT")
    with store.read() as session:
        jobs = session.scalars(select(LabelJob).order_by(LabelJob.id)).all()
    assert [j.data.get("reprint", False) for j in jobs] == [False, True]
    assert jobs[0].data["lpn"] == jobs[1].data["lpn"]


@pytest.mark.parametrize("command", ["@GRADE-A", "@YES", "@CONFIRM", "@DISP-RTV"])
def test_commands_out_of_step_are_refused(bench: ReturnsBench, command: str) -> None:
    scan(bench, "BADGE-1001")
    feedback = scan(bench, command)
    assert feedback.tone is Tone.BAD
    assert bench.step() is Step.IDENTIFY


@pytest.mark.parametrize("field", ["order_number", "tracking_number"])
def test_an_order_or_tracking_number_finds_the_rma(
    bench: ReturnsBench, demo: dict[str, Any], field: str
) -> None:
    rmas = {r["number"]: r for r in demo["rmas"]}
    line = next(
        line
        for line in demo_lines(demo, apparel)
        if rmas[line.rma][field] and len(rmas[line.rma]["lines"]) == 1
    )
    feedback = scan(bench, "BADGE-1001", rmas[line.rma][field])
    assert feedback.message.startswith(f"{line.rma}: scan the item")
    assert bench.step() is Step.ITEM
    scan(bench, line.gtin)
    view = bench.view()
    assert view.unit is not None
    assert (view.unit.rma_number, view.unit.sku) == (line.rma, line.sku)


def test_a_wrong_pin_is_refused_and_logged(bench: ReturnsBench, store: Store) -> None:
    assert bench.sign_in_pin("9876").tone is Tone.BAD
    assert bench.step() is Step.SIGN_IN
    with store.read() as session:
        logged = session.scalars(select(ScanRecord)).one()
    assert (logged.raw, logged.kind, logged.outcome) == ("PIN", "badge", "refused")
    assert "9876" not in logged.message


def test_undo_of_a_serial_asks_for_it_and_checks_the_policy_again(
    bench: ReturnsBench, demo: dict[str, Any]
) -> None:
    line = a_line(demo, serial_electronics)
    start(bench, line)
    assert scan(bench, "@UNDO").message == "Undone: serial."
    view = bench.view()
    assert view.step is Step.SERIAL
    assert view.unit is not None and view.unit.policy_verdict is None
    assert scan(bench, "SNOTTHEONE01").tone is Tone.WARN
    view = bench.view()
    assert view.unit is not None and view.unit.policy_verdict == "fail"


def test_undo_never_forgets_a_failed_policy(bench: ReturnsBench, demo: dict[str, Any]) -> None:
    late = next(r for r in demo["rmas"] if r["number"] == "RMA-10010")
    item = next(i for i in demo["items"] if i["sku"] == late["lines"][0]["sku"])
    gs1 = f"01{item['gtins'][0].rjust(14, '0')}21ABC123"
    scan(bench, "BADGE-1001", gs1)  # the line shipped without a serial on record
    view = bench.view()
    assert view.unit is not None and view.unit.rma_number == "RMA-10010"
    assert view.unit.policy_verdict == "fail"
    assert scan(bench, "@UNDO").message == "Undone: identification (return cancelled)."
    assert bench.step() is Step.IDENTIFY


def test_a_gs1_code_without_a_serial_is_not_a_serial(
    bench: ReturnsBench, demo: dict[str, Any]
) -> None:
    line = a_line(demo, serial_electronics)
    scan(bench, "BADGE-1001", line.rma, line.gtin)
    refused = scan(bench, f"01{line.gtin.rjust(14, '0')}10LOT1")
    assert refused.tone is Tone.BAD
    assert bench.step() is Step.SERIAL


def test_another_operator_carries_on_after_a_restart_and_it_is_audited(
    bench: ReturnsBench, store: Store, demo: dict[str, Any], tmp_path: Path
) -> None:
    unit_id = start(bench, a_line(demo, apparel))
    again = ReturnsBench(store, Settings(), bench.pack, tmp_path / "photos")
    feedback = scan(again, "BADGE-1002")
    assert feedback.tone is Tone.WARN
    assert "BADGE-1001 started" in feedback.message
    with store.read() as session:
        took = session.scalars(select(AuditEntry).where(AuditEntry.action == "took_over")).one()
    assert (took.operator, took.subject, took.detail["started_by"]) == (
        "BADGE-1002",
        unit_id,
        "BADGE-1001",
    )


def test_signing_out_forgets_the_candidates(bench: ReturnsBench, demo: dict[str, Any]) -> None:
    gtin = next(i["gtins"][0] for i in demo["items"] if i["sku"] == "AP-1001")
    scan(bench, "BADGE-1001", gtin)
    assert bench.step() is Step.CHOOSE
    assert bench.sign_out().tone is Tone.GOOD
    scan(bench, "BADGE-1002")
    assert bench.step() is Step.IDENTIFY


def test_a_triage_unit_needs_something_that_tells_it_apart(bench: ReturnsBench) -> None:
    scan(bench, "BADGE-1001", "@TRIAGE")
    refused = scan(bench, "@CONFIRM")
    assert refused.tone is Tone.BAD
    assert "notes or a photo" in refused.message
    bench.save_notes("Blue kettle, no box, no label")
    assert scan(bench, "@CONFIRM").tone is Tone.GOOD


def test_an_inspector_cannot_record_an_expensive_write_off_alone(
    bench: ReturnsBench, demo: dict[str, Any]
) -> None:
    line = a_line(demo, lambda line, _i: serial_electronics(line, _i) and line.value_cents > 25000)
    start(bench, line)
    scan(bench, "@YES", "@YES", "@YES", "@YES", "@YES", "@GRADE-E", "@REASON-DAMAGED")
    assert scan(bench, "@CONFIRM").tone is Tone.BAD
    assert bench.step() is Step.APPROVAL


def test_a_new_grade_takes_the_approval_back(bench: ReturnsBench, demo: dict[str, Any]) -> None:
    start(bench, a_line(demo, apparel))
    scan(bench, "@YES", "@NO", "@NO", "@NO", "@GRADE-A", "@DISP-DONATE", "BADGE-3001")
    assert bench.step() is Step.DECIDE
    scan(bench, "@GRADE-C")  # the rules decide again: the override and approval are gone
    view = bench.view()
    assert view.unit is not None
    assert (view.unit.disposition, view.unit.approved_by) == ("LIQUIDATE", None)


def test_a_clerk_kept_out_is_in_the_audit_under_their_badge(
    bench: ReturnsBench, store: Store
) -> None:
    scan(bench, "BADGE-2001")
    with store.read() as session:
        refused = session.scalars(select(AuditEntry).where(AuditEntry.action == "refused")).one()
    assert refused.operator == "BADGE-2001"


def test_five_wrong_pins_lock_pins_out(bench: ReturnsBench) -> None:
    for wrong in ("0001", "0002", "0003", "0004", "0005"):
        assert bench.sign_in_pin(wrong).message == "PIN not recognised."
    locked = bench.sign_in_pin("1111")
    assert locked.tone is Tone.BAD
    assert "Too many wrong PINs" in locked.message
    assert scan(bench, "BADGE-1001").tone is Tone.GOOD  # a badge still works


def test_a_pin_two_operators_share_signs_nobody_in(bench: ReturnsBench, store: Store) -> None:
    with store.unit() as session:
        supervisor = session.scalars(select(Operator).where(Operator.badge == "BADGE-3001")).one()
        inspector = session.scalars(select(Operator).where(Operator.badge == "BADGE-1001")).one()
        supervisor.pin_hash = inspector.pin_hash
    assert bench.sign_in_pin("1111").tone is Tone.BAD


def test_unsure_labels_go_again_only_when_a_person_says_so(
    bench: ReturnsBench, store: Store, demo: dict[str, Any]
) -> None:
    start(bench, a_line(demo, apparel))
    scan(bench, "@YES", "@NO", "@NO", "@NO", "@GRADE-A", "@CONFIRM")
    assert bench.resend_unsure_labels().tone is Tone.BAD  # nothing is unsure
    with store.unit() as session:
        session.scalars(select(LabelJob)).one().status = LabelJobState.UNSURE
    assert bench.resend_unsure_labels().message == "1 label(s) queued again."
    with store.read() as session:
        assert session.scalars(select(LabelJob.status)).one() == LabelJobState.QUEUED
        resent = session.scalars(select(AuditEntry).where(AuditEntry.action == "labels_resent"))
        assert resent.one().operator == "BADGE-1001"


def closed_in_the_erp(store: Store, line: DemoLine, state: ShipmentState) -> None:
    with store.unit() as session:
        rma = session.get(Rma, line.rma)
        assert rma is not None
        rma.erp_state = state


def audited(store: Store, action: str) -> list[AuditEntry]:
    with store.read() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_a_line_that_cannot_take_the_unit_stops_the_bench_until_triage(
    bench: ReturnsBench, store: Store, demo: dict[str, Any]
) -> None:
    line = a_line(demo, apparel)
    closed_in_the_erp(store, line, ShipmentState.CANCELLED)
    refused = scan(bench, "BADGE-1001", line.rma, line.gtin)

    assert refused.tone is Tone.WARN
    assert refused.message == (
        f"{line.rma} line {line.line_no} cannot take this unit. "
        f"{line.rma} is cancelled in the ERP. "
        f"Scan TRIAGE to send it to triage, or a supervisor accepts it against {line.rma}."
    )
    assert bench.step() is Step.POLICY
    assert "cannot take this unit" in bench.view().prompt
    assert scan(bench, "@YES").tone is Tone.BAD, "no checklist on a line that cannot take it"
    assert scan(bench, "@CONFIRM").tone is Tone.BAD
    assert scan(bench, "@TRIAGE").tone is Tone.WARN
    view = bench.view()
    assert view.step is Step.TRIAGE and view.unit is not None
    assert view.unit.rma_number is None
    assert view.unit.notes == (
        f"Scanned against {line.rma} line {line.line_no}, which cannot take it: "
        f"{line.rma} is cancelled in the ERP."
    )
    unit_id = view.unit.unit_id
    assert scan(bench, "@CONFIRM").tone is Tone.GOOD
    recorded = unit(store, unit_id)
    assert (recorded.status, recorded.rma_line_id) == (UnitStatus.TRIAGE, None)
    assert events(store, unit_id) == ["unexpected_return"]
    assert [a.detail["rma"] for a in audited(store, "policy_triage")] == [line.rma]


def test_a_supervisor_accepts_a_unit_against_an_rma_done_in_the_erp(
    bench: ReturnsBench, store: Store, demo: dict[str, Any]
) -> None:
    line = a_line(demo, apparel)
    closed_in_the_erp(store, line, ShipmentState.DONE)
    scan(bench, "BADGE-1001", line.rma, line.gtin)
    assert bench.step() is Step.POLICY
    assert f"against {line.rma}" in (bench.view().approval_reason or "")
    colleague = scan(bench, "BADGE-1002")
    assert colleague.tone is Tone.BAD and "supervisor only" in colleague.message
    assert bench.step() is Step.POLICY

    accepted = bench.approve_with_pin("3333")
    assert accepted.tone is Tone.GOOD, accepted.message
    view = bench.view()
    assert view.step is Step.CHECKLIST and view.unit is not None
    assert view.unit.rma_number == line.rma
    assert (
        view.unit.policy_lines[-1].line == f"PASS: Accepted against {line.rma} by Sam Supervisor."
    )
    assert [(a.operator, a.detail["refused"]) for a in audited(store, "policy_accepted")] == [
        ("BADGE-3001", f"{line.rma} is done in the ERP.")
    ]


def test_a_policy_warning_reads_as_sentences(bench: ReturnsBench, demo: dict[str, Any]) -> None:
    line = a_line(demo, serial_electronics)
    scan(bench, "BADGE-1001", line.rma, line.gtin)
    warned = scan(bench, "SNWRONG00001")
    assert warned.message.endswith(
        f"policy FAIL. Serial SNWRONG00001 is not the one shipped ({line.serial})."
    )
    assert bench.step() is Step.CHECKLIST, "a wrong serial is the rules' to route"


def test_the_unit_just_recorded_is_shown_until_the_next_identification(
    bench: ReturnsBench, demo: dict[str, Any]
) -> None:
    stranger = with_check_digit("400000000000")
    scan(bench, "BADGE-1001", stranger, "@TRIAGE", "@CONFIRM")
    assert bench.view().last is not None
    scan(bench, stranger)  # no RMA found: identifying the next unit has begun
    assert bench.view().last is None

    scan(bench, "@CANCEL", stranger, "@TRIAGE", "@CONFIRM")
    assert bench.view().last is not None
    scan(bench, a_line(demo, apparel).rma)
    assert bench.view().last is None


def typed(bench: ReturnsBench, raw: str) -> Feedback:
    """A code typed at the F2 field."""
    return bench.handle(Scan(raw, source="keyboard", at=float(next(_clock))))


def override_waiting(bench: ReturnsBench, demo: dict[str, Any]) -> None:
    start(bench, a_line(demo, apparel))
    scan(bench, "@YES", "@NO", "@NO", "@NO", "@GRADE-A", "@DISP-DONATE")


def write_off_waiting(bench: ReturnsBench, demo: dict[str, Any]) -> None:
    start(bench, a_line(demo, lambda ln, i: serial_electronics(ln, i) and ln.value_cents > 25000))
    scan(bench, "@YES", "@YES", "@YES", "@YES", "@YES", "@GRADE-E", "@REASON-DAMAGED")


def rma_refusing(bench: ReturnsBench, demo: dict[str, Any]) -> None:
    line = a_line(demo, apparel)
    closed_in_the_erp(bench.store, line, ShipmentState.DONE)
    start(bench, line)


@pytest.mark.parametrize(
    ("waiting", "step"),
    [
        (override_waiting, Step.APPROVAL),
        (write_off_waiting, Step.APPROVAL),
        (rma_refusing, Step.POLICY),
    ],
    ids=["override", "costly-write-off", "accept-on-rma"],
)
def test_a_supervisor_badge_typed_by_hand_approves_nothing(
    bench: ReturnsBench,
    demo: dict[str, Any],
    waiting: Callable[[ReturnsBench, dict[str, Any]], None],
    step: Step,
) -> None:
    waiting(bench, demo)
    assert bench.step() is step
    refused = typed(bench, "BADGE-3001")
    assert refused.tone is Tone.BAD and "PIN" in refused.message
    assert bench.step() is step
    view = bench.view()
    assert view.unit is not None and view.unit.approved_by is None
    assert bench.approve_with_pin("3333").tone is Tone.GOOD  # the PIN approves from the keys


def test_a_supervisor_badge_typed_by_hand_signs_nobody_in(bench: ReturnsBench) -> None:
    refused = typed(bench, "BADGE-3001")
    assert refused.tone is Tone.BAD and "PIN" in refused.message
    assert bench.operator is None
    assert scan(bench, "BADGE-3001").tone is Tone.GOOD  # the badge itself, scanned
    bench.sign_out()
    assert typed(bench, "BADGE-1001").tone is Tone.GOOD  # an inspector's typed badge signs in


def test_a_code_of_the_wrong_kind_is_named_in_words(
    bench: ReturnsBench, demo: dict[str, Any]
) -> None:
    start(bench, a_line(demo, apparel))
    refused = scan(bench, "RMA-10012")  # another RMA in the middle of a return
    assert refused.tone is Tone.BAD
    assert refused.message.startswith("An RMA is not expected now. ")
