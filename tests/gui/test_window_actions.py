"""The window's other intents: PINs, notes, photos, undo and cancel keys, menu actions."""

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from bench_driver import Scanner
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select, text, update

import station.bench
from station.feedback import Tone
from station.label_jobs import queue_label
from station.operators import Role, SignedIn
from station.outbox import UnexpectedReturn
from station.recording import emit
from station.rejected_events import send_again
from station.returns.view import Step
from station.settings import Settings
from station.states import LabelJobState
from station.store.engine import Store
from station.store.schema import LabelJob, OutboxEvent, Photo, ReturnUnit, ScanRecord
from sync.cycle import SyncState, SyncStatus
from ui.exceptions_dialog import ExceptionsDialog
from ui.main_window import MainWindow
from ui.settings_dialog import SettingsDialog

pytestmark = pytest.mark.gui


def start_return(scanner: Scanner) -> None:
    for code in ("BADGE-1001", "RMA-10004", "5907725452020"):
        scanner.scan(code)


def test_signing_in_with_a_pin_typed_fast(window: MainWindow, qtbot: QtBot) -> None:
    field = window.returns.sign_in.pin.field
    assert window.returns.stack.currentWidget() is window.returns.sign_in
    qtbot.keyClicks(field, "3333")  # as fast as a scanner: a PIN field is never a scan
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert window.view.operator is not None and window.view.operator.badge == "BADGE-3001"
    # Enter in the PIN field signed in and did nothing else (it is not CONFIRM).
    assert window.feedback is not None and window.feedback.message == "Welcome, Sam Supervisor."
    assert window.header.operator.text() == "Sam Supervisor (supervisor)"
    assert window.returns.stack.currentWidget() is window.returns.cards
    assert field.text() == ""


def test_a_digit_typed_at_sign_in_starts_the_pin(window: MainWindow, scanner: Scanner) -> None:
    scanner.type_pin("1111")
    assert window.header.operator.text() == "Ines Inspector (inspector)"
    assert scanner.scan("RMA-10004").tone is Tone.GOOD  # the scanner has the keys again


def test_a_wrong_pin_is_refused(window: MainWindow, qtbot: QtBot) -> None:
    field = window.returns.sign_in.pin.field
    qtbot.keyClicks(field, "0000")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert window.feedback is not None and window.feedback.tone is Tone.BAD
    assert window.view.step is Step.SIGN_IN


@pytest.mark.parametrize(("pin", "badge"), [("1111", "BADGE-1001"), ("0000", None)])
def test_a_pin_typed_at_f2_is_tried_and_never_logged_in_clear(
    window: MainWindow, qtbot: QtBot, store: Store, pin: str, badge: str | None
) -> None:
    window.focus_code()
    code = window.returns.code
    qtbot.keyClicks(code, pin)
    # Nobody is signed in: the digits are dots on screen too, for whoever stands by.
    assert code.echoMode() is QLineEdit.EchoMode.Password and pin not in code.displayText()
    qtbot.keyClick(code, Qt.Key.Key_Return)
    operator = window.view.operator
    assert (operator.badge if operator else None) == badge
    if operator is not None:  # signed in: a code typed at F2 is read as typed
        assert code.echoMode() is QLineEdit.EchoMode.Normal
    with store.read() as session:
        logged = list(session.scalars(select(ScanRecord.raw)))
    assert logged == ["PIN"]


def test_a_pin_typed_faster_than_a_scanner_on_the_sign_in_page_is_never_logged_in_clear(
    window: MainWindow, qtbot: QtBot, store: Store
) -> None:
    qtbot.keyClicks(window, "7305")  # outside the PIN field, at a scanner's pace: a scan
    qtbot.keyClick(window, Qt.Key.Key_Return)
    assert window.header.operator.text() == "Ida Lindqvist (inspector)"
    with store.read() as session:
        assert list(session.scalars(select(ScanRecord.raw))) == ["PIN"]


