"""Undo at the returns bench: the last step of the open return, newest first.

A recorded return is a fact sent to the ERP; it is not undone at the bench.
"""

from sqlalchemy.orm import Session

from station.operators import SignedIn
from station.recording import audit_work, utcnow
from station.rulepack import RulePack
from station.states import UnitStatus
from station.store.schema import ReturnUnit


def undo_step(session: Session, unit: ReturnUnit, operator: SignedIn, pack: RulePack) -> str:
    """Take back the newest step of ``unit``; returns what was undone, for the operator."""
    if unit.approved_by:
        unit.approved_by = None
        undone = "approval"
    elif unit.suggested_disposition is not None and unit.disposition != unit.suggested_disposition:
        unit.disposition = unit.suggested_disposition
        unit.destination = pack.dispositions[unit.suggested_disposition].destination
        unit.disposition_trace = [s for s in unit.disposition_trace if s["rule"] != "override"]
        undone = "override"
    elif unit.found_reason is not None:
        unit.found_reason = None
        _clear_decision(unit)
        undone = "found reason"
    elif unit.grade is not None:
        unit.grade = None
        _clear_decision(unit)
        undone = "grade"
    elif unit.answers:
        answer = unit.answers.pop()
        undone = f"answer to {answer.question}"
    elif (
        unit.serial is not None
        and unit.line is not None
        and unit.line.item.serial_tracked
        and unit.identified_by != unit.serial
    ):  # the serial is asked again, and the policy checked again with it
        unit.serial = None
        unit.policy_verdict = None
        unit.policy_trace = []
        undone = "serial"
    else:
        unit.status = UnitStatus.CANCELLED
        unit.finished_at = utcnow()
        undone = "identification (return cancelled)"
    audit_work(session, unit, operator.badge, "undo", undone=undone)
    return undone


def _clear_decision(unit: ReturnUnit) -> None:
    unit.disposition = unit.suggested_disposition = unit.destination = None
    unit.disposition_trace = []
    unit.rulepack_version = None
    unit.approved_by = None
