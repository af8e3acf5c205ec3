"""The way of a scan at any bench: classify, apply, record, answer.

A bench turns one scan into one unit of work holding the scan's row and whatever the
workflow changed, and answers only after that commit. A refused or rejected scan is
still recorded, raw, with why. The workflow itself (returns, receiving) is a subclass
that says what a scan means at its current step; what it keeps between scans lives in an
immutable memory value, so a failed commit puts the old one back untouched.
"""

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from station import label_jobs, site_claims
from station.errors import NotAllowed, Refusal
from station.feedback import Feedback, Tone
from station.operators import (
    Role,
    SignedIn,
    by_badge,
    by_pin,
    pin_accepted,
    pin_failed,
    pins_locked_out,
    require,
)
from station.photos import NotAPhoto, keep_photo
from station.recording import audit, record_scan, utcnow
from station.scans import Classified, Classifier, Scan, ScanKind, printable
from station.setting_keys import BENCH_ID, DUPLICATE_WINDOW_MS
from station.settings import Settings
from station.states import ScanOutcome
from station.store.engine import Store
from station.store.schema import Photo

log = logging.getLogger("station.bench")
# A CANCEL that throws work away waits for a second one (or a CONFIRM) this long.
CANCEL_AGAIN_S = 5.0
TYPED = "keyboard"  # the source of a code typed at the F2 field, or of a key pressed
# GTIN-8: an all-digit barcode shorter than this is no code a bench reads.
SHORTEST_GTIN = 8
# How much of a scan a line of the station log quotes.
LOGGED_CHARS = 200
Memory = TypeVar("Memory")


