"""Tones and flashes: silent but visible without audio, and the shipped tone files."""

import logging
import wave
from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

import resources
import ui.feedback
from station.feedback import Feedback, Tone
from station.settings import Settings
from ui.feedback import NO_AUDIO, SILENT, FeedbackPlayer
from ui.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.resize(400, 300)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def no_audio_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith(NO_AUDIO)]


def test_without_an_audio_device_it_warns_once_and_still_flashes(
    window: QWidget, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ui.feedback, "audio_output_count", lambda: 0)
    with caplog.at_level(logging.WARNING, logger="station.ui.feedback"):
        player = FeedbackPlayer(Settings(), window)
        for tone in Tone:
            player.play(Feedback(tone, "something happened"))
    assert no_audio_warnings(caplog) == [NO_AUDIO]
    assert not player.audible
    assert player.flash.isVisible()
    assert player.flash.tone is Tone.DUPLICATE
    assert player.flash.geometry() == window.rect()


def test_without_qtmultimedia_it_warns_once(
    window: QWidget, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing() -> int:
        raise ImportError("libpulse.so.0: cannot open shared object file")

    monkeypatch.setattr(ui.feedback, "audio_output_count", missing)
    with caplog.at_level(logging.WARNING, logger="station.ui.feedback"):
        player = FeedbackPlayer(Settings(), window)
        player.play(Feedback.bad("refused"))
        player.play(Feedback.bad("refused again"))
    assert len(no_audio_warnings(caplog)) == 1
    assert "libpulse" in no_audio_warnings(caplog)[0]


def test_sounds_switched_off_are_no_warning(
    window: QWidget, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ui.feedback, "audio_output_count", lambda: 0)
    with caplog.at_level(logging.WARNING, logger="station.ui.feedback"):
        FeedbackPlayer(Settings().with_values(ui__sounds=False), window)
    assert no_audio_warnings(caplog) == []


def test_the_flash_ends_after_flash_ms(window: QWidget, qtbot: QtBot) -> None:
    player = FeedbackPlayer(Settings().with_values(ui__sounds=False, ui__flash_ms=50), window)
    player.play(Feedback.good("recorded"))
    assert player.flash.isVisible()
    qtbot.waitUntil(lambda: not player.flash.isVisible(), timeout=1000)


def test_no_flash_when_flash_ms_is_zero(window: QWidget) -> None:
    player = FeedbackPlayer(Settings().with_values(ui__sounds=False, ui__flash_ms=0), window)
    player.play(Feedback.bad("refused"))
    assert not player.flash.isVisible()


@pytest.mark.parametrize(
    ("tone", "seconds"),
    [(Tone.GOOD, 0.12), (Tone.BAD, 0.6), (Tone.WARN, 0.38), (Tone.DUPLICATE, 0.06)],
)
def test_each_tone_is_a_shipped_mono_16_bit_wav(tone: Tone, seconds: float) -> None:
    with wave.open(str(resources.path("sounds", f"{tone}.wav"))) as sound:
        assert (sound.getnchannels(), sound.getsampwidth(), sound.getframerate()) == (1, 2, 22050)
        assert sound.getnframes() / 22050 == pytest.approx(seconds, abs=0.005)


def test_a_bench_without_a_sound_device_says_so_on_screen_once(
    make_window: Callable[[Settings], MainWindow], settings: Settings
) -> None:
    """The bench window (the tests have no sound card) opens on the reason it is silent."""
    bench = make_window(settings)
    assert bench.player.silent == SILENT
    line = bench.returns.feedback
    assert line.text() == SILENT and line.property("tone") == "warn"
    quiet = make_window(settings.with_values(ui__sounds=False))  # silent by choice: no word
    assert quiet.player.silent is None
    assert quiet.returns.feedback.text() == "Ready."
