"""The bench's settings: scanners, printers and the ERP, with a test label and the last scans.

Every value goes through the settings registry before it is saved, so the screen cannot
write a file the station would refuse at its next start. "Print test label" sends straight
to the printer as typed, saved or not, and asks its status where the transport answers;
that is done on a thread of its own, since a printer may take its time up to its deadline,
and the answer is shown when it comes. Saved devices are used at once. The pages are tabs
that scroll, so the dialog fits a bench screen 1000 pixels high with Save and Close always
in sight.
Anyone may open it to read; only a supervisor signed in at the bench saves (the core
refuses anyone else too).

Signals:
    saved(str): the settings were written to this file.
    applied(object): the ``Settings`` just saved, for the scanner and printers to use now.
"""

import threading
import unicodedata
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QImage, QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from serial.tools import list_ports

from devices.label_jobs import sample_label
from devices.printers import NotSent, Printer, Unsure, printer_for
from station.errors import ConfigError, NotAllowed
from station.operators import Role, SignedIn
from station.setting_keys import (
    BENCH_ID,
    ERP_CA_BUNDLE,
    ERP_DATABASE,
    ERP_INTERVAL_S,
    ERP_URL,
    ERP_USER,
    GS1_SEPARATOR,
    LABEL_PURPOSES,
    PRINTER2_DPI,
    PRINTER2_LABELS,
    PRINTER2_STOCK,
    PRINTER2_URL,
    PRINTER_BAUD,
    PRINTER_DPI,
    PRINTER_STOCK,
    PRINTER_URL,
    REGISTRY,
    SERIAL_BAUD,
    SERIAL_PORT,
    STOCKS,
    WEDGE_MAX_GAP_MS,
    WEDGE_MIN_LENGTH,
    WEDGE_PREFIX,
    Setting,
)
from station.settings import Settings
from sync.credentials import KEYRING_SERVICE, PASSWORD_VARIABLE
from ui.label_preview import preview
from ui.models import ScanLogModel
from ui.tables import read_only_table

Field = QLineEdit | QSpinBox | QComboBox | QCheckBox
PREVIEW_HEIGHT = 360  # pixels on screen; the label itself is drawn at printer resolution
FRAME_ALLOWANCE = 60  # pixels for the dialog's title bar and frame, drawn by the desktop
SCAN_ROWS = 8  # the last scans in sight at once, without scrolling
Group = tuple[str, tuple[tuple[Setting[Any], str], ...]]
# The settings on this screen, by page and group: (key, label).
PAGES: tuple[tuple[str, tuple[Group, ...]], ...] = (
    (
        "Bench and scanners",
        (
            ("Bench", ((BENCH_ID, "Bench name"),)),
            (
                "Keyboard-wedge scanner",
                (
                    (WEDGE_PREFIX, "Prefix character (empty: tell scans by speed)"),
                    (WEDGE_MAX_GAP_MS, "Longest gap between a scan's keys (ms)"),
                    (WEDGE_MIN_LENGTH, "Shortest scan (characters)"),
                    (GS1_SEPARATOR, "Character sent for the GS1 separator"),
                ),
            ),
            (
                "Serial scanner",
                ((SERIAL_PORT, "Port (empty: none)"), (SERIAL_BAUD, "Speed (baud)")),
            ),
        ),
    ),
    (
        "Label printers",
        (
            (
                "Label printer",
                (
                    (PRINTER_URL, "Printer (tcp://, serial:, cups:, folder:)"),
                    (PRINTER_DPI, "Resolution (dpi)"),
                    (PRINTER_STOCK, "Label stock (in)"),
                    (PRINTER_BAUD, "Serial printer speed (baud)"),
                ),
            ),
            (
                "Second label printer",
                (
                    (PRINTER2_URL, "Printer (empty: none)"),
                    (PRINTER2_DPI, "Resolution (dpi)"),
                    (PRINTER2_STOCK, "Label stock (in)"),
                    (PRINTER2_LABELS, "Labels it prints"),
                ),
            ),
        ),
    ),
    (
        "ERP",
        (
            (
                "ERP (Tryton)",
                (
                    (ERP_URL, "Server (http://host:port; empty: work alone)"),
                    (ERP_CA_BUNDLE, "CA bundle for https (empty: the system's CAs)"),
                    (ERP_DATABASE, "Database"),
                    (ERP_USER, "User"),
                    (ERP_INTERVAL_S, "Seconds between sync cycles"),
                ),
            ),
        ),
    ),
)
# Single characters a scanner sends: a "|" alone in a field looks like the text cursor.
CHARACTERS = (WEDGE_PREFIX, GS1_SEPARATOR)
CHOICES: dict[str, tuple[str, ...]] = {
    PRINTER_DPI.key: ("203", "300"),
    PRINTER2_DPI.key: ("203", "300"),
    PRINTER_STOCK.key: STOCKS,
    PRINTER2_STOCK.key: STOCKS,
}


