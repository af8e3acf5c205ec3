"""The wedge filter alone: a person's typing reaches its widget, a scanner's burst does not."""

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

import ui.wedge
from devices.serial_scanner import Framer
from station.scans import read_limit
from station.setting_keys import LONGEST_SCAN
from station.settings import Settings
from ui.code_entry import CodeEntry
from ui.wedge import WedgeFilter

pytestmark = pytest.mark.gui

GAP_MS = 40  # the default scanner.wedge_max_gap_ms
# QTest waits this long before each press and again before its release: keys 2x apart.
SLOW_MS = GAP_MS


class Bench(QWidget):
    """A stand-in window: a text field, a PIN field, the F2 code field and a plain label."""

    def __init__(self) -> None:
        super().__init__()
        self.edit = QLineEdit()
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.code = CodeEntry()
        self.label = QLabel("not a text field")
        layout = QVBoxLayout(self)
        for widget in (self.edit, self.pin, self.code, self.label):
            layout.addWidget(widget)
        self.scans: list[str] = []
        self.keys: list[tuple[str, int]] = []


@pytest.fixture
def make_bench(qtbot: QtBot) -> Iterator[Callable[[Settings], Bench]]:
    app = QApplication.instance()
    assert app is not None
    filters: list[WedgeFilter] = []

    def make(settings: Settings) -> Bench:
        bench = Bench()
        qtbot.addWidget(bench)
        wedge = WedgeFilter(settings, scope=bench)
        wedge.scan_received.connect(bench.scans.append)
        wedge.key_pressed.connect(lambda text, key: bench.keys.append((text, key)))
        app.installEventFilter(wedge)
        filters.append(wedge)
        return bench

    yield make
    for wedge in filters:
        app.removeEventFilter(wedge)


@pytest.fixture
def bench(make_bench: Callable[[Settings], Bench]) -> Bench:
    return make_bench(Settings())


@pytest.fixture
def prefixed(make_bench: Callable[[Settings], Bench], monkeypatch: pytest.MonkeyPatch) -> Bench:
    monkeypatch.setattr(ui.wedge, "PREFIX_STALL_MS", 400)
    return make_bench(Settings().with_values(scanner__wedge_prefix="~"))


def test_slow_typing_lands_in_the_text_field(bench: Bench, qtbot: QtBot) -> None:
    qtbot.keyClicks(bench.edit, "bent lid", delay=SLOW_MS)
    qtbot.waitUntil(lambda: bench.edit.text() == "bent lid")
    assert bench.scans == []
    assert bench.keys == []


def test_a_fast_burst_and_enter_is_a_scan_not_text(bench: Bench, qtbot: QtBot) -> None:
    qtbot.keyClicks(bench.edit, "4006381333931")
    qtbot.keyClick(bench.edit, Qt.Key.Key_Return)
    assert bench.scans == ["4006381333931"]
    qtbot.wait(SLOW_MS)
    assert bench.edit.text() == ""
    assert bench.keys == []


def test_a_burst_shorter_than_a_scan_is_typing(bench: Bench, qtbot: QtBot) -> None:
    with qtbot.waitSignal(bench.edit.returnPressed):
        qtbot.keyClicks(bench.edit, "ok")
        qtbot.keyClick(bench.edit, Qt.Key.Key_Return)
    assert bench.edit.text() == "ok"
    assert bench.scans == []


def test_a_burst_without_enter_is_given_back(bench: Bench, qtbot: QtBot) -> None:
    qtbot.keyClicks(bench.edit, "abc")
    assert bench.edit.text() == ""  # held while a scan might still be coming
    qtbot.waitUntil(lambda: bench.edit.text() == "abc")
    assert bench.scans == []


def test_a_key_held_down_is_typing_however_fast_it_repeats(bench: Bench, qtbot: QtBot) -> None:
    for _ in range(5):
        repeat = QKeyEvent(
            QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier, "a", True
        )
        QApplication.sendEvent(bench.edit, repeat)
    with qtbot.waitSignal(bench.edit.returnPressed):
        qtbot.keyClick(bench.edit, Qt.Key.Key_Return)
    assert bench.edit.text() == "aaaaa"
    assert bench.scans == []


