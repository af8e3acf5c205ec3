"""Driving the bench window by key events, as a wedge scanner and a person do."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from station.feedback import Feedback
from station.setting_keys import DUPLICATE_WINDOW_MS, WEDGE_MAX_GAP_MS, WEDGE_PREFIX
from station.settings import Settings
from ui.main_window import MainWindow

# Long enough that a held key is surely handed on (the filter's timer is the gap).
SETTLE_MS = 500


class Scanner:
    """Plays a keyboard-wedge scanner and a person at the window, by key events only."""

    def __init__(self, qtbot: QtBot, window: MainWindow, settings: Settings) -> None:
        self.qtbot = qtbot
        self.window = window
        self.prefix = settings[WEDGE_PREFIX]
        self.gap_ms = settings[WEDGE_MAX_GAP_MS]
        self.duplicate_ms = settings[DUPLICATE_WINDOW_MS]
        self._last = ""

    def scan(self, code: str, into: QWidget | None = None) -> Feedback:
        """A fast burst and Enter, like a scanner, into the window or a given widget."""
        if code == self._last:
            # The same code again at once is a double read, ignored by design; a person
            # scanning the same command twice takes longer than that.
            self.qtbot.wait(self.duplicate_ms + 50)
        target = into or self.window
        before = self.window.feedback
        self.qtbot.keyClicks(target, self.prefix + code)
        self.qtbot.keyClick(target, Qt.Key.Key_Return)
        self._last = code
        assert self.window.feedback is not before, f"scan {code!r} was not handled"
        assert self.window.feedback is not None
        return self.window.feedback

    def press(
        self, key: str | Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
    ) -> Feedback:
        """One key pressed by a person; returns the feedback of the command it stood for."""
        before = self.window.feedback
        self.qtbot.keyClick(self.window, key, modifier)
        self.qtbot.waitUntil(lambda: self.window.feedback is not before, timeout=SETTLE_MS)
        assert self.window.feedback is not None
        return self.window.feedback

    def type_slowly(self, widget: QWidget, text: str) -> None:
        """Typing by a person: key presses twice the wedge gap apart.

        QTest waits ``delay`` before each press and again before each release.
        """
        self.qtbot.keyClicks(widget, text, delay=self.gap_ms)
        self.qtbot.wait(self.gap_ms * 3)

    def type_pin(self, pin: str) -> None:
        """A person typing a PIN at the sign-in page: the first digit opens the PIN field."""
        field = self.window.returns.sign_in.pin.field
        self.qtbot.keyClick(self.window, pin[0])
        self.qtbot.waitUntil(lambda: field.text() == pin[0])
        self.qtbot.keyClicks(field, pin[1:])
        self.qtbot.keyClick(field, Qt.Key.Key_Return)