def test_notes_are_saved_when_the_field_loses_focus(
    window: MainWindow, scanner: Scanner, qtbot: QtBot, store: Store
) -> None:
    start_return(scanner)
    notes = window.returns.notes
    window.activateWindow()
    qtbot.waitActive(window)
    notes.setFocus()
    qtbot.waitUntil(notes.hasFocus)
    notes.insertPlainText("zip broken")
    notes.clearFocus()
    qtbot.waitUntil(
        lambda: window.feedback is not None and window.feedback.message == "Notes saved."
    )
    with store.read() as session:
        assert session.scalars(select(ReturnUnit.notes)).one() == "zip broken"


def test_a_photo_is_attached_to_the_unit(
    window: MainWindow,
    scanner: Scanner,
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    picture = tmp_path / "unit.png"
    image = QImage(8, 8, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    assert image.save(str(picture))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_args: (str(picture), ""))
    assert not window.returns.add_photo.isEnabled()  # no unit yet
    start_return(scanner)

    qtbot.mouseClick(window.returns.add_photo, Qt.MouseButton.LeftButton)
    assert window.feedback is not None and window.feedback.tone is Tone.GOOD
    assert window.returns.photos.text() == "1 photo(s) on this unit"
    with window.bench.store.read() as session:
        photo = session.scalars(select(Photo)).one()
    assert Path(photo.path).read_bytes() == picture.read_bytes()


def test_undo_and_cancel_keys(window: MainWindow, scanner: Scanner, store: Store) -> None:
    start_return(scanner)
    scanner.scan("@YES")
    assert scanner.press(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier).tone is Tone.GOOD
    assert window.view.unit is not None and window.view.unit.checklist[0].answer is None
    asked = scanner.press(Qt.Key.Key_Escape)
    assert asked.tone is Tone.WARN
    assert asked.message.startswith("RMA-10004 line 1 is open at step checklist.")
    line = window.returns.feedback
    assert "Esc again or scan CONFIRM" in line.text() and line.property("tone") == "warn"
    assert window.view.step is Step.CHECKLIST  # one Esc throws nothing away
    cancelled = scanner.press(Qt.Key.Key_Escape)
    assert (cancelled.tone, cancelled.message) == (Tone.WARN, "Return cancelled.")
    assert line.property("tone") == "warn"  # amber: work was thrown away, not recorded
    assert window.view.step is Step.IDENTIFY
    with store.read() as session:
        assert session.scalars(select(ReturnUnit.status)).one() == "cancelled"


def test_a_first_esc_lapses_after_another_key_or_a_few_seconds(
    window: MainWindow, scanner: Scanner, monkeypatch: pytest.MonkeyPatch
) -> None:
    start_return(scanner)
    assert scanner.press(Qt.Key.Key_Escape).tone is Tone.WARN
    assert scanner.press("Y").tone is Tone.GOOD  # the operator carries on
    assert scanner.press(Qt.Key.Key_Escape).tone is Tone.WARN  # so Esc asks again
    later = time.monotonic() + station.bench.CANCEL_AGAIN_S + 1
    monkeypatch.setattr(station.bench.time, "monotonic", lambda: later)
    assert scanner.press(Qt.Key.Key_Escape).tone is Tone.WARN  # too late: it asks again
    assert window.view.step is Step.CHECKLIST
    assert scanner.scan("@CONFIRM").message == "Return cancelled."


def test_the_question_of_a_first_esc_leaves_the_screen_when_it_lapses(
    window: MainWindow, scanner: Scanner, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(station.bench, "CANCEL_AGAIN_S", 0.3)
    start_return(scanner)
    assert "Press Esc again" in scanner.press(Qt.Key.Key_Escape).message
    # Left on screen, "press Esc again" would promise what the next Esc no longer does.
    qtbot.waitUntil(lambda: "Not cancelled" in window.returns.feedback.text(), timeout=3000)
    assert window.view.step is Step.CHECKLIST
    assert scanner.press(Qt.Key.Key_Escape).tone is Tone.WARN  # it asks again


@pytest.mark.parametrize("answer", [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes])
def test_quitting_with_a_return_open_says_what_is_open(
    window: MainWindow,
    scanner: Scanner,
    monkeypatch: pytest.MonkeyPatch,
    answer: QMessageBox.StandardButton,
) -> None:
    start_return(scanner)
    scanner.scan("@YES")
    asked: list[str] = []

    def question(_parent: object, _title: str, text: str, *_buttons: object) -> object:
        asked.append(text)
        return answer

    monkeypatch.setattr(QMessageBox, "question", question)
    quit_action = next(
        a for a in window.menuBar().actions()[0].menu().actions() if a.text() == "Quit"
    )
    quit_action.trigger()  # Bench → Quit, or Ctrl+Q
    assert asked == [
        "RMA-10004 line 1 is open at step checklist; it resumes when the bench starts again. "
        "Quit anyway?"
    ]
    assert window.isVisible() is (answer is QMessageBox.StandardButton.No)


def test_an_enter_read_into_the_quit_question_keeps_the_bench_open(
    window: MainWindow, scanner: Scanner, qtbot: QtBot
) -> None:
    start_return(scanner)

    def scanner_enter() -> None:  # a scan's Enter, arriving while the question is up
        asked = QApplication.activeModalWidget()
        assert isinstance(asked, QMessageBox)
        qtbot.keyClick(asked, Qt.Key.Key_Return)

    QTimer.singleShot(200, scanner_enter)
    window.close()  # Ctrl+Q, Bench → Quit or the window's close button
    assert window.isVisible()


def test_quitting_with_nothing_open_asks_nothing(
    window: MainWindow, scanner: Scanner, monkeypatch: pytest.MonkeyPatch
) -> None:
    scanner.scan("BADGE-1001")
    monkeypatch.setattr(QMessageBox, "question", lambda *_args: pytest.fail("asked"))
    window.close()
    assert not window.isVisible()


def test_letters_mean_nothing_outside_their_step(
    window: MainWindow, scanner: Scanner, qtbot: QtBot
) -> None:
    start_return(scanner)
    before = window.feedback
    qtbot.keyClick(window, "A")  # a grade, but the checklist is not done
    qtbot.wait(200)
    assert window.feedback is before
    assert window.view.unit is not None and window.view.unit.grade is None


def test_a_scan_the_store_cannot_record_turns_the_store_light_red(
    window: MainWindow, scanner: Scanner, store: Store
) -> None:
    scanner.scan("BADGE-1001")
    assert window.header.store.state == "ok"
    with store.unit() as session:
        session.execute(text("DROP TABLE scan"))  # every scan's first write now fails
    feedback = scanner.scan("RMA-10004")
    assert feedback.tone is Tone.BAD and feedback.message.startswith("NOT RECORDED")
    assert window.header.store.state == "bad"
    assert window.header.store.text.text() == "Store: NOT RECORDING"


def test_the_command_sheet_is_written_where_chosen(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "sheet.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_args: (str(target), ""))
    action = next(
        a for a in window.menuBar().actions()[0].menu().actions() if "command" in a.text()
    )
    action.trigger()
    assert target.read_bytes().startswith(b"%PDF")
    assert window.feedback is not None and window.feedback.tone is Tone.GOOD


def test_signing_out_from_the_menu(window: MainWindow, scanner: Scanner) -> None:
    scanner.scan("BADGE-1001")
    action = next(
        a for a in window.menuBar().actions()[0].menu().actions() if a.text() == "Sign out"
    )
    action.trigger()
    assert window.header.operator.text() == "Nobody signed in"
    assert window.view.step is Step.SIGN_IN


def test_labels_that_may_not_have_printed_go_again_when_a_person_says_so(
    window: MainWindow, scanner: Scanner, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    scanner.scan("BADGE-1001")
    with store.unit() as session:
        queue_label(session, bench="BENCH-01", template="triage", data={"lpn": "LPN-X"})
        session.flush()
        session.scalars(select(LabelJob)).one().status = LabelJobState.UNSURE
    window.redraw()
    assert window.returns.resend.isVisible()
    assert window.header.printer.state == "bad"  # the light says so too, whatever the tab
    assert "1 may not have printed" in window.header.printer.text.text()
    monkeypatch.setattr(QMessageBox, "question", lambda *_args: QMessageBox.StandardButton.Yes)
    window.returns.resend.click()
    assert window.feedback is not None and window.feedback.message == "1 label(s) queued again."
    assert not window.returns.resend.isVisible()
    assert "may not have printed" not in window.header.printer.text.text()
    with store.read() as session:
        assert session.scalars(select(LabelJob.status)).one() == LabelJobState.QUEUED


def test_the_settings_save_only_for_the_supervisor_signed_in_at_the_mode_shown(
    window: MainWindow, scanner: Scanner, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[SettingsDialog] = []
    monkeypatch.setattr(SettingsDialog, "exec", lambda dialog: opened.append(dialog) or 0)
    window.open_settings()  # nobody signed in: to read only
    scanner.scan("BADGE-1001")
    window.open_settings()  # an inspector
    scanner.scan("@MODE-RECEIVING")  # the inspector stays behind at returns
    scanner.scan("BADGE-3001")
    window.open_settings()
    assert [dialog.save_button.isEnabled() for dialog in opened] == [False, False, True]


def test_a_wedge_prefix_saved_in_the_settings_is_used_at_once(
    window: MainWindow, qtbot: QtBot
) -> None:
    prefixed = Settings().with_values(scanner__wedge_prefix="~")
    window._apply_settings(prefixed)  # what the settings dialog's Save leads to
    assert window.header.scanner.text.text() == "Scanner: wedge, prefix ~"
    # With a prefix, a scan is whatever follows it up to Enter, however slowly it comes:
    # told by speed instead, keys this slow would be a person's.
    Scanner(qtbot, window, prefixed).type_slowly(window, "~BADGE-1001")
    qtbot.keyClick(window, Qt.Key.Key_Return)
    assert window.view.step is Step.IDENTIFY
    assert window.bench.operator is not None and window.bench.operator.badge == "BADGE-1001"


def test_an_event_settled_in_the_exception_queue_leaves_the_header_at_once(
    window: MainWindow, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    with store.unit() as session:
        emit(session, UnexpectedReturn(sku="GONE-1"))
        session.execute(update(OutboxEvent).values(status="rejected", last_error="gone"))
    window.header.show_erp(SyncState(SyncStatus.ONLINE, 0, None, "", rejected=1))
    sam = SignedIn("Sam Supervisor", "BADGE-3001", Role.SUPERVISOR)

    def settle(dialog: ExceptionsDialog) -> int:
        send_again(store, 1, sam, "BENCH-01")
        dialog.settled.emit("Sent again.")
        return 0

    monkeypatch.setattr(ExceptionsDialog, "exec", settle)
    window.open_exceptions()
    # The pending count is the last cycle's; the rejected one is gone without waiting for it.
    assert window.header.erp.text.text() == "ERP: online, 0 pending, last sync never"


def test_the_window_takes_the_keyboard_back_when_a_dialog_closes(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a window manager nobody else would, and the bench's keys would be dead."""
    window.show()
    qtbot.waitUntil(window.isActiveWindow)
    elsewhere = QWidget()
    qtbot.addWidget(elsewhere)

    def away(_dialog: object) -> int:
        elsewhere.show()  # the dialog had the keyboard; on closing it goes nowhere
        elsewhere.activateWindow()
        qtbot.waitUntil(elsewhere.isActiveWindow)
        return 0

    monkeypatch.setattr(SettingsDialog, "exec", away)
    window.open_settings()
    qtbot.waitUntil(window.isActiveWindow)


def test_after_a_restart_nothing_is_added_to_the_open_unit_before_a_sign_in(
    window: MainWindow,
    scanner: Scanner,
    make_window: Callable[[Settings], MainWindow],
    settings: Settings,
) -> None:
    start_return(scanner)
    assert window.returns.add_photo.isEnabled()
    restarted = make_window(settings)  # the same store, nobody signed in
    assert restarted.view.step is Step.SIGN_IN
    assert not restarted.returns.add_photo.isEnabled()
    assert not restarted.returns.notes.isEnabled()
