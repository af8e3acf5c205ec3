"""The exception queue for a supervisor: what the ERP or the site's hub refused, and what to
do with it; what the ERP or another bench of the site changed under the bench (conflicts).

Signals:
    settled(str): an event was sent again or marked handled; the message says which.
"""

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from station.errors import NotAllowed, Refusal
from station.operators import SignedIn
from station.rejected_events import RejectedEvent, mark_handled, rejected_events, send_again
from station.site_conflicts import Shown, resolve, shown
from station.store.engine import Store
from ui.models import TextTableModel, local_time
from ui.tables import PickList


class RejectedModel(TextTableModel):
    headers = ("Written", "Event", "Refused by", "Tries", "What it said")


class ConflictModel(TextTableModel):
    headers = ("Found", "What changed")


class ExceptionsDialog(QDialog):
    settled = Signal(str)

    def __init__(
        self, store: Store, who: SignedIn | None, bench: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Exception queue")
        self.resize(900, 420)
        self.store, self.who, self.bench = store, who, bench
        self.events: list[RejectedEvent] = []
        self.lines: list[Shown] = []
        self.model = RejectedModel(self)
        self.conflicts = ConflictModel(self)
        self.result_line = QLabel()
        self.result_line.setWordWrap(True)
        again = QPushButton("Send again (the cause is fixed)")
        again.clicked.connect(self.send_again)
        handled = QPushButton("Mark handled…")
        handled.clicked.connect(self.mark_handled)
        self.queue = PickList(
            self.model,
            "Nothing waiting: neither the ERP nor the site's hub refused an event.",
            (again, handled),
        )
        self.table = self.queue.table
        buttons = QHBoxLayout()
        buttons.addWidget(again)
        buttons.addWidget(handled)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "Events the ERP or the site's hub refused; the events after them went on. "
                "Pick one to act on."
            )
        )
        layout.addWidget(self.queue, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.result_line)
        layout.addWidget(
            QLabel("Conflicts: the ERP, or another bench of the site, changed what was worked on.")
        )
        settle = QPushButton("Mark settled…")
        settle.clicked.connect(self.mark_settled)
        self.conflict_list = PickList(self.conflicts, "No conflicts.", (settle,))
        # A conflict says what happened in a sentence or two: read whole, not cut off.
        self.conflict_list.table.setWordWrap(True)
        layout.addWidget(self.conflict_list, 1)
        settling = QHBoxLayout()
        settling.addWidget(settle)
        settling.addStretch(1)
        layout.addLayout(settling)
        self.refresh()

    def refresh(self) -> None:
        self.lines = shown(self.store)
        self.conflicts.show([(local_time(line.found_at), line.what) for line in self.lines])
        self.conflict_list.table.resizeRowsToContents()
        self.events = rejected_events(self.store)
        self.model.show(
            [
                (local_time(e.created_at), e.kind, e.by.value, str(e.attempts), e.message)
                for e in self.events
            ]
        )

    def chosen(self) -> RejectedEvent | None:
        row = self.queue.picked()
        return None if row is None else self.events[row]

    def send_again(self) -> None:
        event = self.chosen()
        if event is not None:
            self._settle(
                lambda: send_again(self.store, event.seq, self.who, self.bench, by=event.by), event
            )

    def mark_handled(self) -> None:
        event = self.chosen()
        if event is None:
            return
        why, given = QInputDialog.getText(self, "Mark handled", "How was it handled?")
        if given:
            self._settle(
                lambda: mark_handled(self.store, event.seq, self.who, self.bench, why, by=event.by),
                event,
            )

    def mark_settled(self) -> None:
        """A conflict between benches of the site settled, as the supervisor says how."""
        row = self.conflict_list.picked()
        if row is None:
            return
        conflict = self.lines[row].settle
        if conflict is None:
            self.result_line.setText(
                "Only an open conflict between benches of the site is settled here."
            )
            return
        how, given = QInputDialog.getText(self, "Mark settled", "How was it settled?")
        if not given:
            return
        try:
            said = resolve(self.store, conflict, self.who, self.bench, how)
        except (NotAllowed, Refusal) as exc:
            said = str(exc)
        self.result_line.setText(said)
        self.refresh()

    def _settle(self, act: Callable[[], None], event: RejectedEvent) -> None:
        try:
            act()
        except (NotAllowed, Refusal) as exc:
            self.result_line.setText(str(exc))
            return
        self.refresh()
        said = f"{event.kind} event settled."
        self.result_line.setText(said)
        self.settled.emit(said)
