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
    Command("CANCEL", "Cancel the return in progress", "Esc"),
    Command("UNDO", "Undo the last step", "Ctrl+Z"),
    Command("NEXT", "Next return", "Ctrl+N"),
    Command("PRINT", "Reprint the last label", "Ctrl+P"),
    Command("YES", "Checklist: yes", "Y"),
    Command("NO", "Checklist: no", "N"),
    Command("SKIP", "Checklist: skip the question", "S"),
    Command("TRIAGE", "No RMA: send the unit to the triage queue", "T"),
)
GRADES = ("A", "B", "C", "D", "E")
GRADE_MEANINGS = {
    "A": "as new, unopened",
    "B": "opened, like new",
    "C": "cosmetic wear",
    "D": "damaged, repairable",
    "E": "scrap",
}
# Command families that carry a code after the dash: grades, found reasons, dispositions.
FAMILIES = ("GRADE", "REASON", "DISP")
_SHAPE = re.compile(r"@([A-Z]+)(?:-([A-Z0-9_-]+))?")


def parse_command(text: str) -> tuple[str, str | None]:
    """Normalise ``@grade-b`` to ``GRADE-B``; the second value is the problem, if any."""
    match = _SHAPE.fullmatch(text.upper())
    if not match:
        return "", f"'{text}' is not a command barcode."
    word, argument = match.groups()
    if argument is None and word in {c.code for c in BASIC}:
        return word, None
    if argument is not None and word in FAMILIES:
        if word == "GRADE" and argument not in GRADES:
            return "", f"Grade {argument} does not exist: grades are A to E."
        return f"{word}-{argument}", None
    return "", f"Unknown command {text.upper()}: see the bench command sheet."
