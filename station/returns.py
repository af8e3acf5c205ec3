"""The returns bench: identify, check the policy, inspect, grade, decide, route, record.

Every intent (a scan, a key) runs in one unit of work together with the row of the scan
that caused it; only after that commit does the operator get the green tone. The step the
bench is at is derived from the open return unit on disk, so a bench that crashed resumes
where it was. Roles are enforced here, not in the UI.
"""

import hashlib
import logging
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, joinedload, selectinload

from station import settings as S
from station.disposition import Facts, decide
from station.errors import NotAllowed, Refusal
from station.feedback import Feedback, Tone
from station.lookup import IDENTIFYING, ITEM_KINDS, Candidate, find_lines, item_for, matches_item
from station.operators import Role, SignedIn, by_badge, by_pin, require
from station.policy import RepeatLimit, check_policy
from station.recording import audit, last_label, queue_label, record_scan, utcnow
from station.returns_events import finish_return, finish_triage
from station.returns_undo import undo_step
from station.returns_view import BenchView, Step, unit_view
from station.rulepack import Question, RulePack
from station.scans import Classified, Classifier, Scan, ScanKind
from station.store.engine import Store
from station.store.schema import ChecklistAnswer, Photo, ReturnUnit, RmaLine

log = logging.getLogger("station.returns")
BENCH_ROLES = (Role.INSPECTOR, Role.SUPERVISOR)
UNIT_GRAPH = (
    joinedload(ReturnUnit.line).joinedload(RmaLine.rma),
    joinedload(ReturnUnit.line).joinedload(RmaLine.item),
    joinedload(ReturnUnit.item),
    selectinload(ReturnUnit.answers),
    selectinload(ReturnUnit.photos),
)


@dataclass
class _Memory:
    """What the bench holds between scans that is not yet a row: candidates and the like."""

    unit_id: str | None = None
    last_unit_id: str | None = None
    candidates: list[Candidate] = field(default_factory=list)
    item_confirmed: bool = False
    serial: str | None = None
    unknown: Classified | None = None


