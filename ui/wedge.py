"""Telling a keyboard-wedge scanner from a person typing, in the application's key stream.

A wedge scanner is a keyboard: its scans arrive as key presses in whatever widget has
focus. ``WedgeFilter`` sits on the ``QApplication`` and sees every key press first.

With a configured prefix character, the prefix starts a scan and Enter ends it. Without
one, speed decides: printable keys are held back; keys that follow each other within
``scanner.wedge_max_gap_ms`` and end in Enter are a scan; when the gap passes with no
Enter, a person typed, and the held keys are handed on, a little late, to the widget they
were meant for. In a text field they are text; elsewhere they are keyboard twins of the
command barcodes and are emitted as ``key_pressed``.

Keys are judged at the widget they are delivered to (on a bench, the focus widget). Every
key press the filter lets through to a text field is re-sent under the ``_replaying`` flag,
so the copies Qt propagates to parent widgets are not judged a second time as shortcuts.
"""

import time
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QKeyCombination, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from station.scans import read_limit
from station.setting_keys import MAX_SCAN_LENGTH, WEDGE_MAX_GAP_MS, WEDGE_MIN_LENGTH, WEDGE_PREFIX
from station.settings import Settings
from ui.code_entry import CodeEntry

ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
MODIFIER_KEYS = (
    Qt.Key.Key_Shift,
    Qt.Key.Key_Control,
    Qt.Key.Key_Alt,
    Qt.Key.Key_AltGr,
    Qt.Key.Key_Meta,
    Qt.Key.Key_CapsLock,
)
# Tab moves the focus; it belongs to Qt, not to the bench.
FOCUS_KEYS = (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
SHORTCUT_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)
ALTGR = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
# A person who types the prefix and no Enter must get the keyboard back.
PREFIX_STALL_MS = 2000


@dataclass(frozen=True)
class HeldKey:
    key: int
    modifiers: Qt.KeyboardModifier
    text: str
    target: QWidget


def is_text_input(widget: QWidget | None) -> bool:
    if isinstance(widget, QComboBox):
        return widget.isEditable()
    return isinstance(widget, QLineEdit | QTextEdit | QPlainTextEdit | QAbstractSpinBox)


def is_password(widget: QWidget | None) -> bool:
    return isinstance(widget, QLineEdit) and widget.echoMode() != QLineEdit.EchoMode.Normal


def is_typed_by_hand(widget: QWidget | None) -> bool:
    """A field whose keys always come from a person: a PIN, or the F2 code entry (a scan
    taken there arrives whole anyway, ended by its Enter)."""
    return is_password(widget) or isinstance(widget, CodeEntry)


def shortcut_key(key: int, modifiers: Qt.KeyboardModifier) -> int:
    """The key with only the modifiers that make a shortcut (``QKeyCombination`` form).

    Shift and the keypad flag are dropped so that ``Y`` and ``y``, or ``1`` on the
    number row and on the keypad, are the same key to the bench.
    """
    return QKeyCombination(modifiers & SHORTCUT_MODIFIERS, Qt.Key(key)).toCombined()


