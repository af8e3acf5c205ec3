"""The receiving screen: what to scan next, the receipt line by line, plates, putaway.

It draws a ``ReceivingView`` and a ``Feedback`` and reports the clerk's intents as signals;
it never calls the bench itself. The bin to put away to is shown in the biggest type on
the screen, to be read from the forklift.
"""

from html import escape

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from station.feedback import Feedback
from station.receiving_view import ReceivingView, RStep
from ui.code_entry import CodeEntry
from ui.feedback import show_tone
from ui.models import TextTableModel
from ui.pin import ApprovalBanner, PinEntry, SignInPanel
from ui.receiving_models import PlatesModel, ReceiptLinesModel
from ui.tables import read_only_table

SUPERVISED = {
    RStep.SHELF_LIFE: "a lot with too little shelf life",
    RStep.APPROVAL: "closing the receipt beyond tolerance",
}


class ReceivingScreen(QWidget):
    """Signals:
    code_entered(str): a code typed by hand in the code field.
    sign_in_requested(str): a PIN typed on the sign-in panel.
    approval_requested(str): a supervisor's PIN typed on the approval banner.
    quantity_entered(str): a count typed on the keyboard, for the goods just scanned.
    photo_requested(): the clerk wants to attach a photo of the damaged unit.
    """

    code_entered = Signal(str)
    sign_in_requested = Signal(str)
    approval_requested = Signal(str)
    quantity_entered = Signal(str)
    photo_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen")
        self.prompt = QLabel()
        self.prompt.setObjectName("prompt")
        self.prompt.setWordWrap(True)
        self.code = CodeEntry()
        self.feedback = QLabel()
        self.feedback.setObjectName("feedback")
        self.feedback.setWordWrap(True)
        self.choices = QLabel()
        self.choices.setObjectName("choices")
        self.choices.setWordWrap(True)
        self.banner = ApprovalBanner()
        self.sign_in = SignInPanel()
        self.lines = ReceiptLinesModel(self)
        self.plates = PlatesModel(self)
        self.receipt = QLabel()
        self.receipt.setObjectName("value")
        self.progress = QProgressBar()
        self.plate = QLabel()
        self.plate.setObjectName("disposition")
        self.bin = QLabel()
        self.bin.setObjectName("destination")
        self.bin.setWordWrap(True)
        self.quantity = PinEntry("Set count", masked=False)
        self.quantity.field.setPlaceholderText("count")
        self.add_photo = QPushButton("Add photo of the damage…")
        self.tabs = QTabWidget()
        self.stack = QStackedWidget()
        self.work = self._work()
        self.stack.addWidget(self.sign_in)
        self.stack.addWidget(self.work)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(6)
        for widget in (self.prompt, self.code, self.feedback, self.choices, self.banner):
            layout.addWidget(widget)
        layout.addWidget(self.stack, 4)
        layout.addWidget(self.tabs, 2)

        self.code.code_entered.connect(self.code_entered)
        self.sign_in.pin.pin_entered.connect(self.sign_in_requested)
        self.banner.pin.pin_entered.connect(self.approval_requested)
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
        side.addWidget(self.bin)
        side.addWidget(read_only_table(self.plates), 1)
        count = QHBoxLayout()
        count.addWidget(QLabel("Count of the goods just scanned (type digits):"))
        count.addWidget(self.quantity)
        side.addLayout(count)
        side.addWidget(self.add_photo)
        work = QWidget()
        row = QHBoxLayout(work)
        row.setContentsMargins(0, 0, 0, 0)
        row.addLayout(receipt, 3)
        row.addWidget(plate, 2)
        return work

    def add_table(self, title: str, model: TextTableModel) -> QTableView:
        table = read_only_table(model)
        self.tabs.addTab(table, title)
        return table

    # --- drawing ------------------------------------------------------------------------

    def show_feedback(self, feedback: Feedback | None) -> None:
        show_tone(self.feedback, feedback)

    def show_view(self, view: ReceivingView) -> None:
        self.prompt.setText(view.prompt)
        self.stack.setCurrentWidget(self.sign_in if view.step is RStep.SIGN_IN else self.work)
        self.banner.show_reason(SUPERVISED.get(view.step))
        shown = view.receipt or view.last
        self.lines.show_lines(shown.lines if shown else ())
        self.plates.show_plates(shown.plates if shown else ())
        self._show_receipt(view)
        self.plate.setText(view.plate or "No plate: scan one, or NEW-LPN")
        putting = view.step is RStep.PUTAWAY
        self.bin.setVisible(putting)
        self.bin.setText(f"→ {view.suggested_bin or 'any bin with room'}" if putting else "")
        self.quantity.setEnabled(view.step is RStep.RECEIVE)
        self.add_photo.setVisible(view.step is RStep.DAMAGE)
        self._show_choices(view)

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
        if view.step is not RStep.DAMAGE:
            self.choices.hide()
            return
        items = " &nbsp; ".join(
            f"<b style='background:#0d2b45; color:#ffffff'>&nbsp;{n}&nbsp;</b>&nbsp;{reason}"
            for n, reason in enumerate(view.damage_reasons, 1)
        )
        hint = "Damage reason: press its number or scan REASON-…"
        self.choices.setText(f"<span style='color:#546e7a'>{hint}</span><br>{items}")
        self.choices.show()

    def retitle(self, table: QTableView, title: str) -> None:
        self.tabs.setTabText(self.tabs.indexOf(table), title)
