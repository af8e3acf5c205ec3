"""Whole returns at the real window, driven by key events only: wedge scans and key presses.

Each test checks what the operator saw and what the store holds afterwards.
"""

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from bench_driver import Scanner
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from station.feedback import Tone
from station.gtin import with_check_digit
from station.returns.policy import RuleVerdict
from station.returns.view import Step
from station.settings import Settings
from station.states import LabelJobState, ShipmentState, UnitStatus
from station.store.engine import Store
from station.store.schema import (
    AuditEntry,
    Gtin,
    LabelJob,
    OutboxEvent,
    ReturnUnit,
    Rma,
    ScanRecord,
)
from ui.main_window import MainWindow
from ui.unit_cards import FAIL_COLOUR, PASS_COLOUR, WARN_COLOUR, Line

pytestmark = pytest.mark.gui

REFUND_FLOW = {"return_received", "inspection_recorded", "disposition_decided", "refund_eligible"}
# RMA-10004's one unit (an apparel item, quantity 1), restocked by scans alone.
RESTOCK_10004 = ("BADGE-1001", "RMA-10004", "5907725452020")
RESTOCK_10004 += ("@YES", "@NO", "@NO", "@NO", "@GRADE-A", "@CONFIRM")


def the_unit(store: Store) -> ReturnUnit:
    with store.read() as session:
        units = list(session.scalars(select(ReturnUnit)))
    assert len(units) == 1
    return units[0]


def events_of(store: Store, unit_id: str) -> dict[str, dict[str, Any]]:
    with store.read() as session:
        events = session.scalars(select(OutboxEvent).order_by(OutboxEvent.seq))
        return {e.kind: e.payload for e in events if e.payload.get("unit") == unit_id}


def scans_of(store: Store) -> list[tuple[str, str, str]]:
    with store.read() as session:
        rows = session.scalars(select(ScanRecord).order_by(ScanRecord.id))
        return [(r.source, r.raw, r.outcome) for r in rows]


@pytest.mark.parametrize("prefix", ["", "~"], ids=["by-speed", "by-prefix"])
def test_a_restock_scanned_from_badge_to_label(
    make_window: Callable[[Settings], MainWindow], qtbot: QtBot, store: Store, prefix: str
) -> None:
    settings = Settings().with_values(scanner__wedge_prefix=prefix)
    window = make_window(settings)
    scanner = Scanner(qtbot, window, settings)
    codes = ["BADGE-1001", "RMA-10004", "5907725452020"]
    codes += ["@YES", "@NO", "@NO", "@NO", "@GRADE-A", "@CONFIRM"]

    assert scanner.scan("BADGE-1001").tone is Tone.GOOD
    assert window.header.operator.text() == "Ines Inspector (inspector)"
    assert scanner.scan("RMA-10004").tone is Tone.GOOD
    assert window.view.step is Step.ITEM
    scanner.scan("5907725452020")
    assert window.view.step is Step.CHECKLIST
    assert window.returns.prompt.text().startswith("Original tags attached?")
    assert "RMA-10004" in window.returns.return_card.values["RMA"].text()
    for code in codes[3:8]:
        assert scanner.scan(code).tone is Tone.GOOD, code
    # Size or fit and nothing found: the customer's reason is the found reason.
    assert window.view.step is Step.DECIDE
    assert "as the customer said" in window.returns.feedback.text()
    assert window.returns.disposition_card.destination.text() == "LOC-RESTOCK"
    assert "back to stock" in window.returns.disposition_card.why.text()
    assert scanner.scan("@CONFIRM").tone is Tone.GOOD

    unit = the_unit(store)
    assert (unit.status, unit.disposition, unit.destination) == (
        "decided",
        "RESTOCK",
        "LOC-RESTOCK",
    )
    assert set(events_of(store, unit.id)) == REFUND_FLOW
    with store.read() as session:
        jobs = list(session.scalars(select(LabelJob)))
    assert [(j.status, j.data["lpn"]) for j in jobs] == [(LabelJobState.QUEUED, unit.lpn)]
    assert scans_of(store) == [("wedge", code, "accepted") for code in codes]
    # The screen shows the unit just recorded, and the bench waits for the next one.
    assert window.view.step is Step.IDENTIFY
    assert f"label {unit.lpn} queued" in window.returns.disposition_card.caption.text()
    assert window.header.printer.text.text() == "Printer: no printer set, 1 queued"


