"""What the returns screen shows, as plain values built from the store.

The UI never reads tables itself: after every action it asks for a fresh ``BenchView``
and draws it. Nothing in here writes.
"""

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from station.commands import GRADE_MEANINGS
from station.operators import SignedIn, by_badge
from station.returns.policy import RuleVerdict, cannot_take, refusals_of
from station.rulepack import Question, RulePack
from station.states import UnitStatus, Verdict
from station.store.schema import ReturnUnit


class Step(StrEnum):
    SIGN_IN = "sign in"
    IDENTIFY = "identify"
    ITEM = "confirm item"
    CHOOSE = "choose return"
    SERIAL = "serial"
    POLICY = "line refused"
    CHECKLIST = "checklist"
    GRADE = "grade"
    REASON = "found reason"
    DECIDE = "disposition"
    APPROVAL = "approval"
    TRIAGE = "triage"


@dataclass(frozen=True)
class ChecklistLine:
    question: str
    answer: str | None
    passed: bool | None


@dataclass(frozen=True)
class UnitView:
    unit_id: str
    status: str
    identified_by: str
    rma_number: str | None
    line_no: int | None
    customer: str | None
    order_number: str | None
    channel: str | None
    sku: str | None
    item_name: str | None
    category: str | None
    value: str | None
    serial: str | None
    expected_serial: str | None
    stated_reason: str | None
    policy_verdict: Verdict | None
    policy_lines: tuple[RuleVerdict, ...]
    checklist: tuple[ChecklistLine, ...]
    grade: str | None
    found_reason: str | None
    disposition: str | None
    disposition_label: str | None
    rules_said: str | None  # the rules' disposition, when someone decided another
    why: tuple[str, ...]
    destination: str | None
    lpn: str | None
    approved_by: str | None  # by name, as the operators table knows them
    notes: str
    photos: int
    rulepack_version: str | None


@dataclass(frozen=True)
class BenchView:
    bench: str
    operator: SignedIn | None
    step: Step
    prompt: str
    candidates: tuple[str, ...]
    unit: UnitView | None
    last: UnitView | None
    approval_reason: str | None
    reasons: tuple[tuple[str, str], ...]
    dispositions: tuple[tuple[str, str], ...]
    next_parcel: str | None = None  # between units: the dock's parcel to pull next, and why


def prompt(step: Step, unit: ReturnUnit | None, pack: RulePack, question: Question | None) -> str:
    """The big line at the top of the screen: what the bench wants next."""
    stated = pack.reasons.get(unit.line.stated_reason) if unit and unit.line else None
    disposition = pack.dispositions.get(unit.disposition or "") if unit else None
    grades = " · ".join(f"{grade} {meaning}" for grade, meaning in GRADE_MEANINGS.items())
    prompts = {
        Step.SIGN_IN: "Scan your badge or enter your PIN",
        Step.IDENTIFY: "Scan the RMA, order, tracking number or the item",
        Step.ITEM: "Scan the item (GTIN or serial) to confirm it",
        Step.CHOOSE: "Several returns match: press its number or scan its RMA",
        Step.SERIAL: "Scan the serial number",
        Step.POLICY: _refused(unit),
        Step.CHECKLIST: f"{question.text if question else ''}  YES / NO / SKIP",
        Step.GRADE: f"Grade the condition: {grades}",
        Step.REASON: f"Found reason? Customer said: {stated}. CONFIRM to agree",
        Step.DECIDE: f"{disposition.label if disposition else ''}: CONFIRM to record",
        Step.APPROVAL: "Supervisor: scan your badge or enter your PIN",
        Step.TRIAGE: "No RMA: add notes and photos, then CONFIRM to send to triage",
    }
    return prompts[step]


def _refused(unit: ReturnUnit | None) -> str:
    if unit is None or unit.line is None:
        return ""
    return (
        f"{cannot_take(unit.line, refusals_of(unit))} "
        "TRIAGE to send it to triage, or a supervisor's badge or PIN to accept it"
    )


def unit_view(
    session: Session, unit: ReturnUnit, pack: RulePack, questions: tuple[Question, ...]
) -> UnitView:
    line, item = unit.line, unit.item
    approver = by_badge(session, unit.approved_by) if unit.approved_by else None
    suggested = pack.dispositions.get(unit.suggested_disposition or "")
    answers = {a.question: a for a in unit.answers}
    checklist = tuple(
        ChecklistLine(
            q.text,
            answers[q.id].answer if q.id in answers else None,
            answers[q.id].passed if q.id in answers else None,
        )
        for q in questions
    )
    trace = unit.disposition_trace or []
    disposition = pack.dispositions.get(unit.disposition or "")
    return UnitView(
        unit_id=unit.id,
        status=unit.status,
        identified_by=unit.identified_by,
        rma_number=line.rma_number if line else None,
        line_no=line.line_no if line else None,
        customer=line.rma.customer if line else None,
        order_number=line.rma.order_number if line else None,
        channel=line.rma.channel if line else None,
        sku=unit.sku,
        item_name=item.name if item else None,
        category=item.category if item else None,
        value=f"{item.unit_value_cents / 100:.2f}" if item else None,
        serial=unit.serial,
        expected_serial=line.serial if line else None,
        stated_reason=line.stated_reason if line else None,
        policy_verdict=Verdict(unit.policy_verdict) if unit.policy_verdict else None,
        policy_lines=tuple(RuleVerdict.from_dict(v) for v in unit.policy_trace),
        checklist=checklist,
        grade=unit.grade,
        found_reason=unit.found_reason,
        disposition=unit.disposition,
        disposition_label=disposition.label if disposition else None,
        rules_said=suggested.label
        if suggested and unit.suggested_disposition != unit.disposition
        else None,
        why=tuple(step["note"] for step in trace if step["matched"]),
        destination=unit.destination,
        lpn=unit.lpn,
        approved_by=approver.name if approver else unit.approved_by,
        notes=unit.notes,
        photos=len(unit.photos),
        rulepack_version=unit.rulepack_version,
    )


def triage_count(session: Session) -> int:
    """How many units wait on the triage shelf."""
    waiting = select(func.count()).where(ReturnUnit.status == UnitStatus.TRIAGE)
    return session.scalar(waiting) or 0


def triage_queue(session: Session, limit: int) -> list[ReturnUnit]:
    """Units sent to triage (no RMA found), the latest first, for whoever works the shelf."""
    return list(
        session.scalars(
            select(ReturnUnit)
            .where(ReturnUnit.status == UnitStatus.TRIAGE)
            .order_by(ReturnUnit.finished_at.desc())
            .limit(limit)
        )
    )
