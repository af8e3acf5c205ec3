"""The returns screen: the unit in three cards (return, inspection, disposition), notes,
photos and the queues, under what every bench screen shows (``BenchScreen``)."""

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from station.commands import BASIC, GRADE_MEANINGS
from station.returns.view import BenchView, Step
from ui.bench_screen import BenchScreen
from ui.unit_cards import BEGIN, WAITING, DispositionCard, InspectionCard, ReturnCard


def _keys(*codes: str) -> tuple[tuple[str, str], ...]:
    """The keyboard twins of these commands, with what each means."""
    return tuple((c.key, c.meaning) for c in BASIC if c.code in codes)


class NotesEdit(QPlainTextEdit):
    """Signals: editing_finished(): the focus left the field, so its text is final."""

    editing_finished = Signal()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.editing_finished.emit()


class ReturnsScreen(BenchScreen):
    """The returns bench's screen, with its signals beyond ``BenchScreen``'s:
    resend_requested(): the operator wants the unsure labels printed again.
    notes_save_requested(): the notes field lost focus; its text should be stored.
    """

    resend_requested = Signal()
    notes_save_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.notes_unit: str | None = None
        self.notes_shown = ""  # the unit's notes as last drawn, to tell typing from the store's
        self.return_card = ReturnCard()
        self.inspection_card = InspectionCard()
        self.disposition_card = DispositionCard()
        self.cards = self._cards()
        self.stack.addWidget(self.cards)
        # Between units: the dock's parcel to pull next, and why (``station.returns.backlog``).
        self.next_parcel = QLabel()
        self.next_parcel.setObjectName("why")
        self.next_parcel.setWordWrap(True)
        self.next_parcel.hide()
        self.layout_.insertWidget(self.layout_.indexOf(self.banner), self.next_parcel)
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
        self.layout_.addWidget(self.stack, 3)
        self.layout_.addLayout(self._bottom(), 2)
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

    def show_view(self, view: BenchView) -> None:
        self.prompt.setText(view.prompt)
        self.stack.setCurrentWidget(self.sign_in if view.step is Step.SIGN_IN else self.cards)
        self.banner.show_reason(view.approval_reason)
        self._show_choices(view)
        self.next_parcel.setText(view.next_parcel or "")
        self.next_parcel.setVisible(view.next_parcel is not None)
        shown = view.unit or view.last
        recorded = view.unit is None and view.last is not None
        reasons = dict(view.reasons)
        self.return_card.show_unit(shown, reasons, WAITING.get(view.step, BEGIN))
        self.inspection_card.show_unit(shown, reasons, asking=view.step is Step.CHECKLIST)
        self.disposition_card.show_unit(shown, recorded)
        self._show_notes(view)

    def _show_choices(self, view: BenchView) -> None:
        """What each key means at this step: the same digits pick a return, a found reason
        or a disposition, so the legend is always on screen where they work."""
        if view.step is Step.CHOOSE:
            numbered = tuple((str(n), c) for n, c in enumerate(view.candidates, 1))
            self.show_keys("Press the number of the return:", numbered + _keys("TRIAGE"), "<br>")
        elif view.step in (Step.IDENTIFY, Step.ITEM):
            self.show_keys("Keys:", _keys("TRIAGE"), " &nbsp; ")
        elif view.step is Step.POLICY:
            pin = (("0–9", "a supervisor's PIN: accept it against the RMA"),)
            self.show_keys("Keys:", _keys("TRIAGE") + pin, " &nbsp; ")
        elif view.step is Step.CHECKLIST:
            self.show_keys("Keys:", _keys("YES", "NO", "SKIP"), " &nbsp; ")
        elif view.step is Step.GRADE:
            grades = tuple(GRADE_MEANINGS.items())
            self.show_keys("Grade: press its letter.", grades, " &nbsp; ")
        elif view.step is Step.REASON:
            title = "Found reason: press its number, or Enter (CONFIRM) to agree with the customer."
            self.show_choices(title, tuple(label for _c, label in view.reasons), " &nbsp; ")
        elif view.step is Step.DECIDE:
            title = (
                "Enter (CONFIRM) records it. "
                "Another disposition? Press its number (a supervisor approves)."
            )
            numbered = tuple((str(n), label) for n, (_c, label) in enumerate(view.dispositions, 1))
            self.show_keys(title, numbered + _keys("REASON"), " &nbsp; ")
        else:
            self.show_choices(None, (), "")

    def _show_notes(self, view: BenchView) -> None:
        unit = view.unit
        if unit is None:
            self.notes_unit = None
            self.notes.clear()
        else:
            typed = self.notes.toPlainText()
            # A new unit, or notes the bench wrote (the RMA of a unit sent to triage) while
            # nothing was typed, replace the text; the operator's typing is saved, not redrawn.
            if typed != unit.notes and (
                unit.unit_id != self.notes_unit or typed == self.notes_shown
            ):
                self.notes.setPlainText(unit.notes)
            self.notes_unit = unit.unit_id
            if self.notes.toPlainText() == unit.notes:
                self.notes_shown = unit.notes
        # After a restart the open unit shows, but nothing is added to it before a sign-in.
        working = unit is not None and view.step is not Step.SIGN_IN
        self.notes.setEnabled(working)
        self.add_photo.setEnabled(working)
        self.photos.setText(f"{unit.photos} photo(s) on this unit" if unit else "")

    def show_unsure_labels(self, count: int) -> None:
        self.resend.setText(
            f"{count} label(s) may not have printed: check the printer, then print again…"
        )
        self.resend.setVisible(count > 0)