def test_keys_outside_text_fields_are_shortcuts(bench: Bench, qtbot: QtBot) -> None:
    qtbot.keyClick(bench.label, "y")
    qtbot.waitUntil(lambda: len(bench.keys) == 1)
    qtbot.keyClick(bench.label, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(bench.label, Qt.Key.Key_Escape)
    ctrl_z = Qt.Key.Key_Z.value | Qt.KeyboardModifier.ControlModifier.value
    assert [key for _text, key in bench.keys] == [
        Qt.Key.Key_Y.value,
        ctrl_z,
        Qt.Key.Key_Escape.value,
    ]
    assert bench.keys[0][0] == "y"


def test_keys_in_a_text_field_are_never_shortcuts(bench: Bench, qtbot: QtBot) -> None:
    # The line edit ignores Escape and Ctrl+N, so Qt hands them on to the parent widget.
    qtbot.keyClick(bench.edit, Qt.Key.Key_Escape)
    qtbot.keyClick(bench.edit, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(bench.edit, "n", delay=SLOW_MS)
    qtbot.waitUntil(lambda: bench.edit.text() == "n")
    assert bench.keys == []


def test_a_pin_field_is_never_intercepted(bench: Bench, qtbot: QtBot) -> None:
    with qtbot.waitSignal(bench.pin.returnPressed):
        qtbot.keyClicks(bench.pin, "482913")  # as fast as a scanner
        qtbot.keyClick(bench.pin, Qt.Key.Key_Return)
    assert bench.pin.text() == "482913"
    assert bench.scans == []
    assert bench.keys == []


def test_a_code_typed_at_f2_is_never_split_into_a_scan(
    bench: Bench, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A person types at about 60 ms a key: "BA" slower than the gap, then "DGE-2001" and
    Enter faster than it, which once left "BA" in the field and took the rest as a scan."""
    clock = [100.0]
    monkeypatch.setattr(ui.wedge.time, "monotonic", lambda: clock[0])
    entered: list[str] = []
    bench.code.code_entered.connect(entered.append)
    bench.code.setFocus()
    for text, gap_ms in [("B", 60), ("A", 60)] + [(ch, 30) for ch in "DGE-2001"]:
        clock[0] += gap_ms / 1000
        qtbot.keyClick(bench.code, text)
    clock[0] += 0.03
    qtbot.keyClick(bench.code, Qt.Key.Key_Return)
    assert entered == ["BADGE-2001"]
    assert bench.scans == []
    assert bench.keys == []


def test_keys_of_other_windows_are_left_alone(bench: Bench, qtbot: QtBot) -> None:
    other = QLineEdit()
    qtbot.addWidget(other)
    qtbot.keyClicks(other, "RMA-10004")
    qtbot.keyClick(other, Qt.Key.Key_Return)
    assert other.text() == "RMA-10004"
    assert bench.scans == []


def test_with_a_prefix_only_prefixed_input_is_a_scan(prefixed: Bench, qtbot: QtBot) -> None:
    qtbot.keyClicks(prefixed.edit, "x")
    assert prefixed.edit.text() == "x"  # no waiting: without the prefix it is typing
    qtbot.keyClicks(prefixed.edit, "~RMA-10004")
    qtbot.keyClick(prefixed.edit, Qt.Key.Key_Return)
    assert prefixed.scans == ["RMA-10004"]
    assert prefixed.edit.text() == "x"


def test_a_prefix_with_no_enter_is_given_back(prefixed: Bench, qtbot: QtBot) -> None:
    qtbot.keyClicks(prefixed.edit, "~5", delay=SLOW_MS)
    assert prefixed.edit.text() == ""  # slower than the gap, but the prefix holds the keys
    qtbot.waitUntil(lambda: prefixed.edit.text() == "~5")
    assert prefixed.scans == []


def test_an_endless_burst_is_cut_where_the_serial_framer_cuts_a_read(
    make_bench: Callable[[Settings], Bench], qtbot: QtBot
) -> None:
    bench = make_bench(Settings().with_values(scanner__max_length=8))
    qtbot.keyClicks(bench.edit, "RMA-1234567890")
    qtbot.keyClick(bench.edit, Qt.Key.Key_Return)
    assert bench.scans == ["RMA-12345"]  # one past the longest: the bench rejects it aloud
    assert Framer(max_length=8, frame_gap=0.05).feed(b"RMA-1234567890\r", 0.0) == [b"RMA-12345"]


def test_a_prefixed_burst_is_cut_at_the_same_length(
    make_bench: Callable[[Settings], Bench], qtbot: QtBot
) -> None:
    bench = make_bench(Settings().with_values(scanner__max_length=8, scanner__wedge_prefix="~"))
    qtbot.keyClicks(bench.edit, "~RMA-1234567890")
    qtbot.keyClick(bench.edit, Qt.Key.Key_Return)
    assert bench.scans == ["RMA-12345"]


def test_the_code_field_cuts_a_paste_of_megabytes(bench: Bench) -> None:
    entered: list[str] = []
    bench.code.code_entered.connect(entered.append)
    bench.code.setText("RMA-" + "7" * 50_000_000)
    bench.code.returnPressed.emit()
    assert entered == ["RMA-" + "7" * (read_limit(LONGEST_SCAN) - 4)]
