"""The three cards of the unit at the bench: the return, its inspection, its disposition.

Each card draws one ``UnitView`` (the unit in progress, or the one just recorded) and
nothing else; they hold no state of their own.
"""

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from station.commands import GRADE_MEANINGS
from station.returns.policy import RuleVerdict
from station.returns.view import ChecklistLine, UnitView
from station.states import Verdict
from ui.style import NEUTRAL

PASS_COLOUR, FAIL_COLOUR, WARN_COLOUR = "#1b7f3b", "#c62828", "#b35c00"
VERDICT_COLOURS = {Verdict.PASS: PASS_COLOUR, Verdict.WARN: WARN_COLOUR, Verdict.FAIL: FAIL_COLOUR}


def _label(name: str = "value") -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    # Wrapping also keeps a long text from widening its card and squeezing the others.
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    return label


class Card(QFrame):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.title = QLabel(title.upper())
        self.title.setObjectName("cardTitle")
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(14, 10, 14, 10)
        self.body.setSpacing(6)
        self.body.addWidget(self.title)
        self.placeholder = _label("placeholder")
        self.body.addWidget(self.placeholder)

    def say(self, text: str) -> None:
        """A line in place of content that is not there yet."""
        self.placeholder.setText(text)
        self.placeholder.setVisible(bool(text))


class ReturnCard(Card):
    """Which return this is: RMA, customer, item, serial, and the policy verdict."""

    ROWS = ("RMA", "Customer", "Order", "Item", "Value", "Serial", "Stated reason", "Scanned")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Return", parent)
        self.form = QFormLayout()
        self.form.setHorizontalSpacing(12)
        self.form.setVerticalSpacing(3)
        self.values: dict[str, QLabel] = {}
        for row in self.ROWS:
            self.values[row] = _label()
            self.form.addRow(row, self.values[row])
        self.body.addLayout(self.form)
        self.policy = _label()
        self.policy_lines = _label("why")
        self.body.addWidget(self.policy)
        self.body.addWidget(self.policy_lines)
        self.body.addStretch(1)

    def show_unit(self, unit: UnitView | None, reasons: dict[str, str]) -> None:
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
            self.values[row].setText(text)
            self.form.setRowVisible(self.values[row], bool(text))
        self.say("" if unit else "Scan an RMA, order, tracking number or the item to begin.")
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
        self.checklist = _label()
        self.grade = _label()
        self.reason = _label()
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
        self.checklist.setVisible(bool(lines))
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
        self.grade.setVisible(bool(grade))
        self.reason.setVisible(bool(found))


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
        self.caption = _label("why")
        self.disposition = _label("disposition")
        self.destination = QLabel()
        self.destination.setObjectName("destination")
        # One unbroken code in big type: never wrapped at its hyphen, never widening the card.
        self.destination.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.why = _label("reasons")
        self.footer = _label("why")
        self.decision = (self.caption, self.disposition, self.destination, self.why, self.footer)
        for widget in self.decision:
            self.body.addWidget(widget)
        self.body.addStretch(1)

    def show_unit(self, unit: UnitView | None, recorded: bool) -> None:
        """``recorded``: the unit was just recorded, so its label and LPN are real."""
        decided = unit is not None and unit.destination is not None
        for widget in self.decision:
            widget.setVisible(decided)
        if unit is None or unit.destination is None:
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