def test_a_failed_check_liquidates_without_refund_using_keys(
    window: MainWindow, scanner: Scanner, store: Store
) -> None:
    scanner.scan("BADGE-1001")
    scanner.scan("7610912083911")  # this jumper is on two RMAs
    assert window.view.step is Step.CHOOSE
    assert "RMA-10005" in window.returns.choices.text()
    number = next(n for n, c in enumerate(window.view.candidates, 1) if c.startswith("RMA-10005"))
    scanner.press(str(number))
    assert window.view.unit is not None and window.view.unit.rma_number == "RMA-10005"
    for key in "YYNN":  # tags on; worn: YES fails the check
        scanner.press(key)
    assert "✗" in window.returns.inspection_card.checklist.text()
    scanner.press("B")
    scanner.press(Qt.Key.Key_Return)  # agree with the customer's reason
    assert window.returns.disposition_card.disposition.text() == "Liquidate →"
    assert scanner.press(Qt.Key.Key_Return).tone is Tone.GOOD

    unit = the_unit(store)
    assert unit.disposition == "LIQUIDATE"
    events = events_of(store, unit.id)
    assert set(events) == REFUND_FLOW - {"refund_eligible"}
    assert events["return_received"]["rma"] == "RMA-10005"
    assert events["inspection_recorded"]["answers"]["worn"] == "yes"
    keyed = [raw for source, raw, _ in scans_of(store) if source == "keyboard"]
    assert keyed == [f"#{number}", "@YES", "@YES", "@NO", "@NO", "@GRADE-B", "@CONFIRM", "@CONFIRM"]


def test_an_override_waits_for_a_supervisor_badge(
    window: MainWindow, scanner: Scanner, store: Store
) -> None:
    for code in ("BADGE-1001", "RMA-10019", "7614559609350", "@YES", "@NO", "@NO", "@NO"):
        scanner.scan(code)
    scanner.scan("@GRADE-A")  # size or fit, nothing found: the customer's reason stands
    assert window.returns.disposition_card.disposition.text() == "Restock →"

    assert scanner.scan("@DISP-DISPOSE").tone is Tone.WARN
    assert window.view.step is Step.APPROVAL
    assert window.returns.banner.isVisible()
    assert "RESTOCK → DISPOSE" in window.returns.banner.text.text()
    assert "Scan a supervisor badge or type their PIN." in window.returns.banner.text.text()
    refused = scanner.scan("@CONFIRM")
    assert refused.tone is Tone.BAD and "supervisor must approve" in refused.message
    assert window.returns.feedback.property("tone") == "bad"
    assert window.view.step is Step.APPROVAL
    colleague = scanner.scan("BADGE-1002")
    assert colleague.tone is Tone.BAD and "supervisor only" in colleague.message
    assert window.view.step is Step.APPROVAL
    assert scanner.scan("BADGE-3001").tone is Tone.GOOD
    assert window.view.step is Step.DECIDE
    assert not window.returns.banner.isVisible()
    # The card says what the rules said beside what was decided, and names the approver.
    card = window.returns.disposition_card
    assert card.caption.text() == "The rules said Restock. Decided:"
    assert card.disposition.text() == "Dispose →"
    assert "Approved by Sam Supervisor" in card.footer.text()
    assert "BADGE-3001" not in card.footer.text()
    assert scanner.scan("@CONFIRM").tone is Tone.GOOD

    unit = the_unit(store)
    assert (unit.status, unit.disposition, unit.suggested_disposition) == (
        "decided",
        "DISPOSE",
        "RESTOCK",
    )
    assert (unit.operator, unit.approved_by) == ("BADGE-1001", "BADGE-3001")
    assert events_of(store, unit.id)["disposition_decided"]["approved_by"] == "BADGE-3001"
    assert window.header.operator.text() == "Ines Inspector (inspector)"


def test_an_unexpected_return_goes_to_triage_with_typed_notes(
    window: MainWindow, scanner: Scanner, store: Store, qtbot: QtBot
) -> None:
    stranger = with_check_digit("400000000000")
    with store.read() as session:
        assert session.get(Gtin, stranger.rjust(14, "0")) is None
    scanner.scan("BADGE-1001")
    assert scanner.scan(stranger).tone is Tone.WARN
    scanner.scan("@TRIAGE")
    assert window.view.step is Step.TRIAGE
    notes = window.returns.notes
    assert notes.isEnabled()
    scanned_before = scans_of(store)

    # Letters that are also keyboard twins (t, n, b) must be text in the notes field.
    scanner.type_slowly(notes, "torn box, no label")
    qtbot.waitUntil(lambda: notes.toPlainText() == "torn box, no label")
    assert scans_of(store) == scanned_before
    assert window.view.step is Step.TRIAGE

    # A scan fired while the notes field has the keys is still a scan, not text.
    assert scanner.scan("@CONFIRM", into=notes).tone is Tone.GOOD
    unit = the_unit(store)
    assert (unit.status, unit.notes, unit.destination) == (
        "triage",
        "torn box, no label",
        "LOC-TRIAGE",
    )
    event = events_of(store, unit.id)["unexpected_return"]
    assert (event["scanned"], event["notes"]) == (stranger, "torn box, no label")
    assert window.triage.rowCount() == 1
    assert notes.toPlainText() == ""