class Bench(Generic[Memory]):
    """A bench of one kind; subclasses set ``roles`` and ``work`` and implement ``_advance``."""

    roles: tuple[Role, ...] = ()
    work = "work at this bench"
    mode = "bench"  # what MODE-<mode> switches the station to
    finish = "Finish or cancel the work in progress first."
    handover = False  # whether another operator may sign in while work is open

    def __init__(self, store: Store, settings: Settings, memory: Memory) -> None:
        self.store = store
        self.bench_id = settings[BENCH_ID]
        self.classifier = Classifier(settings)
        self.duplicate_window = settings[DUPLICATE_WINDOW_MS] / 1000
        self.operator: SignedIn | None = None
        self.mem = memory
        self._idle = memory  # what a bench remembers when nobody has started anything
        self._last_scan: Scan | None = None
        self._cancel_asked_at: float | None = None  # a first CANCEL, waiting to be confirmed

    # --- what a subclass says ---------------------------------------------------------------

    def _advance(self, session: Session, scan: Classified) -> Feedback:
        """Apply a valid scan of a signed-in operator to the workflow, or raise Refusal."""
        raise NotImplementedError

    def busy(self) -> bool:
        """True while work is open that another operator must not take over silently."""
        raise NotImplementedError

    def _subject(self) -> dict[str, str | None]:
        """The scan log columns naming the unit or receipt in progress, e.g. ``unit_id``."""
        raise NotImplementedError

    def _open_work(self, session: Session) -> str | None:
        """The work in progress in words (what it is, at which step), or None."""
        raise NotImplementedError

    def _cancel_loses_work(self, session: Session) -> bool:
        """True when CANCEL now would end the work in progress, not just clear a question."""
        raise NotImplementedError

    # --- what the screen and the window ask ------------------------------------------------

    def cancel_waiting(self) -> float | None:
        """Seconds left to confirm a first CANCEL (Esc again or CONFIRM); None if none."""
        if self._cancel_asked_at is None:
            return None
        left = CANCEL_AGAIN_S - (time.monotonic() - self._cancel_asked_at)
        return left if left > 0 else None

    def open_work(self) -> str | None:
        """What is open, e.g. "RMA-10004 line 1 is open at step checklist", or None."""
        with self.store.read() as session:
            return self._open_work(session)

    # --- intents ----------------------------------------------------------------------------

    def handle(self, scan: Scan) -> Feedback:
        """One scan, from any device: classified, applied and recorded, or refused.

        Nothing raises out of here, and every scan gets its row in the scan log: one the
        station breaks on (a bug) changes nothing, is logged as failed with its traceback
        in the station log, and is answered in red, rather than lost behind a crash dialog.
        """
        before, operator = self.mem, self.operator
        typed = scan.raw.strip()
        pin = self.operator is None and _typed_pin(typed, scan.source)
        try:
            if pin:
                self._cancel_asked_at = None
                return self.sign_in_pin(typed)
            return self._take(scan)
        except Exception:
            self.mem, self.operator = before, operator
            if pin:
                scan = Scan(f"PIN attempt ({len(typed)} digits)", source=scan.source, at=scan.at)
            log.exception("the bench failed on the scan %s", _for_log(scan))
            return self._log_failure(scan)

    def _take(self, scan: Scan) -> Feedback:
        classified = self.classifier.classify(scan)
        # Any scan or key but the confirming one lets a first CANCEL lapse.
        cancel_asked, self._cancel_asked_at = self._cancel_asked_at, None
        if self._is_duplicate(scan):
            ignored = Feedback(Tone.DUPLICATE, f"Duplicate ignored: {classified.value}")
            return self._log_only(classified, ScanOutcome.DUPLICATE, ignored)
        self._last_scan = scan
        if classified.rejected:
            assert classified.problem is not None
            return self._log_only(
                classified, ScanOutcome.REJECTED, Feedback.bad(classified.problem)
            )
        return self._apply(
            classified, lambda session: self._route(session, classified, cancel_asked)
        )

    def press(self, code: str) -> Feedback:
        """The keyboard twin of a command barcode, e.g. ``press("GRADE-B")``."""
        return self.handle(Scan("@" + code, source="keyboard"))

    def sign_in_pin(self, pin: str) -> Feedback:
        return self._with_pin(pin, self._sign_in)

    def _with_pin(self, pin: str, act: Callable[[Session, SignedIn], Feedback]) -> Feedback:
        """A PIN typed at the bench stands for its holder's badge; a wrong one is logged
        and counted toward the station's lockout (``station.operators.pins_locked_out``):
        after five wrong PINs the bench takes badges only, so four digits cannot be guessed
        at the approval banner."""
        now = utcnow()
        with self.store.read() as session:
            locked = pins_locked_out(session, self.bench_id, now)
            who = None if locked else by_pin(session, pin)
        if locked:
            return self._log_only(
                Classified(Scan("PIN", source=TYPED), ScanKind.BADGE, "PIN not tried"),
                ScanOutcome.REFUSED,
                Feedback.bad("Too many wrong PINs: scan a badge, or wait a few minutes."),
            )
        keyed = Classified(
            Scan("PIN", source=TYPED), ScanKind.BADGE, who.badge if who else "unknown PIN"
        )
        if who is None:
            counted = self._record(
                "the wrong PIN", lambda session: pin_failed(session, self.bench_id, self.mode, now)
            )
            return counted or self._log_only(
                keyed, ScanOutcome.REFUSED, Feedback.bad("PIN not recognised.")
            )
        ended = self._record("the right PIN", lambda session: pin_accepted(session, self.bench_id))
        return ended or self._apply(keyed, lambda session: act(session, who))

    def sign_out(self) -> Feedback:
        if self.operator is None:
            return Feedback.bad("Nobody is signed in.")
        if self.busy():
            return Feedback.bad(self.finish)
        badge = self.operator.badge
        failed = self._record("sign-out", lambda session: self.audit(session, "sign_out", badge))
        if failed:
            return failed
        self.operator, self.mem = None, self._idle
        return Feedback.good("Signed out.")

    def resend_unsure_labels(self) -> Feedback:
        """Queue again the labels whose sending broke off, once a person has checked the
        printer and found them missing: the one way such a label is printed twice."""
        operator = self.operator
        if operator is None:
            return Feedback.bad("Sign in first: scan your badge or enter your PIN.")
        with self.store.read() as session:
            unsure = label_jobs.unsure_jobs(session, self.bench_id)
        if not unsure:
            return Feedback.bad("No label is waiting for a decision.")

        def requeue(session: Session) -> None:
            label_jobs.requeue(session, unsure)
            self.audit(session, "labels_resent", ",".join(map(str, unsure)))

        return self._record("the reprint", requeue) or Feedback.good(
            f"{len(unsure)} label(s) queued again."
        )

    def hand_over(self) -> SignedIn | None:
        """The station switched to another mode: the operator leaves this bench (in memory
        only; the switch itself is audited by the scan that asked for it)."""
        operator, self.operator, self.mem = self.operator, None, self._idle
        return operator

    def adopt(self, operator: SignedIn | None) -> Feedback | None:
        """The operator of the mode the station left carries on here, if their role may."""
        if operator is None:
            return None
        if operator.role not in self.roles:
            return Feedback.warn(f"{operator.name} may not {self.work}: sign in.")
        self.operator = operator
        return None

    # --- what the bench writes --------------------------------------------------------------

    def audit(
        self, session: Session, action: str, subject: str, *, by: str | None = None, **detail: Any
    ) -> None:
        """An entry in the audit trail at this bench, signed by its operator unless ``by``
        names another badge (a newcomer, a supervisor, someone a role kept out)."""
        operator = by if by is not None else self._badge()
        assert operator is not None, "what is audited is done by someone"
        audit(
            session,
            bench=self.bench_id,
            operator=operator,
            action=action,
            subject=subject,
            **detail,
        )

    def _claim(self, session: Session, subject: str, where: str) -> str:
        """The site's work on ``subject`` (an RMA line, an expected receipt) is this
        bench's now: refused while another bench of the site holds it, unless the operator
        is a supervisor, who takes it over. Returns what to say of a takeover, or ""."""
        holder = site_claims.held_elsewhere(session, subject, self.bench_id)
        if holder is None:
            return ""
        known = by_badge(session, holder.operator)
        who = known.name if known else holder.operator
        if self.operator is None or self.operator.role is not Role.SUPERVISOR:
            raise Refusal(
                f"{where} is open at {holder.bench} by {who}: "
                "a supervisor may take it over by starting it here."
            )
        self.audit(session, site_claims.TAKEN_OVER, subject, from_bench=holder.bench)
        return f"Taken over from {holder.bench} ({who}). "

    def _keep_photo(
        self, source: Path, folder: Path, subject: str, shows: dict[str, str | int]
    ) -> Feedback:
        """A photo copied to ``folder`` for good, then its row and audit entry; ``shows``
        names what it is a photo of, e.g. ``{"unit_id": ...}``."""
        try:
            kept = keep_photo(folder, source)
        except (NotAPhoto, OSError) as exc:
            return Feedback.bad(f"The photo was not kept: {exc}")

        def write(session: Session) -> None:
            session.add(Photo(**shows, path=str(kept.path), sha256=kept.sha256, taken_at=utcnow()))
            self.audit(session, "photo_added", subject, file=kept.path.name)

        return self._record(f"the photo {source.name}", write) or Feedback.good(
            f"Photo added ({source.name})."
        )

    # --- the machinery ----------------------------------------------------------------------

    def _record(self, what: str, change: Callable[[Session], object]) -> Feedback | None:
        """Write an intent that is not a scan; None once it is on disk, else what to say."""
        try:
            with self.store.unit() as session:
                change(session)
        except (SQLAlchemyError, OSError) as exc:
            log.exception("%s not recorded", what)
            return Feedback.not_stored(what, exc)
        return None

    def _route(self, session: Session, scan: Classified, cancel_asked: float | None) -> Feedback:
        word = scan.command.word if scan.command is not None else None
        if scan.command is not None and word == "MODE":
            return self._switch(session, scan.command.argument.lower())
        if self.operator is None:
            if scan.kind is not ScanKind.BADGE:
                raise Refusal("Sign in first: scan your badge or enter your PIN.")
            return self._sign_in(session, self._badge_holder(session, scan))
        confirming = cancel_asked is not None and time.monotonic() - cancel_asked < CANCEL_AGAIN_S
        if word == "CANCEL" and not confirming and self._cancel_loses_work(session):
            # One stray Esc must not throw away a half-done inspection or receipt.
            self._cancel_asked_at = time.monotonic()
            return Feedback.warn(
                f"{self._open_work(session)}. Cancel it and lose its work? "
                "Press Esc again or scan CONFIRM to cancel; anything else carries on."
            )
        if word == "CONFIRM" and confirming:
            scan = self.classifier.classify(Scan("@CANCEL", source=scan.scan.source))
        return self._advance(session, scan)

    def _switch(self, session: Session, mode: str) -> Feedback:
        if mode == self.mode:
            raise Refusal(f"The bench is at {mode} already.")
        if self.busy():
            raise Refusal(f"{self.finish} Then switch to {mode}.")
        self.audit(session, "mode_switched", mode, by=self._badge() or "nobody signed in")
        return Feedback(Tone.GOOD, f"Switched to {mode}.", switch_to=mode)

    def _badge_holder(self, session: Session, scan: Classified) -> SignedIn:
        """Who a badge scan names: the one gate of a badge, to sign in or to approve.

        Badge numbers are sequential and printed on the badge, so a number typed at the
        keyboard proves nothing: it never stands for a supervisor, who types the PIN
        instead (the PIN counts toward the lockout; a number typed would not)."""
        who = by_badge(session, scan.value)
        if who is None:
            raise Refusal(f"Badge {scan.value} is not known at this bench.")
        if who.role is Role.SUPERVISOR and scan.scan.source == TYPED:
            raise Refusal(
                "A supervisor's badge number typed by hand approves nothing: "
                "scan the badge, or enter the supervisor's PIN."
            )
        return who

    def _sign_in(self, session: Session, who: SignedIn) -> Feedback:
        handing_over = self.operator is not None and self.operator != who and self.busy()
        if handing_over and not self.handover:
            raise Refusal(f"{self.finish} Then the next operator signs in.")
        require(who, *self.roles, action=self.work)
        self.audit(session, "sign_in", who.badge, by=who.badge)
        if handing_over:
            assert self.operator is not None
            self.audit(session, "took_over", self.operator.badge, by=who.badge)
        if not self.busy() and self.operator != who:
            self.mem = self._idle  # the last operator's candidates are not the next one's
        self.operator = who
        return Feedback.good(f"Welcome, {who.name}.")

    def _apply(self, classified: Classified, change: Callable[[Session], Feedback]) -> Feedback:
        before, operator = self.mem, self.operator
        try:
            with self.store.unit() as session:
                feedback = change(session)
                session.flush()  # a unit the scan opened is written before the scan's row
                record_scan(
                    session,
                    classified,
                    bench=self.bench_id,
                    operator=self._badge(),
                    outcome=ScanOutcome.ACCEPTED,
                    message=feedback.message,
                    **self._subject(),
                )
            return feedback
        except (NotAllowed, Refusal) as refused:
            self.mem, self.operator = before, operator
            who = (refused.who or self._badge()) if isinstance(refused, NotAllowed) else None
            return self._log_only(classified, ScanOutcome.REFUSED, Feedback.bad(str(refused)), who)
        except (SQLAlchemyError, OSError) as exc:
            self.mem, self.operator = before, operator
            log.exception("scan %s not recorded", _for_log(classified.scan))
            return Feedback.not_stored(f"scan {classified.value}", exc)

    def _log_only(
        self,
        classified: Classified,
        outcome: ScanOutcome,
        feedback: Feedback,
        refused: str | None = None,
    ) -> Feedback:
        """Record a scan that changed nothing; ``refused`` names who a role kept out."""
        try:
            with self.store.unit() as session:
                record_scan(
                    session,
                    classified,
                    bench=self.bench_id,
                    operator=self._badge(),
                    outcome=outcome,
                    message=feedback.message,
                    **self._subject(),
                )
                if refused is not None:
                    self.audit(
                        session, "refused", classified.value, by=refused, reason=feedback.message
                    )
        except (SQLAlchemyError, OSError) as exc:
            log.exception("scan %s not logged", _for_log(classified.scan))
            return Feedback.not_stored(f"{feedback.message} — this scan", exc)
        return feedback

    def _log_failure(self, scan: Scan) -> Feedback:
        """Log a scan the station broke on, with as little of the station as can be."""
        said = Feedback.bad(
            "The station failed on this scan and changed nothing (the fault is in the "
            "station log): scan it again, and tell a supervisor if it repeats."
        )
        failed = Classified(scan, ScanKind.REJECTED, "", problem=said.message)
        try:
            with self.store.unit() as session:
                record_scan(
                    session,
                    failed,
                    bench=self.bench_id,
                    operator=self._badge(),
                    outcome=ScanOutcome.FAILED,
                    message=said.message,
                )
        except Exception as exc:
            log.exception("the scan the bench failed on was not logged either")
            return Feedback.not_stored("the scan the station failed on", exc)
        return said

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


def _typed_pin(text: str, source: str) -> bool:
    """Whether digits read with nobody signed in are someone's PIN, to be tried as one and
    to reach the scan log (and the station log) masked, never in clear: typed at the code
    field, or typed on the sign-in page fast enough for the wedge to take them for a scan
    (no barcode a bench reads is all digits and shorter than a GTIN)."""
    if not (text.isascii() and text.isdigit()):
        return False
    return source == "keyboard" or (source == "wedge" and len(text) < SHORTEST_GTIN)


def _for_log(scan: Scan) -> str:
    """A scan as the station log names it: printable, and short however long the read."""
    shown = printable(scan.raw[:LOGGED_CHARS])
    return shown + f"… ({len(scan.raw):,} chars)" if len(scan.raw) > LOGGED_CHARS else shown
