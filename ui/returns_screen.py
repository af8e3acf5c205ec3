"""The returns screen: what to scan next, what just happened, the unit, notes and queues.

It draws a ``BenchView`` and a ``Feedback`` and reports the operator's intents as signals;
it never calls the bench itself.
"""

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from station.feedback import Feedback
from station.returns_view import BenchView, Step
from ui.code_entry import CodeEntry
from ui.feedback import show_tone
from ui.models import TextTableModel
from ui.pin import ApprovalBanner, SignInPanel
from ui.tables import read_only_table
from ui.unit_cards import DispositionCard, InspectionCard, ReturnCard


class NotesEdit(QPlainTextEdit):
    """Signals: editing_finished(): the focus left the field, so its text is final."""

    editing_finished = Signal()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.editing_finished.emit()


class ReturnsScreen(QWidget):
    """Signals:
    code_entered(str): a code typed by hand in the code field.
    sign_in_requested(str): a PIN typed on the sign-in panel.
    approval_requested(str): a supervisor's PIN typed on the approval banner.
    photo_requested(): the operator wants to attach a photo to the unit.
    resend_requested(): the operator wants the unsure labels printed again.
    notes_save_requested(): the notes field lost focus; its text should be stored.
    """

    code_entered = Signal(str)
    sign_in_requested = Signal(str)
    approval_requested = Signal(str)
    photo_requested = Signal()
    resend_requested = Signal()
    notes_save_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen")
        self.notes_unit: str | None = None
        self.prompt = QLabel()
        self.prompt.setObjectName("prompt")
        self.prompt.setWordWrap(True)
        self.feedback = QLabel()
        self.feedback.setObjectName("feedback")
        self.feedback.setWordWrap(True)
        self.choices = QLabel()
        self.choices.setObjectName("choices")
        self.choices.setWordWrap(True)
        self.code = CodeEntry()
        self.banner = ApprovalBanner()
        self.sign_in = SignInPanel()
        self.return_card = ReturnCard()
        self.inspection_card = InspectionCard()
        self.disposition_card = DispositionCard()
        self.stack = QStackedWidget()
        self.cards = self._cards()
        self.stack.addWidget(self.sign_in)
        self.stack.addWidget(self.cards)
        self.notes = NotesEdit()
        self.notes.setPlaceholderText("Notes on this unit (what you see, what is missing)")
        # Clicked into when wanted; otherwise the keyboard is for the bench's commands.
        self.notes.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.photos = QLabel()
        self.add_photo = QPushButton("Add photo…")
        self.add_photo.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.resend = QPushButton()
        self.resend.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.resend.hide()
        self.tabs = QTabWidget()
        self.tabs.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(6)
        for widget in (self.prompt, self.code, self.feedback, self.choices, self.banner):
            layout.addWidget(widget)
        layout.addWidget(self.stack, 3)
        layout.addLayout(self._bottom(), 2)

        self.code.code_entered.connect(self.code_entered)
        self.sign_in.pin.pin_entered.connect(self.sign_in_requested)
        self.banner.pin.pin_entered.connect(self.approval_requested)
        self.add_photo.clicked.connect(self.photo_requested)
        self.resend.clicked.connect(self.resend_requested)
        self.notes.editing_finished.connect(self.notes_save_requested)

    def _cards(self) -> QWidget:
        cards = QWidget()
        row = QHBoxLayout(cards)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.return_card, 4)
        row.addWidget(self.inspection_card, 4)
        row.addWidget(self.disposition_card, 6)
        return cards

    def _bottom(self) -> QHBoxLayout:
        notes = QVBoxLayout()
        notes.addWidget(self.notes, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_photo)
        buttons.addWidget(self.photos, 1)
        notes.addLayout(buttons)
        queues = QVBoxLayout()
        queues.addWidget(self.tabs, 1)
        queues.addWidget(self.resend)
        bottom = QHBoxLayout()
        bottom.addLayout(notes, 2)
        bottom.addLayout(queues, 5)
        return bottom

    def add_table(self, title: str, model: TextTableModel) -> QTableView:
        table = read_only_table(model)
        self.tabs.addTab(table, title)
        return table

    # --- drawing ------------------------------------------------------------------------

    def show_feedback(self, feedback: Feedback | None) -> None:
        show_tone(self.feedback, feedback)

    def show_view(self, view: BenchView) -> None:
        self.prompt.setText(view.prompt)
        self.stack.setCurrentWidget(self.sign_in if view.step is Step.SIGN_IN else self.cards)
        self.banner.show_reason(view.approval_reason)
        self._show_choices(view)
        shown = view.unit or view.last
        recorded = view.unit is None and view.last is not None
        reasons = dict(view.reasons)
        self.return_card.show_unit(shown, reasons)
        self.inspection_card.show_unit(shown, reasons, asking=view.step is Step.CHECKLIST)
        self.disposition_card.show_unit(shown, recorded)
        self._show_notes(view)

    def _show_choices(self, view: BenchView) -> None:
        if view.step is Step.CHOOSE:
            title, choices, separator = "Press the number of the return:", view.candidates, "<br>"
        elif view.step is Step.REASON:
            title = "Found reason: press its number, or CONFIRM to agree with the customer."
            choices, separator = tuple(label for _code, label in view.reasons), " &nbsp; "
        elif view.step is Step.DECIDE:
            title = "Another disposition? Press its number (a supervisor approves)."
            choices, separator = tuple(label for _code, label in view.dispositions), " &nbsp; "
        else:
            self.choices.hide()
            return
        # Non-breaking spaces keep each number with its words when the line wraps.
        items = separator.join(
            f"<b style='background:#0d2b45; color:#ffffff'>&nbsp;{n}&nbsp;</b>&nbsp;"
            + escape(choice).replace(" ", "&nbsp;")
            for n, choice in enumerate(choices, 1)
        )
        self.choices.setText(f"<span style='color:#546e7a'>{escape(title)}</span><br>{items}")
        self.choices.show()

    def _show_notes(self, view: BenchView) -> None:
        unit = view.unit
        if unit is None:
            self.notes_unit = None
            self.notes.clear()
        elif unit.unit_id != self.notes_unit:
            # Only a new unit replaces the text: the operator's typing is saved, not redrawn.
            self.notes_unit = unit.unit_id
            self.notes.setPlainText(unit.notes)
        self.notes.setEnabled(unit is not None)
        self.add_photo.setEnabled(unit is not None)
        self.photos.setText(f"{unit.photos} photo(s) on this unit" if unit else "")

    def show_unsure_labels(self, count: int) -> None:
        self.resend.setText(
            f"{count} label(s) may not have printed: check the printer, then print again…"
        )
        self.resend.setVisible(count > 0)

    def retitle(self, table: QTableView, title: str) -> None:
        self.tabs.setTabText(self.tabs.indexOf(table), title)
