"""Command barcodes: Code 128 values starting with ``@`` that drive a bench by scan alone.

Each has a keyboard twin (``key``) so a bench can also be driven by keyboard alone.
"""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    code: str
    meaning: str
    key: str


BASIC: tuple[Command, ...] = (
    Command("CONFIRM", "Confirm: record the return and print its label", "Enter"),
    Command("CANCEL", "Cancel the return or receipt in progress (asks: again, or @CONFIRM)", "Esc"),
    Command("UNDO", "Undo the last step", "Ctrl+Z"),
    Command("NEXT", "Next return", "Ctrl+N"),
    Command("PRINT", "Reprint the last label", "Ctrl+P"),
    Command("YES", "Checklist: yes", "Y"),
    Command("NO", "Checklist: no", "N"),
    Command("SKIP", "Checklist: skip the question", "S"),
    Command("TRIAGE", "No RMA: send the unit to the triage queue", "T"),
    Command("REASON", "Choose another found reason", "R"),
)
RECEIVING: tuple[Command, ...] = (
    Command("NEW-LPN", "Start a new license plate and print its label", "Ctrl+L"),
    Command(
        "DAMAGED", "The last unit counted is damaged: off the plate, to damaged goods", "Ctrl+D"
    ),
    Command("ADD", "Take the offered item as an unexpected line", "Ctrl+U"),
    Command("NEST", "Put this license plate onto another one (scan it next)", "Ctrl+E"),
    Command("PUTAWAY", "Put the license plate away: the bench suggests a bin", "Ctrl+B"),
    Command("CLOSE", "Close the receipt: discrepancies summed up and sent", "F10"),
)
MODES: tuple[Command, ...] = (
    Command("MODE-RETURNS", "Switch the bench to returns", "F6"),
    Command("MODE-RECEIVING", "Switch the bench to receiving", "F7"),
    Command("MODE-CHECKIN", "Switch the bench to the dock's check-in", "F8"),
)
DAMAGE_REASONS = ("CRUSHED", "WET", "TORN", "BROKEN", "OPENED", "CONTAMINATED")
# Counts printed on the command sheet, so common case packs need no keyboard.
SHEET_COUNTS = (2, 3, 4, 5, 6, 10, 12, 20, 24, 50)
FIXED = frozenset(c.code for c in (*BASIC, *RECEIVING, *MODES))
MAX_QUANTITY = 99999
GRADES = ("A", "B", "C", "D", "E")
GRADE_MEANINGS = {
    "A": "as new, unopened",
    "B": "opened, like new",
    "C": "cosmetic wear",
    "D": "damaged, repairable",
    "E": "scrap",
}
# Command families that carry a code after the dash: grades, found or damage reasons,
# dispositions, and a count (``@QTY-12``).
FAMILIES = ("GRADE", "REASON", "DISP", "QTY")
_SHAPE = re.compile(r"@([A-Z]+)(?:-([A-Z0-9_-]+))?")


@dataclass(frozen=True)
class CommandCode:
    """A command barcode as read: its word (``GRADE``) and what follows the dash (``B``),
    so a bench picks both without splitting the code again."""

    word: str
    argument: str = ""

    @property
    def code(self) -> str:
        return f"{self.word}-{self.argument}" if self.argument else self.word


def parse_command(text: str) -> CommandCode | str:
    """Normalise ``@grade-b`` to ``GRADE-B``, or say what is wrong with ``text``."""
    match = _SHAPE.fullmatch(text.upper())
    if not match:
        return f"'{text}' is not a command barcode."
    word, argument = match.groups()
    scanned = CommandCode(word, argument or "")
    if scanned.code in FIXED:
        return scanned
    if argument is not None and word in FAMILIES:
        if word == "GRADE" and argument not in GRADES:
            return f"Grade {argument} does not exist: grades are A to E."
        if word == "QTY" and not (argument.isdigit() and 1 <= int(argument) <= MAX_QUANTITY):
            return f"Quantity {argument} is not a count from 1 to {MAX_QUANTITY}."
        return scanned
    return f"Unknown command {text.upper()}: see the bench command sheet."
