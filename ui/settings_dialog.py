"""The bench's settings: scanners, printers and the ERP, with a test label and the last scans.

Every value goes through the settings registry before it is saved, so the screen cannot
write a file the station would refuse at its next start. Saved devices are used at once.
The pages are tabs that scroll, so the dialog fits a bench screen 1000 pixels high with
Save and Close always in sight. It is worked by keyboard too: the bench's name has the
focus when it opens, Tab walks the fields, Enter saves, Esc closes.
Anyone may open it to read; only a supervisor signed in at the bench saves (the core
refuses anyone else too).

Signals:
    saved(str): the settings were written to this file.
    applied(object): the ``Settings`` just saved, for the scanner and printers to use now.
"""

import unicodedata
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
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

from station.errors import ConfigError, NotAllowed
from station.operators import Role, SignedIn
from station.setting_keys import (
    BENCH_ID,
    CURRENCY,
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
from ui.models import ScanLogModel
from ui.tables import read_only_table
from ui.test_label import PREVIEW_HEIGHT, TestLabel

Field = QLineEdit | QSpinBox | QComboBox | QCheckBox
FRAME_ALLOWANCE = 60  # pixels for the dialog's title bar and frame, drawn by the desktop
SCAN_ROWS = 8  # the last scans in sight at once, without scrolling
Group = tuple[str, tuple[tuple[Setting[Any], str], ...]]
# The settings on this screen, by page and group: (key, label).
PAGES: tuple[tuple[str, tuple[Group, ...]], ...] = (
    (
        "Bench and scanners",
        (
            ("Bench", ((BENCH_ID, "Bench name"), (CURRENCY, "Currency (ISO 4217: EUR, USD…)"))),
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
        self.test_label = TestLabel(lambda: self.settings.changed(self.values()))
        self.test_label.said.connect(self._say)
        self.test_label.previewed.connect(self._make_room_for_preview)
        self.pages["Label printers"].addWidget(self.test_label)
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
            button.setAutoDefault(False)
            buttons.addWidget(button)
        # Enter in any field saves (while Save may act); Esc closes, as in any dialog.
        self.save_button.setDefault(True)
        layout.addLayout(buttons)
        self.fields[BENCH_ID.key].setFocus()
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

    def _make_room_for_preview(self) -> None:
        """Room for the label just drawn where the screen has it; else its page scrolls."""
        page = self.page_tabs["Label printers"]
        self.tabs.setCurrentWidget(page)
        room = self.screen().availableGeometry().height() - FRAME_ALLOWANCE
        self.resize(self.width(), max(self.height(), min(room, self.height() + PREVIEW_HEIGHT)))
        QTimer.singleShot(0, lambda: page.ensureWidgetVisible(self.test_label.preview))

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
