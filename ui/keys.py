"""The keyboard twins of the command barcodes, by the step the bench is at.

The keys themselves are declared once, in ``station.commands``; this module only turns a
key press into the command it stands for, or into the number the operator picked.
"""

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from station.commands import BASIC, GRADES, RECEIVING
from station.receiving.view import RStep
from station.returns.view import Step

# Command -> the steps where its single-letter key means it; elsewhere the letter is ignored
# so that a stray key press cannot answer a question that is not being asked.
LETTER_STEPS = {
    "YES": (Step.CHECKLIST,),
    "NO": (Step.CHECKLIST,),
    "SKIP": (Step.CHECKLIST,),
    "TRIAGE": (Step.IDENTIFY, Step.ITEM, Step.CHOOSE, Step.POLICY),
    "REASON": (Step.DECIDE, Step.APPROVAL),
}
GRADE_STEPS = (Step.GRADE, Step.DECIDE, Step.APPROVAL)


COMMAND_KEYS = [(QKeySequence(c.key), c.code) for c in BASIC]
# "Enter" is the keypad key to Qt; the main keyboard's Enter is Return.
COMMAND_KEYS.append((QKeySequence(Qt.Key.Key_Return), "CONFIRM"))
GRADE_KEYS = [(QKeySequence(grade), f"GRADE-{grade}") for grade in GRADES]
DIGIT_KEYS = {Qt.Key.Key_0.value + n: n for n in range(1, 10)}
# At the receiving bench: its own commands, and cancel and undo as at returns.
RECEIVING_KEYS = [(QKeySequence(c.key), c.code) for c in RECEIVING] + [
    (QKeySequence(c.key), c.code) for c in BASIC if c.code in ("CANCEL", "UNDO")
]


def key_intent(step: Step, key: int) -> str | int | None:
    """A command code to press, a number to pick, or None when the key means nothing now.

    ``key`` is a key code combined with its modifiers, as ``WedgeFilter.key_pressed`` sends.
    """
    if key in DIGIT_KEYS:
        return DIGIT_KEYS[key]
    pressed = QKeySequence(key)
    grade = next((code for sequence, code in GRADE_KEYS if sequence == pressed), None)
    if grade is not None:
        return grade if step in GRADE_STEPS else None
    code = next((code for sequence, code in COMMAND_KEYS if sequence == pressed), None)
    if code is None:
        return None
    return code if step in LETTER_STEPS.get(code, tuple(Step)) else None


def receiving_key_intent(step: RStep, key: int) -> str | int | None:
    """At the receiving bench: a command code, a damage reason's number, or None."""
    if key in DIGIT_KEYS:
        return DIGIT_KEYS[key] if step is RStep.DAMAGE else None
    pressed = QKeySequence(key)
    return next((code for sequence, code in RECEIVING_KEYS if sequence == pressed), None)