class WedgeFilter(QObject):
    """Application-wide key filter that turns wedge bursts into scans.

    Signals:
        scan_received(str): a whole scan read by a keyboard-wedge scanner.
        key_pressed(str, int): a key a person pressed outside any text field: its text and
            its key code combined with the Ctrl/Alt/Meta modifiers (``shortcut_key``).
    """

    scan_received = Signal(str)
    key_pressed = Signal(str, int)

    def __init__(self, settings: Settings, scope: QWidget, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._scope = scope
        self._held: list[HeldKey] = []
        self._capturing = False
        self._last_key_at = 0.0
        self._replaying = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._give_back)
        self.use(settings)

    def use(self, settings: Settings) -> None:
        """The wedge's settings, at start and whenever they are saved; keys held under the
        old ones are handed back first, as a person's."""
        if self._held or self._capturing:
            self._give_back()
        self._prefix = settings[WEDGE_PREFIX]
        self._max_gap = settings[WEDGE_MAX_GAP_MS] / 1000
        self._min_length = settings[WEDGE_MIN_LENGTH]
        self._longest = read_limit(settings[MAX_SCAN_LENGTH])
        self._timer.setInterval(PREFIX_STALL_MS if self._prefix else settings[WEDGE_MAX_GAP_MS])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._replaying or event.type() is not QEvent.Type.KeyPress:
            return False
        if not isinstance(watched, QWidget) or watched.window() is not self._scope:
            return False  # QWindow copies and other windows (dialogs) are not ours
        assert isinstance(event, QKeyEvent)
        key = Qt.Key(event.key())
        if key in MODIFIER_KEYS or key in FOCUS_KEYS:
            return False
        held = HeldKey(key, event.modifiers(), event.text(), watched)
        if is_typed_by_hand(watched) or is_typed_by_hand(QApplication.focusWidget()):
            # A PIN, or a code a person types at F2, is never held or read as a scan: at a
            # person's uneven pace a few fast keys would otherwise split it in two.
            self._give_back()
            self._deliver(held)
            return True
        if event.isAutoRepeat():
            # A key held down repeats as fast as a scanner types, but scanners never repeat.
            self._give_back()
            self._deliver(held)
            return True
        if self._prefix:
            return self._with_prefix(held)
        return self._by_speed(held)

    # --- the two ways of telling a scan -------------------------------------------------

    def _with_prefix(self, held: HeldKey) -> bool:
        if self._capturing and held.key in ENTER_KEYS:
            scan = "".join(k.text for k in self._held[1:])
            if scan:
                self._finish(scan)
                return True
        if self._capturing and _printable(held):
            self._hold(held)
            return True
        self._give_back()
        if held.text == self._prefix and _printable(held):
            self._capturing = True
            self._hold(held)
            return True
        self._deliver(held)
        return True

    def _by_speed(self, held: HeldKey) -> bool:
        now = time.monotonic()
        in_burst = bool(self._held) and now - self._last_key_at <= self._max_gap
        if self._held and (not in_burst or held.target is not self._held[0].target):
            self._give_back()
        if held.key in ENTER_KEYS and in_burst and len(self._held) >= self._min_length:
            self._finish("".join(k.text for k in self._held))
            return True
        if _printable(held):
            self._last_key_at = now
            self._hold(held)
            return True
        self._give_back()
        self._deliver(held)
        return True

    # --- holding, finishing and giving back ---------------------------------------------

    def _hold(self, held: HeldKey) -> None:
        # A burst is cut where the serial framer cuts a read; the rest of it, up to its
        # Enter, is dropped. A held prefix is not part of the scan.
        if len(self._held) < self._longest + (1 if self._capturing else 0):
            self._held.append(held)
        self._timer.start()

    def _finish(self, scan: str) -> None:
        self._timer.stop()
        self._held.clear()
        self._capturing = False
        self.scan_received.emit(scan)

    def _give_back(self) -> None:
        """The held keys were typed by a person: hand them on, in order."""
        self._timer.stop()
        held, self._held = self._held, []
        self._capturing = False
        for key in held:
            self._deliver(key)

    def _deliver(self, held: HeldKey) -> None:
        if not shiboken6.isValid(held.target):
            return  # the widget closed while its key was held
        target = self._typing_into(held.target)
        if is_text_input(target) or is_password(target):
            event = QKeyEvent(QEvent.Type.KeyPress, held.key, held.modifiers, held.text)
            self._replaying = True
            try:
                QCoreApplication.sendEvent(target, event)
            finally:
                self._replaying = False
            return
        self.key_pressed.emit(held.text, shortcut_key(held.key, held.modifiers))

    def _typing_into(self, target: QWidget) -> QWidget:
        """Where a key handed back goes: where it was pressed, unless a key before it put
        the focus in a field of this window (a digit starts a count or a PIN there): then
        there, as the person's next key would. "11" and Enter typed fast went, digits to
        the count and Enter to the window, and the count was never set."""
        focus = QApplication.focusWidget()
        if is_text_input(target) or focus is None or focus.window() is not self._scope:
            return target
        return focus if is_text_input(focus) or is_password(focus) else target


def _printable(held: HeldKey) -> bool:
    """A character, not a shortcut. Ctrl+Alt is AltGr on Windows: it types characters."""
    shortcut = held.modifiers & SHORTCUT_MODIFIERS
    return held.text.isprintable() and bool(held.text) and (not shortcut or shortcut == ALTGR)
