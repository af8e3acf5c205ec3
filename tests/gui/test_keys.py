"""Keyboard twins: which key means which command at which step."""

import pytest
from PySide6.QtCore import QKeyCombination, Qt

from station.returns.view import Step
from ui.keys import key_intent

pytestmark = pytest.mark.gui

CTRL = Qt.KeyboardModifier.ControlModifier
NONE = Qt.KeyboardModifier.NoModifier


def key(name: Qt.Key, modifier: Qt.KeyboardModifier = NONE) -> int:
    return QKeyCombination(modifier, name).toCombined()


@pytest.mark.parametrize(
    ("step", "pressed", "intent"),
    [
        (Step.DECIDE, key(Qt.Key.Key_Return), "CONFIRM"),
        (Step.DECIDE, key(Qt.Key.Key_Enter), "CONFIRM"),
        (Step.CHECKLIST, key(Qt.Key.Key_Escape), "CANCEL"),
        (Step.GRADE, key(Qt.Key.Key_Z, CTRL), "UNDO"),
        (Step.IDENTIFY, key(Qt.Key.Key_N, CTRL), "NEXT"),
        (Step.IDENTIFY, key(Qt.Key.Key_P, CTRL), "PRINT"),
        (Step.IDENTIFY, key(Qt.Key.Key_T), "TRIAGE"),
        (Step.CHECKLIST, key(Qt.Key.Key_Y), "YES"),
        (Step.CHECKLIST, key(Qt.Key.Key_N), "NO"),
        (Step.CHECKLIST, key(Qt.Key.Key_S), "SKIP"),
        (Step.GRADE, key(Qt.Key.Key_Y), None),
        (Step.GRADE, key(Qt.Key.Key_C), "GRADE-C"),
        (Step.APPROVAL, key(Qt.Key.Key_E), "GRADE-E"),
        (Step.CHECKLIST, key(Qt.Key.Key_A), None),
        (Step.CHOOSE, key(Qt.Key.Key_3), 3),
        (Step.REASON, key(Qt.Key.Key_9), 9),
        (Step.REASON, key(Qt.Key.Key_0), None),
        (Step.CHECKLIST, key(Qt.Key.Key_Y, CTRL), None),
        (Step.IDENTIFY, key(Qt.Key.Key_F1), None),
    ],
)
def test_key_intent(step: Step, pressed: int, intent: str | int | None) -> None:
    assert key_intent(step, pressed) == intent
