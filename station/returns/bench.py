"""The returns bench: identify, check the policy, inspect, grade, decide, route, record.

The step the bench is at is derived from the open return unit on disk, so a bench that
crashed resumes where it was; between scans the bench remembers only what is not a row
yet (the candidates a scan found, the code that found nothing). Roles are enforced here,
not in the UI.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from station.bench import Bench
from station.commands import CommandCode
from station.errors import Refusal
from station.feedback import Feedback
from station.items import item_for
from station.label_jobs import last_label, queue_label
from station.operators import Role, SignedIn
from station.recording import utcnow
from station.returns.backlog import Backlog, pull_by_rma, pull_by_tag
from station.returns.events import finish_return, finish_triage
from station.returns.inspection import Inspection
from station.returns.lookup import IDENTIFYING, ITEM_KINDS, Candidate, find_lines, fitting
from station.returns.policy import refusals_of
from station.returns.undo import undo_step
from station.returns.view import BenchView, Step, prompt, unit_view
from station.rulepack import RulePack
from station.scans import Classified, Scan, ScanKind, as_scanned, not_expected
from station.setting_keys import CURRENCY
from station.settings import Settings
from station.site_claims import line_subject
from station.states import UnitStatus
from station.store.engine import Store
from station.store.schema import Item, ReturnUnit, RmaLine

LINE_GRAPH = (joinedload(RmaLine.rma), joinedload(RmaLine.item))
# The unit as every step reads it, in one query: its line, RMA, item and answers. (One
# joined query costs half of what a join plus a separate query for the answers does.)
UNIT_GRAPH = (
    joinedload(ReturnUnit.line).joinedload(RmaLine.rma),
    joinedload(ReturnUnit.line).joinedload(RmaLine.item),
    joinedload(ReturnUnit.answers),
)
FINDING = (Step.IDENTIFY, Step.ITEM, Step.CHOOSE)
TRIAGE_STARTED = Feedback.warn("Unexpected return: add notes and photos, then CONFIRM.")


@dataclass(frozen=True)
class Remembered:
    """What the bench holds between scans that is not a row (yet)."""

    unit_id: str | None = None
    # The unit just recorded, shown (its destination, its label) until the next
    # identification starts: any other memory forgets it, so a new return never shows it.
    last_unit_id: str | None = None
    candidates: tuple[Candidate, ...] = ()
    item_confirmed: bool = False
    serial: str | None = None
    unknown: Classified | None = None


class ReturnsBench(Bench[Remembered]):
    roles = (Role.INSPECTOR, Role.SUPERVISOR)
    work = "work the returns bench"
    mode = "returns"
    finish = "Finish (CONFIRM) or cancel (CANCEL) the return first."

    def __init__(
        self,
        store: Store,
        settings: Settings,
        pack: RulePack,
        photos: Path,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(store, settings, Remembered())
        self.pack = pack
        self.photos = photos
        self.today = today
        self.inspection = Inspection.configured(pack, settings)
        self.backlog = Backlog(store, lambda: self.pack)  # the dock's: what to pull next
        self.currency = settings[CURRENCY]
        with store.read() as session:
            open_unit = session.scalar(
                select(ReturnUnit.id).where(
                    ReturnUnit.bench == self.bench_id, ReturnUnit.status == UnitStatus.OPEN
                )
            )
        self.mem = Remembered(unit_id=open_unit)

    # --- intents beyond a scan ----------------------------------------------------------

    def use_pack(self, pack: RulePack) -> None:
        """Works by ``pack`` from the next unit on (the site put it in force); a unit open
        now is finished by the pack it was started with, so the caller waits for none."""
        assert not self.busy(), "a rule pack changes between two units"
        self.pack = pack
        self.inspection = replace(self.inspection, pack=pack)

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

    def approve_with_pin(self, pin: str) -> Feedback:
        return self._with_pin(
            pin, lambda session, who: self._approve(session, self._unit(session), who)
        )

    def save_notes(self, text: str) -> Feedback:
        unit_id = self.mem.unit_id
        if unit_id is None or self.operator is None:
            return Feedback.bad("Notes belong to a return: sign in and scan one first.")

        def write(session: Session) -> None:
            self._unit(session).notes = text
            self.audit(session, "notes_saved", unit_id)

        return self._record("the notes", write) or Feedback.good("Notes saved.")

    def add_photo(self, source: Path) -> Feedback:
        unit_id = self.mem.unit_id
        if unit_id is None or self.operator is None:
            return Feedback.bad("Photos belong to a return: scan one first.")
        return self._keep_photo(source, self.photos / unit_id, unit_id, {"unit_id": unit_id})

    # --- what the screen shows ----------------------------------------------------------

    def step(self) -> Step:
        with self.store.read() as session:
            return self._step(self._unit_or_none(session))

    def view(self) -> BenchView:
        with self.store.read() as session:
            unit = self._unit_or_none(session)
            step = self._step(unit)
            last = session.get(ReturnUnit, self.mem.last_unit_id) if self.mem.last_unit_id else None
            questions = self.inspection.questions
            return BenchView(
                bench=self.bench_id,
                operator=self.operator,
                step=step,
                prompt=self._prompt(step, unit),
                candidates=tuple(c.label for c in self.mem.candidates),
                unit=unit_view(session, unit, self.pack, questions(unit)) if unit else None,
                last=unit_view(session, last, self.pack, questions(last)) if last else None,
                approval_reason=self._approval_reason(step, unit),
                reasons=tuple(self.pack.reasons.items()),
                dispositions=tuple((d.code, d.label) for d in self.pack.dispositions.values()),
                next_parcel=(
                    self.backlog.next_said(session, self.currency)
                    if step is Step.IDENTIFY
                    else None
                ),
            )

    def _approval_reason(self, step: Step, unit: ReturnUnit | None) -> str | None:
        if unit is None:
            return None
        if step is Step.POLICY and unit.line is not None:
            return f"accepting this unit against {unit.line.rma_number}, which cannot take it"
        return self.inspection.approval_needed(unit, self.operator)

    # --- the bench's own answers to the base class --------------------------------------

    def busy(self) -> bool:
        return self.mem.unit_id is not None

    def _subject(self) -> dict[str, str | None]:
        return {"unit_id": self.mem.unit_id or self.mem.last_unit_id}

    def _open_work(self, session: Session) -> str | None:
        unit = self._unit_or_none(session)
        if unit is None:
            return None
        step = self._work_step(unit)
        if unit.line is not None:
            return f"{unit.line.rma_number} line {unit.line.line_no} is open at step {step}"
        what = "An unexpected return" if step is Step.TRIAGE else "A return"
        return f"{what} is open at step {step}"

    def _cancel_loses_work(self, session: Session) -> bool:  # noqa: ARG002 (the memory tells)
        return self.mem.unit_id is not None

    def _unit_or_none(self, session: Session) -> ReturnUnit | None:
        if self.mem.unit_id is None:
            return None
        return session.get(ReturnUnit, self.mem.unit_id, options=UNIT_GRAPH)

    def _unit(self, session: Session) -> ReturnUnit:
        unit = self._unit_or_none(session)
        if unit is None:
            raise Refusal("No return in progress: scan one first.")
        return unit

    def _step(self, unit: ReturnUnit | None) -> Step:
        return Step.SIGN_IN if self.operator is None else self._work_step(unit)

    def _work_step(self, unit: ReturnUnit | None) -> Step:
        """Where the work stands, whoever is signed in (or nobody, after a restart)."""
        if unit is None:
            if not self.mem.candidates:
                return Step.IDENTIFY
            return Step.CHOOSE if self.mem.item_confirmed else Step.ITEM
        if unit.line is None:
            return Step.TRIAGE
        if unit.line.item.serial_tracked and unit.serial is None:
            return Step.SERIAL
        if refusals_of(unit):
            return Step.POLICY
        if self.inspection.next_question(unit) is not None:
            return Step.CHECKLIST
        if unit.grade is None:
            return Step.GRADE
        if unit.found_reason is None:
            return Step.REASON
        return (
            Step.APPROVAL if self.inspection.approval_needed(unit, self.operator) else Step.DECIDE
        )

    def _prompt(self, step: Step, unit: ReturnUnit | None) -> str:
        question = self.inspection.next_question(unit) if unit else None
        return prompt(step, unit, self.pack, question)

    def _advance(self, session: Session, scan: Classified) -> Feedback:
        unit = self._unit_or_none(session)
        step = self._step(unit)
        if scan.kind is ScanKind.BADGE:
            who = self._badge_holder(session, scan)
            if step in (Step.APPROVAL, Step.POLICY) and unit is not None:
                return self._approve(session, unit, who)
            return self._sign_in(session, who)
        if scan.command is not None:
            return self._command(session, scan.command, step, unit)
        if step in FINDING and scan.kind in IDENTIFYING:
            return self._identify(session, scan, step)
        if (
            step is Step.SERIAL
            and unit is not None
            and scan.serial is not None  # a serial, or a GS1 code carrying one (AI 21)
        ):
            unit.serial = scan.serial
            return self.inspection.check_policy(
                session, unit, self.today(), f"Serial {unit.serial}"
            )
        raise Refusal(not_expected(scan.kind, self._prompt(step, unit)))

    def _approve(self, session: Session, unit: ReturnUnit, who: SignedIn) -> Feedback:
        """A supervisor's badge or PIN: accepting a unit its line cannot take, or approving
        an exception, by what the unit waits for."""
        if self._step(unit) is Step.POLICY:
            return self.inspection.accept_on_rma(session, unit, who)
        return self.inspection.approve(session, unit, who, self.operator)

    def _sign_in(self, session: Session, who: SignedIn) -> Feedback:
        welcome = super()._sign_in(session, who)
        unit = self._unit_or_none(session)
        if unit is None or unit.operator == who.badge:
            return welcome
        # A bench that restarted, or a shift that changed, mid-return: say who carries on.
        self.audit(session, "took_over", unit.id, by=who.badge, started_by=unit.operator)
        return Feedback.warn(f"{welcome.message} You carry on the return {unit.operator} started.")

    # --- finding the return -------------------------------------------------------------

    def _identify(self, session: Session, scan: Classified, step: Step) -> Feedback:
        if step is not Step.IDENTIFY and scan.kind in ITEM_KINDS:
            matching = fitting(session, self.mem.candidates, scan)
            if not matching:
                expected = ", ".join(sorted({c.sku for c in self.mem.candidates}))
                raise Refusal(f"This item is not on the return: expected {expected}.")
            return self._narrowed(session, scan, matching, item_confirmed=True)
        if scan.kind is ScanKind.PARCEL:
            return self._pulled(session, scan, step)
        candidates = find_lines(session, scan)
        if not candidates:
            self.mem = Remembered(unknown=scan)
            item = item_for(session, scan)
            known = f" ({item.sku} {item.name})" if item else ""
            return Feedback.warn(
                f"No RMA found for {as_scanned(scan)}{known}. "
                "Scan TRIAGE to send it to triage, or scan another code."
            )
        kept = (
            [c for c in self.mem.candidates if c in candidates] if step is not Step.IDENTIFY else []
        )
        if kept:  # an RMA or order scanned to choose among the candidates of an item scan
            return self._narrowed(session, scan, kept, item_confirmed=self.mem.item_confirmed)
        return self._narrowed(session, scan, candidates, item_confirmed=scan.kind in ITEM_KINDS)

    def _pulled(self, session: Session, scan: Classified, step: Step) -> Feedback:
        """A parcel's tag, scanned as it is pulled from the backlog: off the backlog, and
        its RMA found as if scanned; a parcel with no RMA waits for TRIAGE."""
        parcel = pull_by_tag(session, scan.value, self.bench_id)
        if parcel is None:
            raise Refusal(f"No parcel is tagged {scan.value} at this station.")
        self.audit(session, "parcel_pulled", parcel.tag, rma=parcel.rma_number)
        if parcel.rma_number is None:
            self.mem = Remembered(unknown=scan)
            return Feedback.warn(
                f"{parcel.tag} came with no RMA ({parcel.scanned}). "
                "Scan TRIAGE to send it to triage, or scan a code found inside."
            )
        return self._identify(
            session, replace(scan, kind=ScanKind.RMA, value=parcel.rma_number), step
        )

    def _narrowed(
        self, session: Session, scan: Classified, candidates: list[Candidate], item_confirmed: bool
    ) -> Feedback:
        self.mem = Remembered(
            candidates=tuple(candidates),
            item_confirmed=item_confirmed,
            serial=scan.serial or self.mem.serial,
        )
        if len(candidates) == 1 and item_confirmed:
            return self._start(session, candidates[0], scan)
        if item_confirmed:
            return Feedback.warn(f"{len(candidates)} returns match: pick one.")
        return Feedback.good(f"{candidates[0].rma_number}: scan the item to confirm it.")

    def _start(self, session: Session, chosen: Candidate, scan: Classified) -> Feedback:
        line = session.get(RmaLine, chosen.line_id, options=LINE_GRAPH)
        assert line is not None, "a candidate is a line of the store"
        where = f"{chosen.rma_number} line {chosen.line_no}"
        taken_over = self._claim(session, line_subject(chosen.rma_number, chosen.line_no), where)
        unit = self._open_unit(scan, line=line, item=line.item, serial=self.mem.serial)
        session.add(unit)
        pull_by_rma(session, chosen.rma_number, self.bench_id)
        self.audit(session, "return_started", unit.id, rma=chosen.rma_number, line=chosen.line_no)
        if unit.serial is None and line.item.serial_tracked:
            said = Feedback.good(f"{where}: scan the serial.")
        else:
            said = self.inspection.check_policy(session, unit, self.today(), where)
        return replace(said, message=taken_over + said.message)

    def _start_triage(self, session: Session) -> Feedback:
        known = self.mem.unknown
        item = item_for(session, known) if known else None
        unit = self._open_unit(known, line=None, item=item, serial=known.serial if known else None)
        session.add(unit)
        self.audit(session, "triage_started", unit.id, scanned=unit.identified_by)
        return TRIAGE_STARTED

    def _open_unit(
        self,
        scan: Classified | None,
        *,
        line: RmaLine | None,
        item: Item | None,
        serial: str | None,
    ) -> ReturnUnit:
        """A new unit, written with the scan that opened it when the unit of work commits."""
        assert self.operator is not None
        unit = ReturnUnit(
            id=str(uuid.uuid4()),
            status=UnitStatus.OPEN,
            bench=self.bench_id,
            operator=self.operator.badge,
            started_at=utcnow(),
            line=line,
            item=item,
            serial=serial,
            identified_by=scan.scan.raw if scan else "",
            answers=[],
            photos=[],
        )
        self.mem = Remembered(unit_id=unit.id)
        return unit

    # --- command barcodes ---------------------------------------------------------------

    def _command(
        self, session: Session, command: CommandCode, step: Step, unit: ReturnUnit | None
    ) -> Feedback:
        word, argument = command.word, command.argument
        operator = self.operator
        assert operator is not None
        if word in ("CANCEL", "UNDO", "PRINT", "NEXT"):
            return self._housekeeping(session, word, unit, operator)
        if word == "TRIAGE" and step in FINDING:
            return self._start_triage(session)
        if unit is None:
            raise Refusal(f"{command.code} needs a return in progress: {self._prompt(step, unit)}.")
        inspection = self.inspection
        if word == "TRIAGE" and step is Step.POLICY:
            inspection.to_triage(session, unit, operator)
            return TRIAGE_STARTED
        if word in ("YES", "NO", "SKIP") and step is Step.CHECKLIST:
            return inspection.answer(unit, word.lower())
        if word == "GRADE" and step in (Step.GRADE, Step.DECIDE, Step.APPROVAL):
            return inspection.grade(unit, argument)
        if word == "REASON" and not argument and step in (Step.DECIDE, Step.APPROVAL):
            return inspection.reopen_reason(unit)
        if word == "REASON" and step in (Step.REASON, Step.DECIDE, Step.APPROVAL):
            return inspection.found_reason(unit, argument)
        if word == "CONFIRM" and step is Step.REASON and unit.line is not None:
            return inspection.found_reason(unit, unit.line.stated_reason)
        if word == "DISP" and step in (Step.DECIDE, Step.APPROVAL):
            return inspection.override(session, unit, argument, operator)
        if word == "CONFIRM" and step is Step.DECIDE:
            if inspection.exception(unit) and unit.approved_by is None:
                unit.approved_by = operator.badge  # a supervisor's own decision is approved
            return self._finished(
                unit, finish_return(session, unit, operator, self.pack, inspection.questions(unit))
            )
        if word == "CONFIRM" and step is Step.TRIAGE:
            if not (unit.identified_by or unit.notes.strip() or unit.photos):
                raise Refusal("Nothing tells this unit apart: add notes or a photo first.")
            return self._finished(unit, finish_triage(session, unit, operator, self.pack))
        if word == "CONFIRM" and step is Step.APPROVAL:
            reason = inspection.approval_needed(unit, operator)
            raise Refusal(f"A supervisor must approve the {reason} first.")
        raise Refusal(f"{command.code} does not fit this step. {self._prompt(step, unit)}.")

    def _finished(self, unit: ReturnUnit, feedback: Feedback) -> Feedback:
        self.mem = Remembered(last_unit_id=unit.id)
        return feedback

    def _housekeeping(
        self, session: Session, word: str, unit: ReturnUnit | None, operator: SignedIn
    ) -> Feedback:
        if word == "PRINT":
            return self._reprint(session)
        if word == "NEXT":
            if unit is not None:
                raise Refusal("Finish (CONFIRM) or cancel (CANCEL) the return first.")
            self.mem = Remembered()
            return Feedback.good("Ready for the next return.")
        if unit is None:
            if not self.mem.candidates and self.mem.unknown is None:
                raise Refusal(f"Nothing to {word.lower()}: a recorded return stays recorded.")
            self.mem = Remembered()
            return Feedback.good("Cleared.")
        if word == "UNDO":
            undone = undo_step(session, unit, operator, self.pack)
        else:
            unit.status, unit.finished_at, undone = (
                UnitStatus.CANCELLED,
                utcnow(),
                "return cancelled",
            )
            self.audit(session, "return_cancelled", unit.id)
        if unit.status == UnitStatus.CANCELLED:
            self.mem = Remembered()
        if word == "UNDO":
            return Feedback.good(f"Undone: {undone}.")
        return Feedback.warn("Return cancelled.")

    def _reprint(self, session: Session) -> Feedback:
        job = last_label(session, self.bench_id)
        if job is None:
            raise Refusal("No label printed at this bench yet.")
        queue_label(
            session, bench=self.bench_id, template=job.template, data={**job.data, "reprint": True}
        )
        self.audit(session, "label_reprinted", str(job.data.get("lpn")))
        return Feedback.good(f"Label {job.data.get('lpn')} queued again.")