def test_a_bad_check_digit_flashes_red(window: MainWindow, scanner: Scanner, qtbot: QtBot) -> None:
    scanner.scan("BADGE-1001")
    flash = window.player.flash
    qtbot.waitUntil(lambda: not flash.isVisible())

    feedback = scanner.scan("5901234123458")
    assert feedback.tone is Tone.BAD
    assert "Check digit wrong" in window.returns.feedback.text()
    assert window.returns.feedback.property("tone") == "bad"
    assert flash.isVisible() and flash.tone is Tone.BAD
    assert flash.geometry() == window.rect()
    assert window.header.store.state == "ok"  # a refused scan is still recorded
    window.returns.tabs.setCurrentIndex(2)  # Recent scans
    assert window.scans.data(window.scans.index(0, 1)) == "rejected"
    qtbot.waitUntil(lambda: not flash.isVisible(), timeout=2000)


def test_a_whole_return_by_keyboard_alone(
    window: MainWindow, scanner: Scanner, qtbot: QtBot, store: Store
) -> None:
    scanner.type_pin("1111")
    assert window.view.step is Step.IDENTIFY
    code = window.returns.code
    for typed, step in (("RMA-10004", Step.ITEM), ("5907725452020", Step.CHECKLIST)):
        qtbot.keyClick(window, Qt.Key.Key_F2)
        qtbot.waitUntil(code.hasFocus)
        scanner.type_slowly(code, typed)
        assert code.text() == typed, "typing by hand lands in the field"
        qtbot.keyClick(code, Qt.Key.Key_Return)
        assert window.view.step is step, window.feedback
        assert not code.hasFocus() and code.text() == ""
    for key in "YNNNA":  # size or fit, nothing found: the customer's reason stands
        scanner.press(key)
    assert scanner.press(Qt.Key.Key_Return).tone is Tone.GOOD

    unit = the_unit(store)
    assert (unit.status, unit.disposition) == ("decided", "RESTOCK")
    scans = scans_of(store)
    assert [raw for _source, raw, _outcome in scans[:3]] == ["PIN", "RMA-10004", "5907725452020"]
    assert {source for source, _raw, _outcome in scans} == {"keyboard"}


def test_a_policy_line_is_coloured_by_its_verdict(window: MainWindow, scanner: Scanner) -> None:
    """The card colours each line of the policy trace by the verdict the line carries."""
    for code in ("BADGE-1001", "RMA-10004", "5907725452020"):
        scanner.scan(code)
    unit = window.view.unit
    assert unit is not None and unit.policy_lines
    assert all(line.outcome == "pass" for line in unit.policy_lines)
    card = window.returns.return_card
    assert card.policy_lines.text().count(PASS_COLOUR) == len(unit.policy_lines)

    warned = RuleVerdict("serial", "warn", "Fail to compare: no shipped serial on record.")
    card.show_unit(replace(unit, policy_lines=(warned,)), {})
    shown = card.policy_lines.text()
    assert WARN_COLOUR in shown and FAIL_COLOUR not in shown
    assert "WARN: Fail to compare" in shown


def shows_no_unit(window: MainWindow) -> bool:
    """No panel shows a unit: no RMA, no inspection, no destination."""
    screen = window.returns
    return (
        window.view.unit is None
        and window.view.last is None
        and screen.return_card.values["RMA"].text() == ""
        and screen.inspection_card.checklist.text() == ""
        and screen.disposition_card.destination.text() == ""
    )


