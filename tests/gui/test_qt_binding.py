"""The Qt binding itself: a bench runs all day, so a binding that leaks a reference at
every call is a crash waiting for the shift's end (PySide6 6.12.0 drops a reference to
None at every Qt call that returns nothing, until Python aborts: "none_dealloc")."""

import sys

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

pytestmark = pytest.mark.gui


def test_qt_calls_keep_the_reference_count_of_none(qtbot: QtBot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for n in range(1000):
        label.setText(str(n))
        label.setVisible(n % 2 == 0)
    assert sys.getrefcount(None) - before > -100  # a few may move; a thousand may not
