"""Closing a return: LPN, label job, audit and outbox events, in the caller's transaction.

The events describe the return for the ERP; ``refund_eligible`` is emitted only when the
bench verified the return: the right item, within policy, every check answered, and no
failed check that blocks a refund.
"""

from typing import TypedDict

from sqlalchemy import select
from sqlalchemy.orm import Session

from station.feedback import Feedback
from station.label_jobs import queue_label
from station.lpns import next_lpn
from station.operators import SignedIn
from station.outbox import (
    DispositionDecided,
    InspectionRecorded,
    RefundEligible,
    ReturnReceived,
    UnexpectedReturn,
)
from station.recording import audit_work, emit, utcnow
from station.rulepack import Question, RulePack
from station.states import UnitStatus, Verdict
from station.store.schema import Gtin, Photo, ReturnUnit


def finish_return(
    session: Session,
    unit: ReturnUnit,
    operator: SignedIn,
    pack: RulePack,
    questions: tuple[Question, ...],
) -> Feedback:
    assert unit.line is not None and unit.item is not None and unit.disposition is not None
    _close(session, unit, UnitStatus.DECIDED)
    line, item = unit.line, unit.item
    base = _base(unit, operator)
    # The inspection goes first: an ERP that holds returns at a quality gate receives the
    # return once it has the inspection.
    emit(
        session,
        InspectionRecorded(
            **base,
            rma=line.rma_number,
            category=item.category,
            answers={a.question: a.answer for a in unit.answers},
            checks={a.question: a.passed for a in unit.answers},
            grade=unit.grade,
            found_reason=unit.found_reason,
            stated_reason=line.stated_reason,
            policy=unit.policy_verdict,
            policy_trace=unit.policy_trace,
            notes=unit.notes,
            photos=_photo_hashes(session, unit.id),
        ),
    )
    emit(
        session,
        ReturnReceived(
            **base,
            rma=line.rma_number,
            line=line.line_no,
            order=line.rma.order_number,
            customer=line.rma.customer,
        ),
    )
    assert unit.destination is not None
    emit(
        session,
        DispositionDecided(
            **base,
            rma=line.rma_number,
            line=line.line_no,
            disposition=unit.disposition,
            rules_said=unit.suggested_disposition,
            destination=unit.destination,
            lpn=unit.lpn,
            rulepack=unit.rulepack_version,
            trace=unit.disposition_trace,
            approved_by=unit.approved_by,
        ),
    )
    unit.refund_eligible = verified(unit, questions)
    if unit.refund_eligible:
        emit(
            session,
            RefundEligible(
                **base,
                rma=line.rma_number,
                line=line.line_no,
                quantity=1,
                value_cents=item.unit_value_cents,
            ),
        )
    label = pack.dispositions[unit.disposition].label
    _label(session, unit, "return-unit", label, pack.reasons.get(unit.found_reason or ""))
    audit_work(
        session,
        unit,
        operator.badge,
        "return_decided",
        disposition=unit.disposition,
        lpn=unit.lpn,
        approved_by=unit.approved_by,
    )
    return Feedback.good(f"Recorded: {label} → {unit.destination}. Label {unit.lpn} queued.")


def finish_triage(
    session: Session, unit: ReturnUnit, operator: SignedIn, pack: RulePack
) -> Feedback:
    unit.destination = pack.triage_destination
    _close(session, unit, UnitStatus.TRIAGE)
    emit(
        session,
        UnexpectedReturn(
            **_base(unit, operator),
            scanned=unit.identified_by,
            notes=unit.notes,
            photos=_photo_hashes(session, unit.id),
            lpn=unit.lpn,
        ),
    )
    _label(session, unit, "triage", "Triage", None)
    audit_work(session, unit, operator.badge, "triage_recorded", lpn=unit.lpn)
    return Feedback.good(f"Sent to triage → {unit.destination}. Label {unit.lpn} queued.")


def verified(unit: ReturnUnit, questions: tuple[Question, ...]) -> bool:
    blocking = {q.id for q in questions if q.blocks_refund}
    answers = {a.question: a for a in unit.answers}
    return (
        unit.line is not None
        and unit.policy_verdict in (Verdict.PASS, Verdict.WARN)
        and all(q.id in answers and answers[q.id].answer != "skip" for q in questions)
        and not any(answers[q].passed is False for q in blocking if q in answers)
    )


def _close(session: Session, unit: ReturnUnit, status: UnitStatus) -> None:
    unit.status, unit.finished_at, unit.lpn = status, utcnow(), next_lpn(session, unit.bench)


class _Base(TypedDict):
    unit: str
    bench: str
    operator: str
    sku: str | None
    serial: str | None
    at: str | None
    started: str


def _base(unit: ReturnUnit, operator: SignedIn) -> _Base:
    return {
        "unit": unit.id,
        "bench": unit.bench,
        "operator": operator.badge,
        "sku": unit.sku,
        "serial": unit.serial,
        "at": unit.finished_at.isoformat() if unit.finished_at else None,
        "started": unit.started_at.isoformat(),
    }


def _label(
    session: Session, unit: ReturnUnit, template: str, disposition: str, reason: str | None
) -> None:
    item = unit.item
    queue_label(
        session,
        bench=unit.bench,
        template=template,
        data={
            "lpn": unit.lpn,
            "destination": unit.destination,
            "disposition": disposition,
            "reason": reason,
            "date": unit.finished_at.date().isoformat() if unit.finished_at else None,
            "sku": unit.sku,
            "item": item.name if item else None,
            "gtin": _gtin(session, item.sku) if item else None,
            "rma": unit.line.rma_number if unit.line else None,
            "grade": unit.grade,
            "unit": unit.id,
        },
    )


def _gtin(session: Session, sku: str) -> str | None:
    """The GTIN the unit label carries: read as a plain value, it costs the scan little."""
    gtin: str | None = session.connection().scalar(
        select(Gtin.gtin14).where(Gtin.sku == sku).order_by(Gtin.gtin14).limit(1)
    )
    return gtin


def _photo_hashes(session: Session, unit_id: str) -> list[str]:
    rows = session.connection().execute(
        select(Photo.sha256).where(Photo.unit_id == unit_id).order_by(Photo.id)
    )
    return [sha256 for (sha256,) in rows]