def test_the_unit_just_recorded_leaves_the_screen_when_the_next_one_starts(
    window: MainWindow, scanner: Scanner
) -> None:
    for code in RESTOCK_10004:
        scanner.scan(code)
    recorded = window.returns.disposition_card
    assert recorded.isVisible() and recorded.destination.text() == "LOC-RESTOCK"

    card = window.returns.return_card.placeholder
    scanner.scan("RMA-10019")  # an RMA just scanned: the item is asked next
    assert window.view.step is Step.ITEM and shows_no_unit(window)
    # The card says what the bench waits for, as the prompt does, not "Scan an RMA".
    assert card.text() == "The RMA is found: scan the item in your hands to open its return."
    scanner.scan("@CANCEL")
    assert shows_no_unit(window), "a cleared scan does not bring the last unit back"

    scanner.scan("7610912083911")  # this jumper is on two RMAs: a pick list
    assert window.view.step is Step.CHOOSE and shows_no_unit(window)
    assert card.text() == "Several returns match: the list above numbers them."
    scanner.scan("@CANCEL")
    assert card.text() == "Scan an RMA, order, tracking number or the item to begin."

    assert scanner.scan(with_check_digit("400000000000")).tone is Tone.WARN  # no RMA found
    assert shows_no_unit(window)


def test_esc_on_a_new_return_shows_nothing_of_the_one_before(
    window: MainWindow, scanner: Scanner
) -> None:
    for code in RESTOCK_10004:
        scanner.scan(code)
    scanner.scan("RMA-10019")
    scanner.scan("7614559609350")
    assert window.view.unit is not None and window.view.unit.rma_number == "RMA-10019"
    for _ in range(2):  # cancelling work in progress may ask for a second press
        if window.view.unit is None:
            break
        scanner.press(Qt.Key.Key_Escape)
    assert shows_no_unit(window)


def test_a_line_already_returned_stops_and_goes_to_triage_with_its_rma(
    window: MainWindow, scanner: Scanner, store: Store
) -> None:
    for code in RESTOCK_10004:
        scanner.scan(code)
    scanner.scan("RMA-10004")
    refused = scanner.scan("5907725452020")  # the same line again: it took its one unit

    assert refused.tone is Tone.WARN
    assert window.view.step is Step.POLICY
    assert "1 of 1 already returned on this line." in refused.message
    assert ".;" not in refused.message and ".;" not in window.returns.prompt.text()
    assert "cannot take this unit" in window.returns.prompt.text()
    assert window.returns.banner.isVisible()
    assert "Checklist" not in window.returns.choices.text()
    assert "triage" in window.returns.choices.text()
    assert window.returns.inspection_card.checklist.text().count("▶") == 0
    refusal = scanner.scan("@YES")
    assert refusal.tone is Tone.BAD and window.view.step is Step.POLICY
    assert scanner.scan("BADGE-1002").tone is Tone.BAD, "an inspector cannot accept it"

    scanner.press("T")
    assert window.view.step is Step.TRIAGE
    assert not window.returns.banner.isVisible()
    assert scanner.scan("@CONFIRM").tone is Tone.GOOD
    with store.read() as session:
        again = session.scalars(select(ReturnUnit).order_by(ReturnUnit.started_at)).all()[-1]
        assert (again.status, again.rma_line_id, again.destination) == (
            UnitStatus.TRIAGE,
            None,
            "LOC-TRIAGE",
        )
        assert again.notes.startswith("Scanned against RMA-10004 line 1, which cannot take it")
    event = events_of(store, again.id)
    assert set(event) == {"unexpected_return"}
    assert "RMA-10004" in event["unexpected_return"]["notes"]


def test_an_rma_done_in_the_erp_is_taken_only_on_a_supervisors_pin(
    window: MainWindow, scanner: Scanner, store: Store, qtbot: QtBot
) -> None:
    with store.unit() as session:
        rma = session.get(Rma, "RMA-10004")
        assert rma is not None
        rma.erp_state = ShipmentState.DONE
    scanner.scan("BADGE-1001")
    scanner.scan("RMA-10004")
    refused = scanner.scan("5907725452020")
    assert window.view.step is Step.POLICY
    assert "RMA-10004 is done in the ERP." in refused.message
    assert "supervisor" in window.returns.banner.text.text()

    field = window.returns.banner.pin.field
    qtbot.keyClick(window, "3")
    qtbot.waitUntil(lambda: field.text() == "3")
    qtbot.keyClicks(field, "333")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.view.step is Step.CHECKLIST)
    assert "Accepted against RMA-10004 by Sam Supervisor" in window.feedback.message
    unit = window.view.unit
    assert unit is not None and unit.rma_number == "RMA-10004"
    assert unit.policy_lines[-1].detail == "Accepted against RMA-10004 by Sam Supervisor."
    with store.read() as session:
        audited = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "policy_accepted")
        ).all()
        assert [a.operator for a in audited] == ["BADGE-3001"]


