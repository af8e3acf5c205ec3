"""The keyboard twins of the command barcodes, by the step the bench is at, and a key
pressed at each mode's screen: a digit typed where one is asked (a PIN, a count), else
the command it stands for, or the number the operator picked, sent to the bench.

The keys themselves are declared once, in ``station.commands``.
"""

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from station.checkin.bench import CheckinBench
from station.commands import BASIC, GRADES, RECEIVING
from station.feedback import Feedback
from station.receiving.bench import ReceivingBench
from station.receiving.view import ReceivingView, RStep
from station.returns.bench import ReturnsBench
from station.returns.view import BenchView, Step
from ui.checkin_screen import CheckinScreen
from ui.receiving_screen import ReceivingScreen
from ui.returns_screen import ReturnsScreen

Act = Callable[[Callable[[], Feedback]], None]  # the window's: an intent done, then shown

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


def returns_key(
    text: str, key: int, *, screen: ReturnsScreen, view: BenchView, bench: ReturnsBench, act: Act
) -> None:
    step = view.step
    if step in (Step.SIGN_IN, Step.APPROVAL, Step.POLICY) and text.isdigit():
        panel = screen.sign_in if step is Step.SIGN_IN else screen.banner
        panel.pin.type_digit(text)
        return
    intent = key_intent(step, key)
    if isinstance(intent, int):
        number = intent
        act(lambda: bench.pick(number))
    elif intent is not None:
        code = intent
        act(lambda: bench.press(code))


def receiving_key(
    text: str,
    key: int,
    *,
    screen: ReceivingScreen,
    view: ReceivingView,
    bench: ReceivingBench,
    act: Act,
) -> None:
    step = view.step
    if text.isdigit():
        typing = {
            RStep.SIGN_IN: screen.sign_in.pin,
            RStep.SHELF_LIFE: screen.banner.pin,
            RStep.APPROVAL: screen.banner.pin,
            RStep.RECEIVE: screen.quantity,
        }.get(step)
        if typing is not None:
            typing.type_digit(text)
            return
    intent = receiving_key_intent(step, key)
    if isinstance(intent, int):
        reasons = view.damage_reasons
        if 1 <= intent <= len(reasons):
            reason = reasons[intent - 1]
            act(lambda: bench.press(f"REASON-{reason}"))
    elif intent is not None:
        code = intent
        act(lambda: bench.press(code))


def checkin_key(screen: CheckinScreen, bench: CheckinBench, text: str) -> None:
    """The check-in is scan-only: digits are a PIN while nobody is signed in."""
    if bench.operator is None and text.isdigit():
        screen.sign_in.pin.type_digit(text)
