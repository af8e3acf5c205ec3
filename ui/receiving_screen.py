"""The receiving screen: the receipt line by line, its plates and the putaway, under what
every bench screen shows (``BenchScreen``). The bin to put away to is in the biggest type
on the screen, to be read from the forklift.
"""

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from station.commands import RECEIVING
from station.receiving.view import ReceivingView, RStep
from ui.bench_screen import BenchScreen
from ui.pin import PinEntry
from ui.receiving_models import PlatesModel, ReceiptLinesModel
from ui.tables import read_only_table

# The steps where Esc lets go of what is in hand (``ReceivingBench._cancel``), with the
# commands that work there too.
ESC_CLEARS: dict[RStep, tuple[str, ...]] = {
    RStep.SERIAL: (),
    RStep.NEST: ("NEW-LPN",),
    RStep.PUTAWAY: (),
    RStep.UNEXPECTED: ("ADD",),
}
BY_CODE = {command.code: command for command in RECEIVING}
SUPERVISED = {
    RStep.SHELF_LIFE: "a lot with too little shelf life",
    RStep.APPROVAL: "closing the receipt beyond tolerance",
}


class ReceivingScreen(BenchScreen):
    """The receiving bench's screen, with a signal beyond ``BenchScreen``'s:
    quantity_entered(str): a count typed on the keyboard, for the goods just scanned.
    """

    quantity_entered = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lines = ReceiptLinesModel(self)
        self.plates = PlatesModel(self)
        self.receipt = QLabel()
        self.receipt.setObjectName("value")
        self.progress = QProgressBar()
        self.plate = QLabel()
        self.plate.setObjectName("disposition")
        self.contents = QLabel()
        self.contents.setObjectName("value")
        self.contents.setWordWrap(True)
        self.bin = QLabel()
        self.bin.setObjectName("destination")
        self.bin.setWordWrap(True)
        self.quantity = PinEntry("Set count", masked=False)
        self.quantity.field.setPlaceholderText("count")
        self.add_photo = QPushButton("Add photo of the damage…")
        self.add_photo.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.work = self._work()
        self.stack.addWidget(self.work)
        self.layout_.addWidget(self.stack, 4)
        self.layout_.addWidget(self.tabs, 2)
        self.quantity.pin_entered.connect(self.quantity_entered)
        self.add_photo.clicked.connect(self.photo_requested)

    def _work(self) -> QWidget:
        receipt = QVBoxLayout()
        receipt.addWidget(self.receipt)
        receipt.addWidget(self.progress)
        receipt.addWidget(read_only_table(self.lines), 1)
        plate = QFrame()
        plate.setObjectName("card")
        side = QVBoxLayout(plate)
        title = QLabel("LICENSE PLATE")
        title.setObjectName("cardTitle")
        side.addWidget(title)
        side.addWidget(self.plate)
        side.addWidget(self.contents)
        side.addWidget(self.bin)
        side.addWidget(read_only_table(self.plates), 1)
        count = QHBoxLayout()
        asked = QLabel("Count of the goods just scanned (type digits):")
        asked.setWordWrap(True)  # the words make room for the count's field, not it for them
        count.addWidget(asked, 1)
        count.addWidget(self.quantity)
        side.addLayout(count)
        side.addWidget(self.add_photo)
        work = QWidget()
        row = QHBoxLayout(work)
        row.setContentsMargins(0, 0, 0, 0)
        row.addLayout(receipt, 3)
        row.addWidget(plate, 2)
        return work

    # --- drawing ------------------------------------------------------------------------

    def show_view(self, view: ReceivingView) -> None:
        self.prompt.setText(view.prompt)
        self.stack.setCurrentWidget(self.sign_in if view.step is RStep.SIGN_IN else self.work)
        self.banner.show_reason(SUPERVISED.get(view.step))
        shown = view.receipt or view.last
        self.lines.show_lines(shown.lines if shown else ())
        self.plates.show_plates(shown.plates if shown else ())
        self._show_receipt(view)
        self.plate.setText(view.putaway_plate or view.plate or self._no_plate(view))
        self.contents.setText("\n".join(view.plate_contents) or "Nothing on it yet.")
        self.contents.setVisible(bool(view.putaway_plate or view.plate))
        putting = view.step is RStep.PUTAWAY
        self.bin.setVisible(putting)
        self.bin.setText(f"→ {view.suggested_bin or 'any bin with room'}" if putting else "")
        self.quantity.setEnabled(view.step is RStep.RECEIVE)
        self.add_photo.setVisible(view.step is RStep.DAMAGE)
        self._show_choices(view)

    @staticmethod
    def _no_plate(view: ReceivingView) -> str:
        # A plate is built on an open receipt: with none open, NEW-LPN would only be refused.
        return "No plate: scan one, or NEW-LPN" if view.receipt else "No receipt open."

    def _show_receipt(self, view: ReceivingView) -> None:
        shown = view.receipt or view.last
        if shown is None:
            self.receipt.setText("No receipt open.")
            self.progress.hide()
            return
        title = shown.number or "Blind receipt"
        po = f" · {shown.po_number}" if shown.po_number else ""
        done = "" if view.receipt else f" · {shown.status}"
        self.receipt.setText(f"<b>{escape(title)}</b>{po} · {escape(shown.supplier)}{done}")
        expected = shown.expected_units
        self.progress.setVisible(True)
        self.progress.setMaximum(max(expected or shown.received_units, 1))
        self.progress.setValue(min(shown.received_units, self.progress.maximum()))
        self.progress.setFormat(
            f"{shown.received_units} of {expected} units"
            if expected is not None
            else f"{shown.received_units} units counted"
        )

    def _show_choices(self, view: ReceivingView) -> None:
        """What each key means at this step: digits are a count while goods are received,
        and a damage reason once a unit is marked damaged. While a receipt is open the
        legend keeps the tallest height it had, so the receipt's table below it stays put
        from step to step; it lets go when the receipt ends."""
        held = self.choices.height() if self.choices.isVisible() else 0
        self.choices.setMinimumHeight(
            max(self.choices.minimumHeight(), held) if view.receipt else 0
        )
        if view.step is RStep.DAMAGE:
            title = (
                f"Keys 1–{len(view.damage_reasons)} now mean the damage reason (or scan REASON-…):"
            )
            reasons = tuple(reason.lower() for reason in view.damage_reasons)
            self.show_choices(title, reasons, " &nbsp; ")
        elif view.step is RStep.RECEIVE:
            count = (("0–9", "the count of the goods just scanned"),)
            keys = tuple((c.key, c.meaning) for c in RECEIVING)
            self.show_keys("Keys:", count + keys, " &nbsp; ")
        elif view.step in ESC_CLEARS:
            # The legend stays where it was while the unit or plate is in hand: the receipt's
            # table does not jump up under the operator's eyes at a serial or a bin.
            works = tuple((BY_CODE[c].key, BY_CODE[c].meaning) for c in ESC_CLEARS[view.step])
            keys = (*works, ("Esc", "never mind: back to counting"))
            self.show_keys("Keys:", keys, " &nbsp; ")
        else:
            self.show_choices(None, (), "")