class SettingsDialog(QDialog):
    saved = Signal(str)
    applied = Signal(object)

    def __init__(
        self,
        settings: Settings,
        scans: ScanLogModel,
        parent: QWidget | None = None,
        *,
        signed_in: Callable[[], SignedIn | None] = lambda: None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Bench settings")
        self.settings = settings
        # Who is signed in at the bench now, asked when shown and at Save: a badge scanned
        # while the dialog is open may have signed the supervisor out.
        self.signed_in = signed_in
        self.read_only = QLabel(
            "Read only: a supervisor signs in at the bench to change the settings."
        )
        self.read_only.setWordWrap(True)
        self.fields: dict[str, Field] = {}
        self.labels_for_second: dict[str, QCheckBox] = {}
        self.character_names: dict[QLineEdit, QLabel] = {}
        self.result_line = QLabel()
        self.result_line.setObjectName("value")
        self.result_line.setWordWrap(True)
        self.scans = scans
        self.preview_image: QImage | None = None  # the last preview, at printer resolution
        self._test_print: _TestPrint | None = None  # the test print under way or last done
        self.tabs = QTabWidget()
        self.pages: dict[str, QVBoxLayout] = {}
        self.page_tabs: dict[str, _Page] = {}
        for title, groups in PAGES:
            page = QWidget()
            column = QVBoxLayout(page)
            for group in groups:
                column.addWidget(self._group(*group))
            self.pages[title] = column
            self.page_tabs[title] = _Page(page)
            self.tabs.addTab(self.page_tabs[title], title)
        printers = self.pages["Label printers"]
        printers.addWidget(self._test_row())
        self.preview = QLabel()
        self.preview.hide()
        printers.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignHCenter)
        for column in self.pages.values():
            column.addStretch(1)
        self.scan_table = read_only_table(scans)
        # A header and enough rows to read a burst of scans, whatever the font.
        rows = self.scan_table.verticalHeader().defaultSectionSize()
        self.scan_table.setMinimumHeight(rows * (SCAN_ROWS + 1))
        self.tabs.addTab(self.scan_table, "Last scans")
        self.tabs.currentChanged.connect(self._tab_shown)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.result_line)
        buttons = QHBoxLayout()
        buttons.addWidget(self.read_only, 1)
        self.save_button = QPushButton("Save")
        close = QPushButton("Close")
        for button, slot in ((self.save_button, self.save), (close, self.reject)):
            button.clicked.connect(slot)
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self._may_save()

    def _group(self, title: str, entries: tuple[tuple[Setting[Any], str], ...]) -> QGroupBox:
        box = QGroupBox(title)
        form = QFormLayout(box)
        for setting, label in entries:
            form.addRow(label, self._field(setting))
        if title == "Serial scanner":
            hint = QLabel(f"Seen now: {', '.join(self._ports()) or 'no serial ports'}")
            hint.setWordWrap(True)
            form.addRow(hint)
        if title == "Bench":
            form.addRow(QLabel(f"Saved in: {self.settings.file or 'nowhere (defaults)'}"))
        if title == "ERP (Tryton)":
            note = QLabel(
                "The password is never saved here: the station reads it from the "
                f"{PASSWORD_VARIABLE} environment variable, or from the OS keyring "
                f"(store it with: keyring set {KEYRING_SERVICE} <user>)."
            )
            note.setWordWrap(True)
            form.addRow(note)
        return box

    def _field(self, setting: Setting[Any]) -> QWidget:
        value = self.settings[setting]
        if setting is PRINTER2_LABELS:
            return self._purposes(str(value))
        field: Field
        if setting.key in CHOICES:
            field = QComboBox()
            field.addItems(CHOICES[setting.key])
            field.setCurrentText(str(value))
        elif setting.kind is bool:
            field = QCheckBox()
            field.setChecked(bool(value))
        elif setting.kind is int:
            field = QSpinBox()
            field.setRange(0, 10_000_000)
            field.setValue(int(value))
        elif setting is SERIAL_PORT:
            field = QComboBox()
            field.setEditable(True)
            field.addItems(["", *self._ports()])
            field.setCurrentText(str(value))
        else:
            field = QLineEdit(str(value))
        field.setToolTip(setting.meaning)
        self.fields[setting.key] = field
        if setting in CHARACTERS:
            return self._named(field)
        return field

    def _named(self, field: Field) -> QWidget:
        """A one-character field with the character's name beside it, kept as typed."""
        assert isinstance(field, QLineEdit)
        field.setMaxLength(1)
        field.setMaximumWidth(field.fontMetrics().horizontalAdvance("W") * 4)
        name = QLabel(character_name(field.text()))
        field.textChanged.connect(lambda text: name.setText(character_name(text)))
        self.character_names[field] = name
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(field)
        line.addWidget(name, 1)
        return row

    def _purposes(self, chosen: str) -> QWidget:
        picked = {p.strip() for p in chosen.split(",")}
        row = QWidget()
        boxes = QHBoxLayout(row)
        boxes.setContentsMargins(0, 0, 0, 0)
        for purpose in LABEL_PURPOSES:
            box = QCheckBox(purpose)
            box.setChecked(purpose in picked)
            self.labels_for_second[purpose] = box
            boxes.addWidget(box)
        return row

    def _test_row(self) -> QWidget:
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        self.test_purpose = QComboBox()
        self.test_purpose.addItems(LABEL_PURPOSES)
        self.test_printer = QComboBox()
        self.test_printer.addItems(["Label printer", "Second label printer"])
        self.print_test = QPushButton("Print test label")
        self.print_test.clicked.connect(self.print_test_label)
        show_preview = QPushButton("Preview")
        show_preview.clicked.connect(self.show_preview)
        for widget in (
            QLabel("Test label:"),
            self.test_purpose,
            self.test_printer,
            self.print_test,
            show_preview,
        ):
            line.addWidget(widget)
        line.addStretch(1)
        return row

    # --- intents ------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """What the form says, as the registry's typed values."""
        values: dict[str, Any] = {}
        for key, field in self.fields.items():
            kind = REGISTRY[key].kind
            if isinstance(field, QCheckBox):
                values[key] = field.isChecked()
            elif isinstance(field, QSpinBox):
                values[key] = field.value()
            elif isinstance(field, QComboBox):
                values[key] = int(field.currentText()) if kind is int else field.currentText()
            else:
                values[key] = field.text()
        chosen = [p for p, box in self.labels_for_second.items() if box.isChecked()]
        values[PRINTER2_LABELS.key] = ",".join(chosen)
        return values

    def save(self) -> None:
        try:
            changed = self.settings.changed(self.values())
            file = changed.save_at_bench(self.signed_in())
        except (ConfigError, NotAllowed) as exc:
            self._say(f"Not saved: {exc}", ok=False)
            self._may_save()
            return
        self.settings = changed
        self._say(f"Saved to {file}. The scanner and printers use them now.", ok=True)
        self.saved.emit(str(file))
        self.applied.emit(changed)

    def print_test_label(self) -> None:
        try:
            chosen = self.settings.changed(self.values())
        except ConfigError as exc:
            self._say(f"Not printed: {exc}", ok=False)
            return
        second = self.test_printer.currentIndex() == 1
        url = chosen[PRINTER2_URL if second else PRINTER_URL]
        if not url:
            self._say("Not printed: no printer is set there.", ok=False)
            return
        dpi = chosen[PRINTER2_DPI if second else PRINTER_DPI]
        stock = chosen[PRINTER2_STOCK if second else PRINTER_STOCK]
        purpose = self.test_purpose.currentText()
        try:
            label = sample_label(purpose, dpi, stock)
            printer = printer_for(url, chosen[PRINTER_BAUD])
        except ValueError as exc:
            self._say(f"Not printed: {exc}", ok=False)
            return
        sent = f"Test {purpose} label sent to {printer.name} ({stock}, {dpi} dpi)."
        # Kept here as well as by the thread, so that it is let go of on this thread.
        self._test_print = _TestPrint(printer, label, sent)
        self._test_print.answered.connect(self._test_print_answered)
        self.print_test.setEnabled(False)  # one test print at a time
        self._say(f"Printing a test {purpose} label on {printer.name}…", ok=True)
        threading.Thread(target=self._test_print.run, name="test-print", daemon=True).start()

    @Slot(str, bool)
    def _test_print_answered(self, text: str, ok: bool) -> None:
        self.print_test.setEnabled(True)
        self._say(text, ok)

    def show_preview(self) -> None:
        """The test label as the office-printer PDF draws it, scaled to fit the screen."""
        second = self.test_printer.currentIndex() == 1
        dpi_field = self.fields[(PRINTER2_DPI if second else PRINTER_DPI).key]
        stock_field = self.fields[(PRINTER2_STOCK if second else PRINTER_STOCK).key]
        assert isinstance(dpi_field, QComboBox) and isinstance(stock_field, QComboBox)
        purpose = self.test_purpose.currentText()
        try:
            image = preview(purpose, int(dpi_field.currentText()), stock_field.currentText())
        except ValueError as exc:
            self._say(f"No preview: {exc}", ok=False)
            return
        self.preview_image = image
        page = self.page_tabs["Label printers"]
        self.tabs.setCurrentWidget(page)
        self.preview.setPixmap(
            QPixmap.fromImage(image).scaledToHeight(
                PREVIEW_HEIGHT, Qt.TransformationMode.SmoothTransformation
            )
        )
        self.preview.show()
        # Room for the label where the screen has it; else the page scrolls down to it.
        room = self.screen().availableGeometry().height() - FRAME_ALLOWANCE
        self.resize(self.width(), max(self.height(), min(room, self.height() + PREVIEW_HEIGHT)))
        QTimer.singleShot(0, lambda: page.ensureWidgetVisible(self.preview))
        self._say(f"Preview of the {purpose} label on {stock_field.currentText()} in stock.", True)

    def showEvent(self, event: QShowEvent) -> None:
        self._may_save()
        super().showEvent(event)

    def _may_save(self) -> None:
        """Save is for a supervisor signed in at the bench; anyone else reads, and is told why."""
        who = self.signed_in()
        supervisor = who is not None and who.role is Role.SUPERVISOR
        self.save_button.setEnabled(supervisor)
        self.read_only.setVisible(not supervisor)

    def _tab_shown(self, index: int) -> None:
        if self.tabs.widget(index) is self.scan_table:
            self.scans.refresh()

    def _say(self, text: str, ok: bool) -> None:
        self.result_line.setText(text)
        self.result_line.setStyleSheet(f"color: {'#1b7f3b' if ok else '#c62828'};")

    @staticmethod
    def _ports() -> list[str]:
        return sorted(port.device for port in list_ports.comports())


