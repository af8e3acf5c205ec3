"""The bench window: every intent goes to the bench of the current mode, then it redraws.

The station works one mode at a time, returns or receiving, each a bench of its own with a
screen of its own; ``MODE-…`` barcodes, F6/F7 and the Bench menu switch between them, and
the operator carries over when their role may work the other bench. Scans arrive from the
``WedgeFilter`` (or a serial scanner); keys, PINs and clicks from the screens. Each becomes
one call on the bench; the ``Feedback`` it returns is shown and played, and the screen is
drawn again from a fresh view and the table models.
"""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from station.checkin.bench import CheckinBench
from station.commands import Command
from station.errors import NotAllowed
from station.feedback import Feedback, Tone
from station.operators import Role, require
from station.receiving.bench import ReceivingBench
from station.receiving.view import ReceivingView
from station.rejected_events import count_rejected
from station.returns.bench import ReturnsBench
from station.returns.view import BenchView
from station.scans import Scan
from station.setting_keys import CURRENCY, WEDGE_PREFIX
from station.settings import Settings
from station.site_rulepack import in_force
from station.store.engine import Store
from sync.hub.replicate import SiteState
from ui.bench_modes import AnyBench, AnyScreen, Mode, starting_mode
from ui.checkin_screen import CheckinScreen
from ui.exceptions_dialog import ExceptionsDialog
from ui.feedback import FeedbackPlayer
from ui.header import Header
from ui.keys import checkin_key, receiving_key, returns_key
from ui.models import LabelJobModel, ScanLogModel, StoreTableModel, TriageQueueModel
from ui.print_link import printer_set
from ui.receiving_screen import ReceivingScreen
from ui.returns_screen import ReturnsScreen
from ui.serial_link import SerialScannerLink
from ui.style import SHEET
from ui.wedge import WedgeFilter

if TYPE_CHECKING:  # the supervisor's view (numpy, charts) loads on its first opening
    from ui.supervisor_window import SupervisorWindow

log = logging.getLogger("station.ui")
PHOTO_FILES = "Images (*.jpg *.jpeg *.png *.webp *.heic);;All files (*)"


