"""The dock's check-in screen: the parcel to pull next and why, in money; the backlog in
the order of what waiting costs, with the formula; and this bench's latest check-ins,
under what every bench screen shows (``BenchScreen``)."""

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from station.checkin.bench import CheckinView
from station.money import money
from station.returns.backlog import FORMULA, Waiting, in_words
from ui.bench_screen import BenchScreen
from ui.models import TextTableModel, local_time
from ui.tables import read_only_table

DAY_AND_TIME = "%d %b %H:%M"  # a parcel may wait for days


class BacklogModel(TextTableModel):
    headers = ("Tag", "RMA", "Arrived", "Worth", "Losing a day")

    def show_backlog(self, backlog: tuple[Waiting, ...], currency: str) -> None:
        self.show([
            (
                w.tag, w.rma or "no RMA (triage)", local_time(w.arrived_at, DAY_AND_TIME),
                money(w.worth_cents, currency, whole=True) if w.rma else "",
                money(w.losing_cents, currency) if w.rma else "",
            )
            for w in backlog
        ])  # fmt: skip


class ArrivedModel(TextTableModel):
    headers = ("Tag", "Scanned", "RMA", "Arrived")

    def show_arrived(self, view: CheckinView) -> None:
        self.show([
            (a.tag, a.scanned, a.rma or "no RMA (triage)", local_time(a.at, DAY_AND_TIME))
            for a in view.arrived
        ])  # fmt: skip


class CheckinScreen(BenchScreen):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backlog = BacklogModel(self)
        self.arrived = ArrivedModel(self)
        self.next_tag = QLabel()
        self.next_tag.setObjectName("disposition")
        self.next_why = QLabel()
        self.next_why.setObjectName("why")
        self.next_why.setWordWrap(True)
        self.totals = QLabel()
        self.totals.setObjectName("value")
        self.totals.setWordWrap(True)
        self.formula = QLabel(FORMULA)
        self.formula.setObjectName("placeholder")
        self.formula.setWordWrap(True)
        self.work = self._work()
        self.stack.addWidget(self.work)
        self.layout_.addWidget(self.stack, 4)
        self.layout_.addWidget(self.tabs, 2)

    def _work(self) -> QWidget:
        card = QFrame()
        card.setObjectName("card")
        side = QVBoxLayout(card)
        title = QLabel("NEXT PARCEL TO PULL")
        title.setObjectName("cardTitle")
        for widget in (title, self.next_tag, self.next_why, self.totals, self.formula):
            side.addWidget(widget)
        side.addStretch(1)
        lists = QVBoxLayout()
        for heading, model in (("BACKLOG, LOSING MOST FIRST", self.backlog),
                               ("CHECKED IN HERE", self.arrived)):  # fmt: skip
            label = QLabel(heading)
            label.setObjectName("cardTitle")
            lists.addWidget(label)
            lists.addWidget(read_only_table(model), 1)
        work = QWidget()
        row = QHBoxLayout(work)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(card, 2)
        row.addLayout(lists, 3)
        return work

    def show_view(self, view: CheckinView) -> None:
        self.prompt.setText(view.prompt)
        self.stack.setCurrentWidget(self.sign_in if view.operator is None else self.work)
        self.banner.show_reason(None)
        self.show_choices(None, (), "")
        self.backlog.show_backlog(view.backlog, view.currency)
        self.arrived.show_arrived(view)
        first = view.backlog[0] if view.backlog else None
        if first is None:
            self.next_tag.setText("Nothing waiting.")
            self.next_why.setText("Every parcel checked in has been pulled for inspection.")
        else:
            self.next_tag.setText(f"{first.tag} · {first.rma or 'triage'}")
            self.next_why.setText(in_words(first, view.currency))
        self.totals.setText(
            f"{view.waiting} parcel(s) waiting, worth about "
            f"{money(view.worth_cents, view.currency, whole=True)}, losing about "
            f"{money(view.losing_cents, view.currency)} a day between them."
        )