def test_every_key_says_what_it_means_at_its_step(window: MainWindow, scanner: Scanner) -> None:
    choices = window.returns.choices
    scanner.scan("BADGE-1001")
    assert "triage" in choices.text()
    scanner.scan("RMA-10004")
    scanner.scan("5907725452020")
    assert window.view.step is Step.CHECKLIST
    assert all(f"&nbsp;{key}&nbsp;" in choices.text() for key in "YNS")
    assert "Checklist:&nbsp;skip" in choices.text()
    for key in "YNNN":
        scanner.press(key)
    assert window.view.step is Step.GRADE
    assert "A as new, unopened" in window.returns.prompt.text()
    assert "as&nbsp;new,&nbsp;unopened" in choices.text()
    assert "&nbsp;E&nbsp;</b>&nbsp;scrap" in choices.text()
    scanner.press("A")  # size or fit, nothing found: the customer's reason stands
    assert window.view.step is Step.DECIDE
    assert "Another disposition" in choices.text()
    assert "&nbsp;R&nbsp;</b>&nbsp;Choose&nbsp;another&nbsp;found&nbsp;reason" in choices.text()
    scanner.press("R")
    assert window.view.step is Step.REASON
    assert "&nbsp;1&nbsp;" in choices.text() and "Found reason" in choices.text()
    scanner.press(Qt.Key.Key_Return)  # agree with the customer after all
    assert window.view.step is Step.DECIDE


def test_the_expected_serial_is_shown_only_once_the_unit_s_is_scanned(
    window: MainWindow, scanner: Scanner
) -> None:
    for code in ("BADGE-1001", "RMA-10012", "4001954833795"):
        scanner.scan(code)
    serial = window.returns.return_card.values["Serial"]
    assert "SNDL80MB9VSI" not in serial.text()  # nothing on screen to copy by hand
    assert "scan the unit's serial" in serial.text()
    scanner.scan("SNDL80MB9VSX")
    assert "≠ expected SNDL80MB9VSI" in serial.text()


def test_a_badge_typed_at_f2_on_the_sign_in_screen_signs_in(
    window: MainWindow, scanner: Scanner, qtbot: QtBot
) -> None:
    """The quick start's way without a scanner: F2, the badge, Enter, from the first screen,
    where the PIN field has the keyboard."""
    pin = window.returns.sign_in.pin
    code = window.returns.code
    qtbot.keyClick(pin, Qt.Key.Key_F2)  # where the key goes: the field with the keyboard
    qtbot.waitUntil(code.hasFocus)
    scanner.type_slowly(code, "BADGE-1001")
    qtbot.keyClick(code, Qt.Key.Key_Return)
    assert window.bench.operator is not None and window.bench.operator.badge == "BADGE-1001"


def test_a_card_line_takes_no_room_while_empty_and_none_is_ever_hidden(
    window: MainWindow, scanner: Scanner, qtbot: QtBot
) -> None:
    """Showing a hidden line lays the whole window out at once (about 10 ms a line): the
    cards' lines are emptied instead, and an empty one takes no room."""
    line = Line()
    qtbot.addWidget(line)
    assert (line.sizeHint().height(), line.heightForWidth(300)) == (0, 0)
    line.setText("Grade: <b>A</b> — as new, unopened")
    assert line.heightForWidth(300) > 0
    screen = window.returns
    cards = (screen.return_card, screen.inspection_card, screen.disposition_card)
    for code in (*RESTOCK_10004, "RMA-10019"):  # a unit decided, recorded, then cleared
        scanner.scan(code)
        assert not [
            shown for card in cards for shown in card.findChildren(Line) if shown.isHidden()
        ]


def test_after_a_restart_the_sign_in_says_what_is_open(
    make_window: Callable[[Settings], MainWindow], settings: Settings, qtbot: QtBot
) -> None:
    first = make_window(settings)
    scanner = Scanner(qtbot, first, settings)
    for code in ("BADGE-1001", "RMA-10004", "5907725452020"):
        scanner.scan(code)
    assert not first.returns.sign_in.open_work.isVisible()  # someone is signed in to it
    # The bench PC restarts: a new window on the same store, nobody signed in.
    again = make_window(settings)
    said = again.returns.sign_in.open_work
    assert said.isVisible()
    assert said.text() == (
        f"Open from before: {again.bench.open_work()}. Sign in to carry on where it was."
    )
    # Where the work stands, not "at step sign in".
    assert said.text().startswith("Open from before: RMA-10004 line 1 is open at step checklist")