class MainWindow(QMainWindow):
    """Signals:
    settings_applied(object): new ``Settings`` saved in the settings dialog, for the
        device links to start again with.
    """

    settings_applied = Signal(object)
    # The site put a rule pack in force that this bench takes up between two units.
    _pack_waits = False

    def __init__(
        self,
        bench: ReturnsBench,
        receiving: ReceivingBench,
        settings: Settings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.supervisor: SupervisorWindow | None = None  # kept open beside the bench
        self.bench = bench
        self.receiving_bench = receiving
        self.feedback: Feedback | None = None
        self.setStyleSheet(SHEET)
        self.resize(1366, 768)
        self._wedge = _wedge_said(settings)
        self.header = Header(bench.bench_id, self._wedge)
        self.returns = ReturnsScreen()
        self.receiving = ReceivingScreen()
        self.triage = TriageQueueModel(bench.store, bench.bench_id, self)
        printing = printer_set(settings)
        self.labels = LabelJobModel(bench.store, bench.bench_id, printing, self)
        self.scans = ScanLogModel(bench.store, bench.bench_id, self)
        self.triage_table = self.returns.add_table("Triage queue", self.triage)
        self.labels_table = self.returns.add_table("Label jobs", self.labels)
        self.returns.add_table("Recent scans", self.scans)
        # One model per table: a view shown in two places would be drawn twice per scan.
        self.receiving_labels = LabelJobModel(bench.store, bench.bench_id, printing, self)
        self.receiving_scans = ScanLogModel(bench.store, bench.bench_id, self)
        self.receiving.add_table("Recent scans", self.receiving_scans)
        self.receiving.add_table("Label jobs", self.receiving_labels)
        modes = (
            Mode(
                bench,
                self.returns,
                self._draw_returns,
                lambda text, key: returns_key(
                    text, key, screen=self.returns, view=self.view, bench=bench, act=self.act
                ),
                (self.triage, self.labels, self.scans),
                self.labels,
            ),
            Mode(
                receiving,
                self.receiving,
                self._draw_receiving,
                lambda text, key: receiving_key(
                    text,
                    key,
                    screen=self.receiving,
                    view=self.receiving_view,
                    bench=receiving,
                    act=self.act,
                ),
                (self.receiving_labels, self.receiving_scans),
                self.receiving_labels,
            ),
            self._checkin_mode(bench, settings, printing),
        )
        self.modes = {mode.name: mode for mode in modes}
        self._switches = ", ".join(f"{m.command.key} {m.title.lower()}" for m in modes)
        self.mode = starting_mode(self.modes)
        self.screens = QStackedWidget()
        for mode in modes:
            self.screens.addWidget(mode.screen)
        self.screens.setCurrentWidget(self._screen())
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.screens, 1)
        self.setCentralWidget(central)
        self._menus()

        self._connect()
        self.player = FeedbackPlayer(settings, self)
        if self.player.silent is not None:
            self.feedback = Feedback.warn(self.player.silent)
        self.wedge = WedgeFilter(settings, scope=self, parent=self)
        _application().installEventFilter(self.wedge)
        self.wedge.scan_received.connect(self.on_scan)
        self.wedge.key_pressed.connect(self.on_key)
        self._cancel_lapse = _single_shot(self, self._cancel_lapsed)
        self.view: BenchView = bench.view()
        self.receiving_view: ReceivingView = receiving.view()
        self.redraw()

    def _checkin_mode(self, bench: ReturnsBench, settings: Settings, printing: bool) -> Mode:
        """The dock's check-in, on the returns bench's rule pack (which the site may change)."""
        self.checkin_bench = CheckinBench(bench.store, settings, lambda: bench.pack)
        self.checkin = CheckinScreen()
        labels = LabelJobModel(bench.store, bench.bench_id, printing, self)
        scans = ScanLogModel(bench.store, bench.bench_id, self)
        self.checkin.add_table("Recent scans", scans)
        self.checkin.add_table("Label jobs", labels)
        return Mode(
            self.checkin_bench,
            self.checkin,
            lambda: self.checkin.show_view(self.checkin_bench.view()),
            lambda text, _key: checkin_key(self.checkin, self.checkin_bench, text),
            (labels, scans),
            labels,
        )

    def _connect(self) -> None:
        """Each screen's intents, to the bench of its mode."""
        for mode in self.modes.values():
            self._connect_screen(mode)
        receiving = self.receiving_bench
        self.receiving.quantity_entered.connect(
            lambda count: self.act(lambda: receiving.press(f"QTY-{count}"))
        )
        self.returns.resend_requested.connect(self.resend_labels)
        self.returns.notes_save_requested.connect(self.save_notes)

    def _connect_screen(self, mode: Mode) -> None:
        """What every bench screen asks: a typed code, a PIN, an approval, a photo."""
        bench, screen = mode.bench, mode.screen
        screen.code_entered.connect(lambda code: self.take(Scan(code, source="keyboard")))
        screen.sign_in_requested.connect(lambda pin: self.act(lambda: bench.sign_in_pin(pin)))
        screen.approval_requested.connect(lambda pin: self.act(lambda: bench.approve_with_pin(pin)))
        screen.photo_requested.connect(self.add_photo)

    def _menus(self) -> None:
        menu = self.menuBar().addMenu("&Bench")
        switches = tuple(
            (f"{mode.title} mode", self._switcher(mode.command), QKeySequence(mode.command.key))
            for mode in self.modes.values()
        )
        actions: tuple[tuple[str, Callable[[], object], QKeySequence | None], ...] = (
            ("Type a code", self.focus_code, QKeySequence(Qt.Key.Key_F2)),
            *switches,
            ("Print command sheet…", self.print_command_sheet, None),
            ("Settings: scanners, printers, ERP…", self.open_settings, None),
            ("Exception queue…", self.open_exceptions, None),
            ("Supervisor view…", self.open_supervisor, QKeySequence(Qt.Key.Key_F9)),
            ("Sign out", lambda: self.act(self.active().sign_out), None),
            ("Quit", self.close, QKeySequence(QKeySequence.StandardKey.Quit)),
        )
        for text, slot, shortcut in actions:
            action = QAction(text, self)
            if shortcut is not None:
                action.setShortcut(shortcut)
            action.triggered.connect(slot)
            menu.addAction(action)

    def _switcher(self, command: Command) -> Callable[[], None]:
        return lambda: self.switch_by_key(command.code)

    # --- intents ------------------------------------------------------------------------

    def act(self, intent: Callable[[], Feedback]) -> None:
        """Run one intent on the bench, then show its feedback on a fresh screen."""
        self.show_feedback(intent())

    def show_feedback(self, feedback: Feedback) -> None:
        if taken := self._take_up_pack():  # a unit just finished: the site's pack from now on
            feedback = replace(feedback, message=f"{feedback.message} {taken}")
        self.feedback = feedback
        if feedback.switch_to is not None:
            self._switch(feedback.switch_to)
        self.redraw()
        self.player.play(self.feedback)
        left = self.active().cancel_waiting()
        if left is not None:  # "press Esc again" holds only so long: then it leaves the screen
            self._cancel_lapse.start(int(left * 1000) + 50)

    def heard_from_site(self, state: SiteState) -> None:
        """A supervisor at another bench answered this bench's approval: said at once, on a
        fresh screen (the work goes on from the answer, without waiting for a scan). A rule
        pack the site put in force is taken up between two units."""
        if state.rulepack is not None:
            self._pack_waits = True
        if state.applied:
            self.show_feedback(Feedback.good(" ".join(state.applied)))
        elif taken := self._take_up_pack():
            self.show_feedback(Feedback.good(taken))

    def _take_up_pack(self) -> str:
        """The site's new rule pack, if one waits and no unit is open; what to say of it."""
        if not self._pack_waits or self.bench.busy():
            return ""
        self._pack_waits = False
        with self.bench.store.read() as session:
            pack = in_force(session, self.bench.pack)
        self.bench.use_pack(pack)
        return f"Rule pack {pack.version} from the site is in force from the next unit on."

    def _cancel_lapsed(self) -> None:
        asked = self.feedback is not None and self.feedback.tone is Tone.WARN
        if asked and self.active().cancel_waiting() is None:
            self.feedback = Feedback.good("Not cancelled: the work goes on where it was.")
            self.redraw()

    def active(self) -> AnyBench:
        return self.modes[self.mode].bench

    def on_scan(self, raw: str) -> None:
        self.take(Scan(raw, source="wedge"))

    def take(self, scan: Scan) -> None:
        """A scan from any scanner, wedge or serial, or a code typed in the code field."""
        saved = self._save_notes_quietly()
        if saved is not None and saved.tone is Tone.BAD:
            self.show_feedback(saved)  # no scan is taken while the notes before it are lost
            return
        self.act(lambda: self.active().handle(scan))

    def switch_by_key(self, code: str) -> None:
        self.act(lambda: self.active().press(code))

    def _switch(self, mode: str) -> None:
        """Show the other mode's screen; its bench takes the operator if their role may."""
        left, joined = self.active(), self.modes[mode]
        self.mode = joined.name
        refused = joined.bench.adopt(left.hand_over())
        if refused is not None:
            self.feedback = refused
        self.screens.setCurrentWidget(self._screen())

    def _screen(self) -> AnyScreen:
        return self.modes[self.mode].screen

    def focus_code(self) -> None:
        self._screen().code.setFocus()

    def printers_changed(self, names: list[str]) -> None:
        """The printers the bench prints on now; with none, labels wait and say why."""
        self.header.show_printers_set(names)
        for model in (self.labels, self.receiving_labels):
            model.why_waiting = "" if names else "no printer set"
        self.redraw()

    def attach_serial_scanner(self, link: SerialScannerLink) -> None:
        link.scan_received.connect(self.take)
        link.state_changed.connect(
            lambda state: self.header.show_serial_scanner(state, self._wedge)
        )
        self.header.show_serial_scanner(link.scanner.state, self._wedge)

    def detach_serial_scanner(self) -> None:
        """The serial scanner was taken out of the settings: the wedge alone reads."""
        self.header.show_wedge_only(self._wedge)

    def on_key(self, text: str, key: int) -> None:
        self.modes[self.mode].on_key(text, key)

    def save_notes(self) -> None:
        if self._notes_changed():
            text = self.returns.notes.toPlainText()
            self.act(lambda: self.bench.save_notes(text))

    def _notes_changed(self) -> bool:
        unit = self.view.unit
        return unit is not None and self.returns.notes.toPlainText() != unit.notes

    def _save_notes_quietly(self) -> Feedback | None:
        """Store typed notes without a tone of their own: the next feedback speaks for both."""
        if not self._notes_changed():
            return None
        text = self.returns.notes.toPlainText()
        return self.bench.save_notes(text)

    def add_photo(self) -> None:
        with self._asking():
            chosen, _filter = QFileDialog.getOpenFileName(self, "Add a photo", "", PHOTO_FILES)
        if chosen:
            bench = self.active()
            self.act(lambda: bench.add_photo(Path(chosen)))

    def resend_labels(self) -> None:
        with self._asking():
            answer = QMessageBox.question(
                self,
                "Print the labels again?",
                f"{self.labels.unsure} label(s) were being sent when the printer or the "
                "station stopped answering. Look at the printer: print again only what is "
                "missing.",
            )
        if answer == QMessageBox.StandardButton.Yes:
            self.act(self.active().resend_unsure_labels)

    def open_exceptions(self) -> None:
        bench = self.active()
        dialog = ExceptionsDialog(bench.store, bench.operator, bench.bench_id, self)
        dialog.settled.connect(lambda said: self._settled(bench.store, said))
        with self._asking():
            dialog.exec()

    def _settled(self, store: Store, said: str) -> None:
        self.header.show_rejected(count_rejected(store))
        self.show_feedback(Feedback.good(said))

    def open_supervisor(self) -> None:
        """The benches' figures, for a supervisor signed in at this bench."""
        bench = self.active()
        try:
            require(bench.operator, Role.SUPERVISOR, action="open the supervisor view")
        except NotAllowed as refused:
            self.show_feedback(Feedback.bad(str(refused)))
            return
        from ui.supervisor_window import SupervisorWindow  # noqa: PLC0415 - see above

        self.supervisor = SupervisorWindow(
            bench.store,
            self.bench.inspection,
            lambda: self.active().operator,
            bench=bench.bench_id,
            currency=self.settings[CURRENCY],
            parent=self,
        )
        self.supervisor.show()

    def open_settings(self) -> None:
        # Here, not at the top: its label preview draws with the PDF library, a tenth of
        # the window's start for a dialog opened now and then.
        from ui.settings_dialog import SettingsDialog  # noqa: PLC0415

        scans = ScanLogModel(self.bench.store, self.bench.bench_id, self)
        dialog = SettingsDialog(
            self.settings, scans, self, signed_in=lambda: self.active().operator
        )
        dialog.saved.connect(
            lambda file: self.show_feedback(Feedback.good(f"Settings saved to {file}."))
        )
        dialog.applied.connect(self._apply_settings)
        with self._asking():
            dialog.exec()

    def _apply_settings(self, settings: Settings) -> None:
        """Saved settings, used at once: the wedge's here; the serial scanner and the
        printers by whoever starts the devices (``settings_applied``)."""
        self.settings = settings
        self.wedge.use(settings)
        self._wedge = _wedge_said(settings)
        self.header.show_wedge_only(self._wedge)  # until a serial scanner, if set, attaches
        self.settings_applied.emit(settings)

    def print_command_sheet(self) -> None:
        with self._asking():
            chosen, _filter = QFileDialog.getSaveFileName(
                self, "Save the bench command sheet", "command-sheet.pdf", "PDF (*.pdf)"
            )
        if not chosen:
            return
        # Here, not at the top: its PDF library is a tenth of the window's start.
        from station.command_sheet import write_command_sheet  # noqa: PLC0415

        try:
            write_command_sheet(Path(chosen), self.bench.pack)
        except OSError as exc:
            self.show_feedback(Feedback.bad(f"Command sheet not written: {exc}"))
            return
        self.show_feedback(Feedback.good(f"Command sheet written to {chosen}: print it."))

    # --- drawing ------------------------------------------------------------------------

    def redraw(self) -> None:
        """Draw the current mode's screen from a fresh view and its tables."""
        mode = self.modes[self.mode]
        self.setWindowTitle(f"Station · {self.bench.bench_id} · {mode.title}")
        self.header.show_operator(mode.bench.operator)
        self.header.show_mode(mode.title, self._switches)
        mode.screen.show_feedback(self.feedback)
        mode.screen.code.keep_secret(mode.bench.operator is None)
        if mode.bench.operator is None:  # one read, and only while nobody is signed in
            mode.screen.sign_in.show_open(mode.bench.open_work())
        mode.draw()
        self._read_tables(mode.tables)

    def show_label_jobs(self) -> None:
        """A printer's try changed a job's state, attempts or last error: its table and the
        printer light are read again, not the whole screen (a redraw while scans go on)."""
        self._read_tables((self.modes[self.mode].labels,))

    def _read_tables(self, tables: tuple[StoreTableModel, ...]) -> None:
        mode = self.modes[self.mode]
        healthy = self.feedback is None or self.feedback.stored
        problem = "" if healthy or self.feedback is None else self.feedback.message
        for model in tables:
            try:
                model.refresh()
            except SQLAlchemyError as exc:
                # A damaged table must not take the bench down: keep the rows last shown.
                log.exception("%s not refreshed", type(model).__name__)
                healthy, problem = False, f"The local database cannot be read: {exc}"
        self.header.show_store(healthy, problem)
        self.header.show_printer(mode.labels.queued, mode.labels.unsure)
        self.returns.show_unsure_labels(self.labels.unsure)
        self.returns.retitle(self.triage_table, f"Triage queue ({self.triage.waiting})")
        self.returns.retitle(self.labels_table, f"Label jobs ({self.labels.queued} queued)")

    def _draw_returns(self) -> None:
        self.view = self.bench.view()
        self.returns.show_view(self.view)

    def _draw_receiving(self) -> None:
        self.receiving_view = self.receiving_bench.view()
        self.receiving.show_view(self.receiving_view)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.isVisible() and not self._quit_anyway():
            event.ignore()
            return
        saved = self._save_notes_quietly()
        if saved is not None and saved.tone is Tone.BAD:
            log.error("notes typed before closing were not saved: %s", saved.message)
        _application().removeEventFilter(self.wedge)
        super().closeEvent(event)

    def _quit_anyway(self) -> bool:
        """Quitting keeps open work (it resumes), but the operator should know what is open."""
        open_work = next(
            (work for mode in self.modes.values() if (work := mode.bench.open_work())), None
        )
        if open_work is None:
            return True
        buttons = QMessageBox.StandardButton
        with self._asking():
            # Keep working is the default: a scanner's Enter, read into the question while
            # the operator scans on, must not close the bench.
            answer = QMessageBox.question(
                self,
                "Quit with work open?",
                f"{open_work}; it resumes when the bench starts again. Quit anyway?",
                buttons.Yes | buttons.No,
                buttons.No,
            )
        return answer == buttons.Yes

    @contextmanager
    def _asking(self) -> Iterator[None]:
        """A dialog over the window. Without a window manager (a bench session that runs
        the station alone) nobody hands the keyboard back when it closes, and F2, F6, F7, F9
        and Ctrl+Q would be dead until a click: the window takes it back itself."""
        try:
            yield
        finally:
            self.activateWindow()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.activateWindow()  # at start too, nobody else may give it the keyboard


def _single_shot(parent: QWidget, slot: Callable[[], None]) -> QTimer:
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.timeout.connect(slot)
    return timer


def _wedge_said(settings: Settings) -> str:
    prefix = settings[WEDGE_PREFIX]
    return f"wedge, prefix {prefix}" if prefix else "wedge"


def _application() -> QApplication:
    app = QApplication.instance()
    assert isinstance(app, QApplication), "the bench window needs a QApplication"
    return app
