"""The three cards of the unit at the bench: the return, its inspection, its disposition.

Each card draws one ``UnitView`` (the unit in progress, or the one just recorded) and
nothing else; they hold no state of their own. Their lines come and go with every scan
without ever being hidden or shown: showing a widget makes Qt lay out every layout up to
the window there and then, about 10 ms a line at the bench's size, so a card that revealed
five lines held the scanner's next read for 50 ms. A ``Line`` with nothing to say takes
no room instead, and the window is laid out once, after the scan.
"""

from html import escape

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from station.commands import GRADE_MEANINGS
from station.returns.policy import RuleVerdict
from station.returns.view import ChecklistLine, Step, UnitView
from station.states import Verdict
from ui.style import NEUTRAL

PASS_COLOUR, FAIL_COLOUR, WARN_COLOUR = "#1b7f3b", "#c62828", "#b35c00"
VERDICT_COLOURS = {Verdict.PASS: PASS_COLOUR, Verdict.WARN: WARN_COLOUR, Verdict.FAIL: FAIL_COLOUR}


# The room above each line of a card, kept inside the line so that an empty one leaves none.
GAP = 6
ROW_GAP = 3
BEGIN = "Scan an RMA, order, tracking number or the item to begin."
# What the return card says while no unit is open, when the bench waits for more than
# a first scan: the prompt above says the same, the card must not say otherwise.
WAITING = {
    Step.ITEM: "The RMA is found: scan the item in your hands to open its return.",
    Step.CHOOSE: "Several returns match: the list above numbers them.",
}


class Line(QLabel):
    """A line of a card, no room at all while its text is empty (see the module's note)."""

    def __init__(self, name: str = "value", gap: int = GAP, wrap: bool = True) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setContentsMargins(0, gap, 0, 0)
        # Wrapping also keeps a long text from widening its card and squeezing the others.
        self.setWordWrap(wrap)
        self.setTextFormat(Qt.TextFormat.RichText if wrap else Qt.TextFormat.PlainText)
        # Qt lays the text out anew at each of the dozens of questions a layout pass asks;
        # the answers hold while the text, width and style do.
        self._heights: dict[tuple[str, int], int] = {}

    def sizeHint(self) -> QSize:
        return super().sizeHint() if self.text() else QSize(0, 0)

    def minimumSizeHint(self) -> QSize:
        return super().minimumSizeHint() if self.text() else QSize(0, 0)

    def heightForWidth(self, width: int) -> int:
        text = self.text()
        if not text:
            return 0
        height = self._heights.get((text, width))
        if height is None:
            if len(self._heights) > 64:  # widths and texts of the last few units only
                self._heights.clear()
            height = self._heights[text, width] = super().heightForWidth(width)
        return height

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._heights.clear()
        super().changeEvent(event)


class Card(QFrame):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.title = QLabel(title.upper())
        self.title.setObjectName("cardTitle")
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(14, 10, 14, 10)
        self.body.setSpacing(0)  # each Line keeps its own gap
        self.body.addWidget(self.title)
        self.placeholder = Line("placeholder")
        self.body.addWidget(self.placeholder)

    def say(self, text: str) -> None:
        """A line in place of content that is not there yet."""
        self.placeholder.setText(text)


class ReturnCard(Card):
    """Which return this is: RMA, customer, item, serial, and the policy verdict."""

    ROWS = ("RMA", "Customer", "Order", "Item", "Value", "Serial", "Stated reason", "Scanned")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Return", parent)
        self.form = QFormLayout()
        self.form.setHorizontalSpacing(12)
        self.form.setVerticalSpacing(0)
        self.names: dict[str, Line] = {}
        self.values: dict[str, Line] = {}
        for row in self.ROWS:
            self.names[row], self.values[row] = Line(gap=ROW_GAP), Line(gap=ROW_GAP)
            self.form.addRow(self.names[row], self.values[row])
        self.body.addLayout(self.form)
        self.policy = Line()
        self.policy_lines = Line("why")
        self.body.addWidget(self.policy)
        self.body.addWidget(self.policy_lines)
        self.body.addStretch(1)

    def show_unit(
        self, unit: UnitView | None, reasons: dict[str, str], waiting: str = BEGIN
    ) -> None:
        """``unit``, or with none, ``waiting``: what the card says the bench waits for."""
        if unit is None:
            texts = dict.fromkeys(self.ROWS, "")
        elif unit.rma_number is None:
            texts = dict.fromkeys(self.ROWS, "")
            texts["RMA"] = "<b>No RMA</b>: unexpected return"
            texts["Item"] = escape(f"{unit.sku} {unit.item_name}") if unit.sku else "not known"
            texts["Serial"] = escape(unit.serial or "")
            texts["Scanned"] = escape(unit.identified_by) if unit.identified_by else "nothing"
        else:
            texts = {
                "RMA": f"<b>{escape(unit.rma_number)}</b> line {unit.line_no}",
                "Customer": escape(unit.customer or ""),
                "Order": escape(f"{unit.order_number} ({unit.channel})"),
                "Item": f"<b>{escape(unit.sku or '')}</b> {escape(unit.item_name or '')}",
                "Value": escape(unit.value or ""),
                "Serial": self._serial(unit),
                "Stated reason": escape(reasons.get(unit.stated_reason or "", "")),
                "Scanned": "",  # the RMA says it all
            }
        for row, text in texts.items():
            self.names[row].setText(row if text else "")
            self.values[row].setText(text)
        self.say("" if unit else waiting)
        verdict = unit.policy_verdict if unit else None
        if verdict is None:
            self.policy.setText("")
        else:
            colour = VERDICT_COLOURS.get(verdict, NEUTRAL)
            self.policy.setText(f"Policy: <b style='color:{colour}'>{escape(verdict.upper())}</b>")
        lines = unit.policy_lines if unit else ()
        self.policy_lines.setText("<br>".join(_policy_line(line) for line in lines))

    @staticmethod
    def _serial(unit: UnitView) -> str:
        serial, expected = unit.serial, unit.expected_serial
        if expected is None:
            return escape(serial or "—")
        if serial is None:
            # Not shown until scanned: a serial on screen invites typing it instead.
            return "on the RMA: scan the unit's serial to check it"
        if serial == expected.upper():
            return f"{escape(serial)} <span style='color:{PASS_COLOUR}'>✓ as expected</span>"
        return f"<b style='color:{FAIL_COLOUR}'>{escape(serial)}</b> ≠ expected {escape(expected)}"