class ReturnsBench:
    def __init__(
        self,
        store: Store,
        settings: S.Settings,
        pack: RulePack,
        photos: Path,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.store = store
        self.pack = pack
        self.photos = photos
        self.today = today
        self.bench = settings[S.BENCH_ID]
        self.classifier = Classifier(settings)
        self.duplicate_window = settings[S.DUPLICATE_WINDOW_MS] / 1000
        self.writeoff_limit_cents = settings[S.WRITEOFF_APPROVAL_ABOVE] * 100
        self.repeat = RepeatLimit(
            settings[S.REPEAT_RETURNER_DAYS], settings[S.REPEAT_RETURNER_LIMIT]
        )
        self.operator: SignedIn | None = None
        self.mem = _Memory(unit_id=self._open_unit_id())
        self._last_scan: Scan | None = None

    # --- intents --------------------------------------------------------------------------

    def handle(self, scan: Scan) -> Feedback:
        """One scan, from any device: classified, applied and recorded, or refused."""
        classified = self.classifier.classify(scan)
        if self._is_duplicate(scan):
            return self._log_only(
                classified,
                "duplicate",
                Feedback(Tone.DUPLICATE, f"Duplicate ignored: {classified.value}"),
            )
        self._last_scan = scan
        if classified.rejected:
            assert classified.problem is not None
            return self._log_only(classified, "rejected", Feedback.bad(classified.problem))
        return self._apply(classified, lambda session: self._advance(session, classified))

    def press(self, code: str) -> Feedback:
        """The keyboard twin of a command barcode, e.g. ``press("GRADE-B")``."""
        return self.handle(Scan("@" + code, source="keyboard"))

    def pick(self, number: int) -> Feedback:
        """A number key: a candidate, a found reason or a disposition, by the step."""
        step = self.step()
        if step is Step.REASON and 1 <= number <= len(self.pack.reasons):
            return self.press("REASON-" + list(self.pack.reasons)[number - 1])
        if step is Step.DECIDE and 1 <= number <= len(self.pack.dispositions):
            return self.press("DISP-" + list(self.pack.dispositions)[number - 1])
        if step is Step.CHOOSE and 1 <= number <= len(self.mem.candidates):
            chosen = self.mem.candidates[number - 1]
            keyed = Classified(
                Scan(f"#{number}", source="keyboard"), ScanKind.RMA, chosen.rma_number
            )
            return self._apply(keyed, lambda session: self._start(session, chosen, keyed))
        return Feedback.bad(f"Nothing to pick with {number} at this step.")

    def sign_in_pin(self, pin: str) -> Feedback:
        with self.store.read() as session:
            who = by_pin(session, pin)
        if who is None:
            return Feedback.bad("PIN not recognised.")
        return self._sign_in(who)

    def approve_with_pin(self, pin: str) -> Feedback:
        with self.store.read() as session:
            who = by_pin(session, pin)
        if who is None:
            return Feedback.bad("PIN not recognised.")
        keyed = Classified(Scan("PIN", source="keyboard"), ScanKind.BADGE, who.badge)
        return self._apply(keyed, lambda session: self._approve(session, self._unit(session), who))

    def sign_out(self) -> Feedback:
        if self.operator is None:
            return Feedback.bad("Nobody is signed in.")
        if self.mem.unit_id is not None:
            return Feedback.bad("Finish (@CONFIRM) or cancel (@CANCEL) the return first.")
        with self.store.unit() as session:
            audit(
                session,
                bench=self.bench,
                operator=self.operator.badge,
                action="sign_out",
                subject=self.operator.badge,
            )
        self.operator = None
        return Feedback.good("Signed out.")

    def save_notes(self, text: str) -> Feedback:
        if self.mem.unit_id is None:
            return Feedback.bad("Notes belong to a return: scan one first.")
        with self.store.unit() as session:
            self._unit(session).notes = text
        return Feedback.good("Notes saved.")

    def add_photo(self, source: Path) -> Feedback:
        if self.mem.unit_id is None or self.operator is None:
            return Feedback.bad("Photos belong to a return: scan one first.")
        data = source.read_bytes()
        folder = self.photos / self.mem.unit_id
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{uuid.uuid4()}{source.suffix.lower()}"
        shutil.copyfile(source, target)
        with self.store.unit() as session:
            session.add(
                Photo(
                    unit_id=self.mem.unit_id,
                    path=str(target),
                    sha256=hashlib.sha256(data).hexdigest(),
                    taken_at=utcnow(),
                )
            )
            audit(
                session,
                bench=self.bench,
                operator=self.operator.badge,
                action="photo_added",
                subject=self.mem.unit_id,
                file=target.name,
            )
        return Feedback.good(f"Photo added ({source.name}).")

    # --- what the screen shows ------------------------------------------------------------

    def step(self) -> Step:
        with self.store.read() as session:
            return self._step(self._unit_or_none(session))

    def view(self) -> BenchView:
        with self.store.read() as session:
            unit = self._unit_or_none(session)
            step = self._step(unit)
            last = session.get(ReturnUnit, self.mem.last_unit_id) if self.mem.last_unit_id else None
            return BenchView(
                bench=self.bench,
                operator=self.operator,
                step=step,
                prompt=self._prompt(step, unit),
                candidates=tuple(c.label for c in self.mem.candidates),
                unit=unit_view(unit, self.pack, self._questions(unit)) if unit else None,
                last=unit_view(last, self.pack, self._questions(last)) if last else None,
                approval_reason=self._approval_needed(unit) if unit else None,
                reasons=tuple(self.pack.reasons.items()),
                dispositions=tuple((d.code, d.label) for d in self.pack.dispositions.values()),
            )

    # --- the machinery of one intent ------------------------------------------------------

    def _apply(self, classified: Classified, change: Callable[[Session], Feedback]) -> Feedback:
        before = replace(self.mem, candidates=list(self.mem.candidates))
        try:
            with self.store.unit() as session:
                feedback = change(session)
                record_scan(
                    session,
                    classified,
                    bench=self.bench,
                    operator=self._badge(),
                    outcome="accepted",
                    message=feedback.message,
                    unit_id=self.mem.unit_id or self.mem.last_unit_id,
                )
            return feedback
        except NotAllowed as refused:
            self.mem = before
            return self._log_only(classified, "refused", Feedback.bad(str(refused)), refused=True)
        except Refusal as refused:
            self.mem = before
            return self._log_only(classified, "refused", Feedback.bad(str(refused)))
        except (SQLAlchemyError, OSError) as exc:
            self.mem = before
            log.exception("scan %r not recorded", classified.scan.raw)
            return Feedback.bad(
                f"NOT RECORDED: the local database failed ({exc}). "
                "Scan again; call a supervisor if it repeats."
            )

    def _log_only(
        self, classified: Classified, outcome: str, feedback: Feedback, refused: bool = False
    ) -> Feedback:
        try:
            with self.store.unit() as session:
                record_scan(
                    session,
                    classified,
                    bench=self.bench,
                    operator=self._badge(),
                    outcome=outcome,
                    message=feedback.message,
                    unit_id=self.mem.unit_id,
                )
                if refused and self.operator is not None:
                    audit(
                        session,
                        bench=self.bench,
                        operator=self.operator.badge,
                        action="refused",
                        subject=classified.value,
                        reason=feedback.message,
                    )
        except (SQLAlchemyError, OSError) as exc:
            log.exception("scan %r not logged", classified.scan.raw)
            return Feedback.bad(f"{feedback.message} (and NOT RECORDED: {exc})")
        return feedback

    def _is_duplicate(self, scan: Scan) -> bool:
        last = self._last_scan
        return (
            last is not None
            and scan.source != "keyboard"
            and last.raw == scan.raw
            and scan.at - last.at < self.duplicate_window
        )

    def _badge(self) -> str | None:
        return self.operator.badge if self.operator else None

    def _open_unit_id(self) -> str | None:
        with self.store.read() as session:
            return session.scalar(
                select(ReturnUnit.id).where(
                    ReturnUnit.bench == self.bench, ReturnUnit.status == "open"
                )
            )

    def _unit_or_none(self, session: Session) -> ReturnUnit | None:
        if self.mem.unit_id is None:
            return None
        # Every step reads the line, item, RMA and answers: one query, not five lazy ones.
        return session.get(ReturnUnit, self.mem.unit_id, options=UNIT_GRAPH)

    def _unit(self, session: Session) -> ReturnUnit:
        unit = self._unit_or_none(session)
        if unit is None:
            raise Refusal("No return in progress: scan one first.")
        return unit

    def _questions(self, unit: ReturnUnit) -> tuple[Question, ...]:
        return self.pack.checklist(unit.item.category) if unit.item and unit.line else ()

    def _sign_in(self, who: SignedIn) -> Feedback:
        try:
            require(who, *BENCH_ROLES, action="work the returns bench")
        except NotAllowed as refused:
            return Feedback.bad(str(refused))
        with self.store.unit() as session:
            audit(
                session, bench=self.bench, operator=who.badge, action="sign_in", subject=who.badge
            )
        self.operator = who
        return Feedback.good(f"Welcome, {who.name}.")

    # --- the steps --------------------------------------------------------------------------

    def _step(self, unit: ReturnUnit | None) -> Step:
        if self.operator is None:
            return Step.SIGN_IN
        if unit is None:
            if not self.mem.candidates:
                return Step.IDENTIFY
            return Step.CHOOSE if self.mem.item_confirmed else Step.ITEM
        if unit.line is None:
            return Step.TRIAGE
        if unit.line.item.serial_tracked and unit.serial is None:
            return Step.SERIAL
        if self._next_question(unit) is not None:
            return Step.CHECKLIST
        if unit.grade is None:
            return Step.GRADE
        if unit.found_reason is None:
            return Step.REASON
        return Step.APPROVAL if self._approval_needed(unit) else Step.DECIDE

    def _prompt(self, step: Step, unit: ReturnUnit | None) -> str:
        question = self._next_question(unit) if unit else None
        stated = unit.line.stated_reason if unit and unit.line else None
        disposition = self.pack.dispositions.get(unit.disposition or "") if unit else None
        prompts = {
            Step.SIGN_IN: "Scan your badge or enter your PIN",
            Step.IDENTIFY: "Scan the RMA, order, tracking number or the item",
            Step.ITEM: "Scan the item (GTIN or serial) to confirm it",
            Step.CHOOSE: "Several returns match: press its number or scan its RMA",
            Step.SERIAL: "Scan the serial number",
            Step.CHECKLIST: f"{question.text if question else ''}  YES / NO / SKIP",
            Step.GRADE: "Grade the condition: A B C D E",
            Step.REASON: f"Found reason? Customer said {stated}. CONFIRM to agree",
            Step.DECIDE: f"{disposition.label if disposition else ''}: CONFIRM to record",
            Step.APPROVAL: "Supervisor: scan your badge or enter your PIN",
            Step.TRIAGE: "No RMA: add notes and photos, then CONFIRM to send to triage",
        }
        return prompts[step]

    def _next_question(self, unit: ReturnUnit) -> Question | None:
        answered = {a.question for a in unit.answers}
        return next((q for q in self._questions(unit) if q.id not in answered), None)

    def _approval_needed(self, unit: ReturnUnit) -> str | None:
        """What a supervisor must approve before this unit can be recorded, if anything."""
        if unit.status != "open" or unit.approved_by:
            return None
        if self.operator is not None and self.operator.role is Role.SUPERVISOR:
            return None
        return self._rule_exception(unit)

    def _rule_exception(self, unit: ReturnUnit) -> str | None:
        """Why this unit needs a second pair of eyes: an override, a costly write-off."""
        if unit.disposition is None:
            return None
        if unit.disposition != unit.suggested_disposition:
            return f"override of the rules ({unit.suggested_disposition} → {unit.disposition})"
        value = unit.item.unit_value_cents if unit.item else 0
        if unit.disposition == "WRITEOFF" and value > self.writeoff_limit_cents:
            return f"write-off of {value / 100:.2f}, above {self.writeoff_limit_cents // 100}"
        return None

    def _advance(self, session: Session, scan: Classified) -> Feedback:
        if self.operator is None:
            if scan.kind is not ScanKind.BADGE:
                raise Refusal("Sign in first: scan your badge or enter your PIN.")
            return self._badge_sign_in(session, scan)
        unit = self._unit_or_none(session)
        step = self._step(unit)
        if scan.kind is ScanKind.BADGE:
            who = by_badge(session, scan.value)
            if who is None:
                raise Refusal(f"Badge {scan.value} is not known at this bench.")
            if step is Step.APPROVAL:
                assert unit is not None
                return self._approve(session, unit, who)
            if unit is not None:
                raise Refusal("Finish or cancel the return before another operator signs in.")
            return self._badge_sign_in(session, scan)
        if scan.kind is ScanKind.COMMAND:
            return self._command(session, scan.value, step, unit)
        if step in (Step.IDENTIFY, Step.ITEM, Step.CHOOSE) and scan.kind in IDENTIFYING:
            return self._identify(session, scan, step)
        if (
            step is Step.SERIAL
            and unit is not None
            and scan.kind in (ScanKind.SERIAL, ScanKind.GS1)
        ):
            return self._serial(session, unit, scan.serial or scan.value)
        raise Refusal(f"A {scan.kind.value} is not expected now. {self._prompt(step, unit)}.")

    def _badge_sign_in(self, session: Session, scan: Classified) -> Feedback:
        who = by_badge(session, scan.value)
        if who is None:
            raise Refusal(f"Badge {scan.value} is not known at this bench.")
        require(who, *BENCH_ROLES, action="work the returns bench")
        audit(session, bench=self.bench, operator=who.badge, action="sign_in", subject=who.badge)
        self.operator = who
        return Feedback.good(f"Welcome, {who.name}.")

    def _identify(self, session: Session, scan: Classified, step: Step) -> Feedback:
        if step is not Step.IDENTIFY and scan.kind in ITEM_KINDS:
            fitting = [c for c in self.mem.candidates if matches_item(c, session, scan)]
            if not fitting:
                expected = ", ".join(sorted({c.sku for c in self.mem.candidates}))
                raise Refusal(f"This item is not on the return: expected {expected}.")
            return self._narrowed(session, scan, fitting, item_confirmed=True)
        candidates = find_lines(session, scan)
        if not candidates:
            self.mem = _Memory(last_unit_id=self.mem.last_unit_id, unknown=scan)
            item = item_for(session, scan)
            known = f" ({item.sku} {item.name})" if item else ""
            return Feedback.warn(
                f"No RMA found for {scan.value}{known}. "
                "Scan TRIAGE to send it to triage, or scan another code."
            )
        if self.mem.candidates and step is not Step.IDENTIFY:
            kept = [c for c in self.mem.candidates if c in candidates]
            if kept:
                return self._narrowed(session, scan, kept, item_confirmed=self.mem.item_confirmed)
        return self._narrowed(session, scan, candidates, item_confirmed=scan.kind in ITEM_KINDS)

    def _narrowed(
        self, session: Session, scan: Classified, candidates: list[Candidate], item_confirmed: bool
    ) -> Feedback:
        serial = scan.serial or self.mem.serial
        self.mem = _Memory(
            last_unit_id=self.mem.last_unit_id,
            candidates=candidates,
            item_confirmed=item_confirmed,
            serial=serial,
        )
        if len(candidates) == 1 and item_confirmed:
            return self._start(session, candidates[0], scan)
        if item_confirmed:
            return Feedback.warn(f"{len(candidates)} returns match: pick one.")
        return Feedback.good(f"{candidates[0].rma_number}: scan the item to confirm it.")

    def _start(self, session: Session, chosen: Candidate, scan: Classified) -> Feedback:
        operator = require(self.operator, *BENCH_ROLES, action="inspect returns")
        unit = ReturnUnit(
            id=str(uuid.uuid4()),
            status="open",
            bench=self.bench,
            operator=operator.badge,
            started_at=utcnow(),
            rma_line_id=chosen.line_id,
            sku=chosen.sku,
            serial=self.mem.serial,
            identified_by=scan.scan.raw,
        )
        session.add(unit)
        session.flush()
        self.mem = _Memory(unit_id=unit.id, last_unit_id=self.mem.last_unit_id)
        audit(
            session,
            bench=self.bench,
            operator=operator.badge,
            action="return_started",
            subject=unit.id,
            rma=chosen.rma_number,
            line=chosen.line_no,
        )
        if unit.serial is not None or (not chosen.serial and not self._serial_tracked(unit)):
            return self._check_policy(session, unit, f"{chosen.rma_number} line {chosen.line_no}")
        return Feedback.good(f"{chosen.rma_number} line {chosen.line_no}: scan the serial.")

    def _serial_tracked(self, unit: ReturnUnit) -> bool:
        return bool(unit.line and unit.line.item.serial_tracked)

    def _serial(self, session: Session, unit: ReturnUnit, serial: str) -> Feedback:
        unit.serial = serial.upper()
        return self._check_policy(session, unit, f"Serial {unit.serial}")

    def _check_policy(self, session: Session, unit: ReturnUnit, what: str) -> Feedback:
        assert unit.line is not None
        now = utcnow()
        result = check_policy(
            session,
            unit.line,
            serial=unit.serial,
            unit_id=unit.id,
            today=self.today(),
            now=now,
            repeat=self.repeat,
        )
        unit.policy_verdict = result.verdict
        unit.policy_trace = [v.as_dict() for v in result.trace]
        if result.verdict == "pass":
            return Feedback.good(f"{what}: policy passed.")
        problems = "; ".join(v.detail for v in result.trace if v.outcome != "pass")
        return Feedback.warn(f"{what}: policy {result.verdict.upper()}: {problems}")

    def _command(
        self, session: Session, code: str, step: Step, unit: ReturnUnit | None
    ) -> Feedback:
        word, _, argument = code.partition("-")
        operator = require(self.operator, *BENCH_ROLES, action="work the returns bench")
        if word == "CANCEL":
            return self._cancel(session, unit, operator)
        if word == "UNDO":
            return self._undo(session, unit, operator)
        if word == "PRINT":
            return self._reprint(session, operator)
        if word == "NEXT":
            if unit is not None:
                raise Refusal("Finish (CONFIRM) or cancel (CANCEL) the return first.")
            self.mem = _Memory()
            return Feedback.good("Ready for the next return.")
        if word == "TRIAGE" and step in (Step.IDENTIFY, Step.ITEM, Step.CHOOSE):
            return self._start_triage(session, operator)
        if unit is None:
            raise Refusal(f"{code} needs a return in progress: {self._prompt(step, unit)}.")
        if word in ("YES", "NO", "SKIP") and step is Step.CHECKLIST:
            return self._answer(unit, word.lower())
        if word == "GRADE" and step in (Step.GRADE, Step.DECIDE, Step.APPROVAL):
            unit.grade = argument
            return self._redecide(unit, f"Grade {argument}.")
        if word == "REASON" and step in (Step.REASON, Step.DECIDE, Step.APPROVAL):
            return self._found_reason(unit, argument)
        if word == "CONFIRM" and step is Step.REASON and unit.line is not None:
            return self._found_reason(unit, unit.line.stated_reason)
        if word == "DISP" and step in (Step.DECIDE, Step.APPROVAL):
            return self._override(session, unit, argument, operator)
        if word == "CONFIRM" and step is Step.DECIDE:
            if self._rule_exception(unit) and unit.approved_by is None:
                unit.approved_by = operator.badge  # a supervisor's own decision is approved
            feedback = finish_return(session, unit, operator, self.pack, self._questions(unit))
            self.mem = _Memory(last_unit_id=unit.id)
            return feedback
        if word == "CONFIRM" and step is Step.TRIAGE:
            feedback = finish_triage(session, unit, operator, self.pack)
            self.mem = _Memory(last_unit_id=unit.id)
            return feedback
        if word == "CONFIRM" and step is Step.APPROVAL:
            raise Refusal(f"A supervisor must approve the {self._approval_needed(unit)} first.")
        raise Refusal(f"{code} does not fit this step. {self._prompt(step, unit)}.")

    def _answer(self, unit: ReturnUnit, answer: str) -> Feedback:
        question = self._next_question(unit)
        assert question is not None
        passed = None if answer == "skip" else question.passes(answer)
        unit.answers.append(ChecklistAnswer(question=question.id, answer=answer, passed=passed))
        if passed is False:
            effects = [
                f"forces {question.forces}" if question.forces else "",
                f"suggests {question.suggests_reason}" if question.suggests_reason else "",
                "blocks the refund" if question.blocks_refund else "",
            ]
            said = ", ".join(e for e in effects if e)
            return Feedback.warn(
                f"{question.text} {answer.upper()}: failed" + (f" ({said})." if said else ".")
            )
        return Feedback.good(f"{question.text} {answer.upper()}")

    def _found_reason(self, unit: ReturnUnit, code: str) -> Feedback:
        if code not in self.pack.reasons:
            raise Refusal(f"Reason {code} is not in the rule pack: see the command sheet.")
        unit.found_reason = code
        return self._redecide(unit, f"Found reason: {self.pack.reasons[code]}.")

    def _redecide(self, unit: ReturnUnit, said: str) -> Feedback:
        """(Re)compute the rules' disposition once grade and found reason are known."""
        if unit.grade is None or unit.found_reason is None or unit.item is None:
            return Feedback.good(said)
        questions = {q.id: q for q in self._questions(unit)}
        failed = [questions[a.question] for a in unit.answers if a.passed is False]
        decision = decide(
            self.pack,
            Facts(
                sku=unit.item.sku,
                category=unit.item.category,
                grade=unit.grade,
                found_reason=unit.found_reason,
                value_cents=unit.item.unit_value_cents,
                policy=unit.policy_verdict or "pass",
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

    def _override(
        self, session: Session, unit: ReturnUnit, code: str, operator: SignedIn
    ) -> Feedback:
        target = self.pack.dispositions.get(code)
        if target is None:
            raise Refusal(f"Disposition {code} is not in the rule pack.")
        unit.disposition = code
        unit.destination = target.destination
        unit.approved_by = None
        unit.disposition_trace = [
            *unit.disposition_trace,
            {
                "rule": "override",
                "matched": True,
                "note": f"Overridden by {operator.name}; rules said {unit.suggested_disposition}",
            },
        ]
        audit(
            session,
            bench=self.bench,
            operator=operator.badge,
            action="override_requested",
            subject=unit.id,
            to=code,
            rules_said=unit.suggested_disposition,
        )
        if self._approval_needed(unit):
            return Feedback.warn(f"Override to {target.label}: a supervisor must approve.")
        return Feedback.good(f"Override to {target.label}.")

    def _approve(self, session: Session, unit: ReturnUnit, who: SignedIn) -> Feedback:
        reason = self._approval_needed(unit)
        if reason is None:
            raise Refusal("Nothing waits for approval.")
        require(who, Role.SUPERVISOR, action=f"approve the {reason}")
        unit.approved_by = who.badge
        audit(
            session,
            bench=self.bench,
            operator=who.badge,
            action="approved",
            subject=unit.id,
            what=reason,
            disposition=unit.disposition,
        )
        return Feedback.good(f"Approved by {who.name}. CONFIRM to record.")

    def _cancel(self, session: Session, unit: ReturnUnit | None, operator: SignedIn) -> Feedback:
        if unit is None:
            if not self.mem.candidates and self.mem.unknown is None:
                raise Refusal("Nothing to cancel.")
            self.mem = _Memory(last_unit_id=self.mem.last_unit_id)
            return Feedback.good("Cleared.")
        unit.status = "cancelled"
        unit.finished_at = utcnow()
        audit(
            session,
            bench=self.bench,
            operator=operator.badge,
            action="return_cancelled",
            subject=unit.id,
        )
        self.mem = _Memory()
        return Feedback.good("Return cancelled.")

    def _undo(self, session: Session, unit: ReturnUnit | None, operator: SignedIn) -> Feedback:
        if unit is None:
            if not self.mem.candidates and self.mem.unknown is None:
                raise Refusal("Nothing to undo: a recorded return is not undone at the bench.")
            self.mem = _Memory(last_unit_id=self.mem.last_unit_id)
            return Feedback.good("Undone: identification.")
        undone = undo_step(session, unit, operator, self.pack)
        if unit.status == "cancelled":
            self.mem = _Memory(last_unit_id=self.mem.last_unit_id)
        return Feedback.good(f"Undone: {undone}.")

    def _reprint(self, session: Session, operator: SignedIn) -> Feedback:
        job = last_label(session, self.bench)
        if job is None:
            raise Refusal("No label printed at this bench yet.")
        queue_label(
            session, bench=self.bench, template=job.template, data={**job.data, "reprint": True}
        )
        audit(
            session,
            bench=self.bench,
            operator=operator.badge,
            action="label_reprinted",
            subject=str(job.data.get("lpn")),
        )
        return Feedback.good(f"Label {job.data.get('lpn')} queued again.")

    def _start_triage(self, session: Session, operator: SignedIn) -> Feedback:
        known = self.mem.unknown
        item = item_for(session, known) if known else None
        unit = ReturnUnit(
            id=str(uuid.uuid4()),
            status="open",
            bench=self.bench,
            operator=operator.badge,
            started_at=utcnow(),
            sku=item.sku if item else None,
            serial=(known.serial or (known.value if known.kind is ScanKind.SERIAL else None))
            if known
            else None,
            identified_by=known.scan.raw if known else "",
        )
        session.add(unit)
        session.flush()
        self.mem = _Memory(unit_id=unit.id, last_unit_id=self.mem.last_unit_id)
        audit(
            session,
            bench=self.bench,
            operator=operator.badge,
            action="triage_started",
            subject=unit.id,
            scanned=unit.identified_by,
        )
        return Feedback.warn("Unexpected return: add notes and photos, then CONFIRM.")