def character_name(text: str) -> str:
    """What a one-character setting holds, in words: "|" is read as the vertical line."""
    if not text:
        return "(none)"
    return f"({unicodedata.name(text, f'U+{ord(text):04X}').lower()})"


class _TestPrint(QObject):
    """A test label sent, and the printer's status asked, away from the GUI thread.

    Signals:
        answered(str, bool): what to tell the operator, and whether it went well; emitted
            from the printing thread, queued to the dialog's.
    """

    answered = Signal(str, bool)

    def __init__(self, printer: Printer, label: bytes, sent: str) -> None:
        super().__init__()
        self.printer, self.label, self.sent = printer, label, sent

    def run(self) -> None:
        try:
            self.printer.send(self.label)
        except (NotSent, Unsure) as exc:
            self.answered.emit(f"Not printed: {exc}", False)
            return
        status = getattr(self.printer, "status", None)
        said = f" The printer says: {status()}." if callable(status) else ""
        self.answered.emit(f"{self.sent}{said}", True)


class _Page(QScrollArea):
    """A page that scrolls up and down only: it asks for its content's full width, which
    a plain scroll area would cut short and hide behind a sideways scroll bar."""

    def __init__(self, page: QWidget) -> None:
        super().__init__()
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidget(page)
        self.page = page

    def sizeHint(self) -> QSize:
        return self._full_width(super().sizeHint())

    def minimumSizeHint(self) -> QSize:
        return self._full_width(super().minimumSizeHint())

    def _full_width(self, size: QSize) -> QSize:
        width = self.page.sizeHint().width() + self.verticalScrollBar().sizeHint().width()
        return QSize(max(size.width(), width), size.height())
