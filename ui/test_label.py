"""The printers page's test label: one sent to a printer as typed, or shown as it will print.

"Print test label" sends straight to the printer the form names, saved or not, and asks
its status where the transport answers; that is done on a thread of its own, since a
printer may take its time up to its deadline, and the answer is told when it comes.
"Preview" draws the label from its office-printer PDF, at the printer's resolution.

Signals:
    said(str, bool): what to tell the operator, and whether it went well.
    previewed(): the preview was drawn below the row, for the dialog to make room for it.
"""

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from devices.label_jobs import sample_label
from devices.printers import NotSent, Printer, Unsure, printer_for
from station.errors import ConfigError
from station.setting_keys import (
    LABEL_PURPOSES,
    PRINTER2_DPI,
    PRINTER2_STOCK,
    PRINTER2_URL,
    PRINTER_BAUD,
    PRINTER_DPI,
    PRINTER_STOCK,
    PRINTER_URL,
)
from station.settings import Settings
from ui.label_preview import preview

PREVIEW_HEIGHT = 360  # pixels on screen; the label itself is drawn at printer resolution
PRINTERS = ("Label printer", "Second label printer")


class TestLabel(QWidget):
    """The row (purpose, printer, Print test label, Preview) and the preview below it.

    ``chosen`` gives the settings as the form says them now, or raises ConfigError.
    """

    said = Signal(str, bool)
    previewed = Signal()

    def __init__(self, chosen: Callable[[], Settings]) -> None:
        super().__init__()
        self.chosen = chosen
        self.preview_image: QImage | None = None  # the last preview, at printer resolution
        self._sending: _TestPrint | None = None  # the test print under way or last done
        self.purpose = QComboBox()
        self.purpose.addItems(LABEL_PURPOSES)
        self.printer = QComboBox()
        self.printer.addItems(PRINTERS)
        self.print_button = QPushButton("Print test label")
        self.print_button.clicked.connect(self.print_label)
        show = QPushButton("Preview")
        show.clicked.connect(self.show_preview)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for widget in (QLabel("Test label:"), self.purpose, self.printer, self.print_button, show):
            row.addWidget(widget)
        row.addStretch(1)
        for button in (self.print_button, show):
            # Enter in a field of the dialog saves; it never prints or draws a label.
            button.setAutoDefault(False)
        self.preview = QLabel()
        self.preview.hide()
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(row)
        column.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignHCenter)

    def _on(self, chosen: Settings) -> tuple[str, int, str]:
        """The chosen printer's (url, dpi, stock) in these settings."""
        if self.printer.currentIndex() == 1:
            return chosen[PRINTER2_URL], chosen[PRINTER2_DPI], chosen[PRINTER2_STOCK]
        return chosen[PRINTER_URL], chosen[PRINTER_DPI], chosen[PRINTER_STOCK]

    def print_label(self) -> None:
        try:
            chosen = self.chosen()
        except ConfigError as exc:
            self.said.emit(f"Not printed: {exc}", False)
            return
        url, dpi, stock = self._on(chosen)
        if not url:
            self.said.emit("Not printed: no printer is set there.", False)
            return
        purpose = self.purpose.currentText()
        try:
            label = sample_label(purpose, dpi, stock)
            printer = printer_for(url, chosen[PRINTER_BAUD])
        except ValueError as exc:
            self.said.emit(f"Not printed: {exc}", False)
            return
        sent = f"Test {purpose} label sent to {printer.name} ({stock}, {dpi} dpi)."
        # Kept here as well as by the thread, so that it is let go of on this thread.
        self._sending = _TestPrint(printer, label, sent)
        self._sending.answered.connect(self._answered)
        self.print_button.setEnabled(False)  # one test print at a time
        self.said.emit(f"Printing a test {purpose} label on {printer.name}…", True)
        threading.Thread(target=self._sending.run, name="test-print", daemon=True).start()

    @Slot(str, bool)
    def _answered(self, text: str, ok: bool) -> None:
        self.print_button.setEnabled(True)
        self.said.emit(text, ok)

    def show_preview(self) -> None:
        """The test label as the office-printer PDF draws it, scaled to fit the screen."""
        purpose = self.purpose.currentText()
        try:
            _, dpi, stock = self._on(self.chosen())
            image = preview(purpose, dpi, stock)
        except (ConfigError, ValueError) as exc:
            self.said.emit(f"No preview: {exc}", False)
            return
        self.preview_image = image
        self.preview.setPixmap(
            QPixmap.fromImage(image).scaledToHeight(
                PREVIEW_HEIGHT, Qt.TransformationMode.SmoothTransformation
            )
        )
        self.preview.show()
        self.said.emit(f"Preview of the {purpose} label on {stock} in stock.", True)
        self.previewed.emit()


class _TestPrint(QObject):
    """A test label sent, and the printer's status asked, away from the GUI thread.

    Signals:
        answered(str, bool): what to tell the operator, and whether it went well; emitted
            from the printing thread, queued to the widget's.
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
