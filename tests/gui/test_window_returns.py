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
from station.states import LabelJobState
from station.store.engine import Store
from station.store.schema import Gtin, LabelJob, OutboxEvent, ReturnUnit, ScanRecord
from ui.main_window import MainWindow
from ui.unit_cards import FAIL_COLOUR, PASS_COLOUR, WARN_COLOUR

pytestmark = pytest.mark.gui

REFUND_FLOW = {"return_received", "inspection_recorded", "disposition_decided", "refund_eligible"}


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
    codes += ["@YES", "@NO", "@NO", "@NO", "@GRADE-A", "@CONFIRM", "@CONFIRM"]

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
    assert window.view.step is Step.REASON
    scanner.scan("@CONFIRM")  # the customer's reason is the found reason
    assert window.view.step is Step.DECIDE
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
    assert window.header.printer.text.text() == "Printer: 1 queued"


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
    scanner.scan("@GRADE-A")
    scanner.scan("@CONFIRM")
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
    assert window.scans.data(window.scans.index(0, 3)) == "rejected"
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
    for key in "YNNNA":
        scanner.press(key)
    scanner.press(Qt.Key.Key_Return)  # the customer's reason
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
