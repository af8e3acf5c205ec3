"""Fixtures for driving the bench window offscreen, as a wedge scanner and a person would."""

import os

# Before any QApplication exists: the tests never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable
from pathlib import Path

import pytest
from bench_driver import Scanner
from pytestqt.qtbot import QtBot

import ui.feedback
from station.receiving.bench import ReceivingBench
from station.returns.bench import ReturnsBench
from station.rulepack import load_rulepack
from station.settings import Settings
from station.store.engine import Store
from ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def no_sound_card(monkeypatch: pytest.MonkeyPatch) -> None:
    """Test machines have no sound card; with the audio libraries installed, asking Qt
    for outputs still starts its audio stack, which warns (no PulseAudio server), and a
    Qt warning fails a test. The silent fallback this leads to is tested on its own."""
    monkeypatch.setattr(ui.feedback, "audio_output_count", lambda: 0)


@pytest.fixture
def make_window(qtbot: QtBot, store: Store, tmp_path: Path) -> Callable[[Settings], MainWindow]:
    def make(settings: Settings) -> MainWindow:
        bench = ReturnsBench(store, settings, load_rulepack(), tmp_path / "photos")
        window = MainWindow(bench, ReceivingBench(store, settings, tmp_path / "photos"), settings)
        # Hidden first, the window closes at the end of a test without asking about the
        # work a test left open (a window nobody sees asks nobody).
        qtbot.addWidget(window, before_close_func=lambda shown: shown.hide())
        window.show()
        qtbot.waitExposed(window)
        return window

    return make


@pytest.fixture
def window(make_window: Callable[[Settings], MainWindow], settings: Settings) -> MainWindow:
    return make_window(settings)


@pytest.fixture
def scanner(qtbot: QtBot, window: MainWindow, settings: Settings) -> Scanner:
    return Scanner(qtbot, window, settings)
