"""Inspecting one returned unit: policy, checklist, grade, found reason and disposition.

These functions change a ``ReturnUnit`` in the caller's unit of work and say what
happened; the bench decides when each may run. A refusal is raised, never returned.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from station.errors import Refusal
from station.feedback import Feedback
from station.operators import Role, SignedIn, require
from station.recording import audit_work, utcnow
from station.returns.disposition import Facts, decide
from station.returns.policy import (
    ACCEPTED,
    RepeatLimit,
    RuleVerdict,
    cannot_take,
    check_policy,
    line_refusals,
    refusals_of,
    said,
)
from station.rulepack import Question, RulePack
from station.setting_keys import (
    REPEAT_RETURNER_DAYS,
    REPEAT_RETURNER_LIMIT,
    WRITEOFF_APPROVAL_ABOVE,
)
from station.settings import Settings
from station.states import UnitStatus, Verdict
from station.store.schema import ChecklistAnswer, ReturnUnit


def policy_verdict(unit: ReturnUnit) -> str:
    """The unit's policy verdict; a unit on an RMA line is never decided unchecked."""
    if unit.policy_verdict is None:
        raise Refusal("The return policy was not checked for this unit: scan its serial.")
    return unit.policy_verdict


@dataclass(frozen=True)
class Inspection:
    """The rule pack and the limits one bench inspects by."""

    pack: RulePack
    repeat: RepeatLimit
    writeoff_limit_cents: int

    @classmethod
    def configured(cls, pack: RulePack, settings: Settings) -> "Inspection":
        return cls(
            pack,
            RepeatLimit(settings[REPEAT_RETURNER_DAYS], settings[REPEAT_RETURNER_LIMIT]),
            settings[WRITEOFF_APPROVAL_ABOVE] * 100,
        )

    def questions(self, unit: ReturnUnit) -> tuple[Question, ...]:
        return self.pack.checklist(unit.item.category) if unit.item and unit.line else ()

    def next_question(self, unit: ReturnUnit) -> Question | None:
        answered = {a.question for a in unit.answers}
        return next((q for q in self.questions(unit) if q.id not in answered), None)

    def check_policy(self, session: Session, unit: ReturnUnit, today: date, what: str) -> Feedback:
        assert unit.line is not None
        result = check_policy(
            session,
            unit.line,
            serial=unit.serial,
            unit_id=unit.id,
            today=today,
            now=utcnow(),
            repeat=self.repeat,
        )
        unit.policy_verdict = result.verdict
        unit.policy_trace = [v.as_dict() for v in result.trace]
        if result.verdict == Verdict.PASS:
            return Feedback.good(f"{what}: policy passed.")
        refused = line_refusals(result.trace)
        if refused:
            return Feedback.warn(
                f"{cannot_take(unit.line, refused)} Scan TRIAGE to send it to triage, "
                f"or a supervisor accepts it against {unit.line.rma_number}."
            )
        problems = tuple(v for v in result.trace if v.outcome != Verdict.PASS)
        return Feedback.warn(f"{what}: policy {result.verdict.upper()}. {said(problems)}")

    def accept_on_rma(self, session: Session, unit: ReturnUnit, who: SignedIn) -> Feedback:
        """A supervisor books the unit against its RMA although the line cannot take it."""
        assert unit.line is not None
        rma = unit.line.rma_number
        refused = said(refusals_of(unit))
        require(who, Role.SUPERVISOR, action=f"accept a unit that {rma} cannot take")
        accepted = RuleVerdict(ACCEPTED, Verdict.PASS, f"Accepted against {rma} by {who.name}.")
        unit.policy_trace = [*unit.policy_trace, accepted.as_dict()]
        audit_work(session, unit, who.badge, "policy_accepted", rma=rma, refused=refused)
        return Feedback.good(f"Accepted against {rma} by {who.name}: inspect the unit.")

    def to_triage(self, session: Session, unit: ReturnUnit, operator: SignedIn) -> None:
        """The unit leaves the line that cannot take it and goes to triage as unexpected;
        the RMA it was scanned against is kept in its notes for whoever works the shelf."""
        line = unit.line
        assert line is not None
        refused = said(refusals_of(unit))
        noted = f"Scanned against {line.rma_number} line {line.line_no}, which cannot take it: "
        unit.notes = "\n".join(n for n in (noted + refused, unit.notes) if n)
        unit.line = None
        audit_work(
            session, unit, operator.badge, "policy_triage", rma=line.rma_number, refused=refused
        )

    def answer(self, unit: ReturnUnit, answer: str) -> Feedback:
        question = self.next_question(unit)
        assert question is not None, "the bench asks only while a question is open"
        passed = None if answer == "skip" else question.passes(answer)
        unit.answers.append(ChecklistAnswer(question=question.id, answer=answer, passed=passed))
        if passed is not False:
            return Feedback.good(f"{question.text} {answer.upper()}")
        effects = [
            f"forces {question.forces}" if question.forces else "",
            f"suggests {question.suggests_reason}" if question.suggests_reason else "",
            "blocks the refund" if question.blocks_refund else "",
        ]
        said = ", ".join(e for e in effects if e)
        return Feedback.warn(
            f"{question.text} {answer.upper()}: failed" + (f" ({said})." if said else ".")
        )

    def grade(self, unit: ReturnUnit, grade: str) -> Feedback:
        unit.grade = grade
        said = f"Grade {grade}."
        stated = unit.line.stated_reason if unit.line else None
        if unit.found_reason is None and stated is not None and self._agrees(unit, stated):
            unit.found_reason = stated
            said += f" Found reason as the customer said: {self.pack.reasons[stated]} (R: another)."
        return self._redecide(unit, said)

    def _agrees(self, unit: ReturnUnit, stated: str) -> bool:
        """The customer's own choice, nothing found against it: see ``Agreement``."""
        agreement = self.pack.agreement
        return (
            stated in agreement.reasons
            and unit.grade in agreement.grades
            and not any(answer.passed is False for answer in unit.answers)
        )

    def reopen_reason(self, unit: ReturnUnit) -> Feedback:
        """The found reason chosen again: the rules decide again once it is in."""
        unit.found_reason = None
        unit.suggested_disposition = unit.disposition = unit.destination = None
        unit.approved_by = None
        return Feedback.good("Choose the found reason: press its number.")

    def found_reason(self, unit: ReturnUnit, code: str) -> Feedback:
        if code not in self.pack.reasons:
            raise Refusal(f"Reason {code} is not in the rule pack: see the command sheet.")
        unit.found_reason = code
        return self._redecide(unit, f"Found reason: {self.pack.reasons[code]}.")

    def _redecide(self, unit: ReturnUnit, said: str) -> Feedback:
        """(Re)compute the rules' disposition once grade and found reason are known."""
        if unit.grade is None or unit.found_reason is None or unit.item is None:
            return Feedback.good(said)
        questions = {q.id: q for q in self.questions(unit)}
        failed = [questions[a.question] for a in unit.answers if a.passed is False]
        decision = decide(
            self.pack,
            Facts(
                sku=unit.item.sku,
                category=unit.item.category,
                grade=unit.grade,
                found_reason=unit.found_reason,
                value_cents=unit.item.unit_value_cents,
                policy=policy_verdict(unit),
                checklist="failed" if failed else "passed",
                forced=tuple((q.id, q.forces) for q in failed if q.forces),
            ),
        )
        unit.suggested_disposition = unit.disposition = decision.disposition
        unit.destination = decision.destination
        unit.disposition_trace = [s.as_dict() for s in decision.trace]
        unit.rulepack_version = decision.version
        unit.approved_by = None
        label = self.pack.dispositions[decision.disposition].label
        return Feedback.good(f"{said} Rules say {label}: {decision.why}.")

    def override(
        self, session: Session, unit: ReturnUnit, code: str, operator: SignedIn
    ) -> Feedback:
        target = self.pack.dispositions.get(code)
        if target is None:
            raise Refusal(f"Disposition {code} is not in the rule pack.")
        said = unit.suggested_disposition
        unit.disposition, unit.destination, unit.approved_by = code, target.destination, None
        note = f"Overridden by {operator.name}; rules said {said}"
        unit.disposition_trace = [
            *unit.disposition_trace,
            {"rule": "override", "matched": True, "note": note},
        ]
        audit_work(session, unit, operator.badge, "override_requested", to=code, rules_said=said)
        if self.approval_needed(unit, operator):
            return Feedback.warn(f"Override to {target.label}: a supervisor must approve.")
        return Feedback.good(f"Override to {target.label}.")

    def exception(self, unit: ReturnUnit) -> str | None:
        """Why this unit needs a second pair of eyes: an override or a costly write-off."""
        if unit.disposition is None:
            return None
        if unit.disposition != unit.suggested_disposition:
            return f"override of the rules ({unit.suggested_disposition} → {unit.disposition})"
        value = unit.item.unit_value_cents if unit.item else 0
        target = self.pack.dispositions[unit.disposition]
        if target.value_approval and value > self.writeoff_limit_cents:
            label = target.label.lower()
            return f"{label} of {value / 100:.2f}, above {self.writeoff_limit_cents // 100}"
        return None

    def approval_needed(self, unit: ReturnUnit, operator: SignedIn | None) -> str | None:
        """What a supervisor must approve before ``operator`` may record the unit, if anything."""
        if unit.status != UnitStatus.OPEN or unit.approved_by:
            return None
        if operator is not None and operator.role is Role.SUPERVISOR:
            return None
        return self.exception(unit)

    def approve(
        self, session: Session, unit: ReturnUnit, who: SignedIn, operator: SignedIn | None
    ) -> Feedback:
        reason = self.approval_needed(unit, operator)
        if reason is None:
            raise Refusal("Nothing waits for approval.")
        require(who, Role.SUPERVISOR, action=f"approve the {reason}")
        unit.approved_by = who.badge
        audit_work(session, unit, who.badge, "approved", what=reason, disposition=unit.disposition)
        return Feedback.good(f"Approved by {who.name}. CONFIRM to record.")