def _policy_line(verdict: RuleVerdict) -> str:
    colour = VERDICT_COLOURS.get(verdict.outcome, NEUTRAL)
    return f"<span style='color:{colour}'>{escape(verdict.line)}</span>"


class InspectionCard(Card):
    """The checklist with its answers, the grade and the found reason."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Inspection", parent)
        self.checklist = Line()
        self.grade = Line()
        self.reason = Line()
        for widget in (self.checklist, self.grade, self.reason):
            self.body.addWidget(widget)
        self.body.addStretch(1)

    def show_unit(self, unit: UnitView | None, reasons: dict[str, str], asking: bool) -> None:
        """``asking``: the bench waits for a checklist answer, so mark the open question."""
        lines = unit.checklist if unit else ()
        current = next((i for i, line in enumerate(lines) if line.answer is None), None)
        self.checklist.setText(
            "<table cellspacing='0' cellpadding='2'>"
            + "".join(
                _checklist_row(line, asking and index == current)
                for index, line in enumerate(lines)
            )
            + "</table>"
            if lines
            else ""
        )
        if unit is None or lines:
            self.say("")
        elif unit.rma_number is None:
            self.say("No inspection here: triage looks at the unit.")
        else:
            self.say("No checklist for this kind of item.")
        grade = unit.grade if unit else None
        self.grade.setText(
            f"Grade: <b>{grade}</b> — {escape(GRADE_MEANINGS.get(grade, ''))}" if grade else ""
        )
        found = unit.found_reason if unit else None
        self.reason.setText(
            f"Found reason: <b>{escape(reasons.get(found, found))}</b>" if found else ""
        )


def _checklist_row(line: ChecklistLine, current: bool) -> str:
    question = escape(line.question)
    if current:
        return (
            "<tr style='background-color:#fff3cd'><td><b>▶</b></td>"
            f"<td><b>{question}</b></td><td><b>Y / N / S</b></td></tr>"
        )
    if line.answer is None:
        mark, colour, answer = "·", "#90a4ae", ""
    elif line.passed is None:
        mark, colour, answer = "–", "#607d8b", "skipped"
    elif line.passed:
        mark, colour, answer = "✓", PASS_COLOUR, line.answer.upper()
    else:
        mark, colour, answer = "✗", FAIL_COLOUR, line.answer.upper()
    return (
        f"<tr><td style='color:{colour}'><b>{mark}</b></td><td>{question}</td>"
        f"<td style='color:{colour}'><b>{answer}</b></td></tr>"
    )


class DispositionCard(Card):
    """Where the unit goes, in type readable from across the bench, and why."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Disposition", parent)
        self.caption = Line("why")
        self.disposition = Line("disposition")
        # One unbroken code in big type: never wrapped at its hyphen, never widening the card.
        self.destination = Line("destination", wrap=False)
        self.destination.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.why = Line("reasons")
        self.footer = Line("why")
        self.decision = (self.caption, self.disposition, self.destination, self.why, self.footer)
        for widget in self.decision:
            self.body.addWidget(widget)
        self.body.addStretch(1)

    def show_unit(self, unit: UnitView | None, recorded: bool) -> None:
        """``recorded``: the unit was just recorded, so its label and LPN are real."""
        if unit is None or unit.destination is None:
            for line in self.decision:
                line.clear()
            if unit is None:
                self.say("")
            elif unit.rma_number is None:
                self.say("Goes to the triage shelf when you CONFIRM.")
            else:
                self.say("Decided by the rules once the grade and found reason are in.")
            return
        self.say("")
        if recorded:
            heading = f"<b>Recorded</b> · label {escape(unit.lpn or '')} queued"
        else:
            heading = "Decided:" if unit.rules_said else "The rules say:"
        # After an override, what the rules said stays on the card beside what was decided.
        said = f"The rules said {escape(unit.rules_said)}. " if unit.rules_said else ""
        self.caption.setText(said + heading)
        self.disposition.setText(f"{escape(unit.disposition_label or 'Triage')} →")
        self.destination.setText(unit.destination)
        self.why.setText("<br>".join(f"• {escape(line)}" for line in unit.why))
        footer = []
        if unit.approved_by:
            footer.append(f"Approved by {escape(unit.approved_by)}")
        if unit.rulepack_version:
            footer.append(f"Rule pack {escape(unit.rulepack_version)}")
        self.footer.setText(" · ".join(footer))
