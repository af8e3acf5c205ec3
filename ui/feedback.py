"""What the operator hears and sees after each action: a tone and a colour flash.

Sounds are optional hardware. Without QtMultimedia (it needs the system's audio libraries)
or without an audio output, the player says so once in the log and stays silent; the flash
and the coloured message still tell the operator what happened.
"""

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, QUrl
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QLabel, QWidget

import resources
from station.feedback import Feedback, Tone
from station.setting_keys import FLASH_MS, SOUNDS
from station.settings import Settings
from ui.style import FLASH_COLOURS, NEUTRAL, TONE_COLOURS

if TYPE_CHECKING:  # QtMultimedia may not load at run time; see audio_output_count
    from PySide6.QtMultimedia import QSoundEffect

log = logging.getLogger("station.ui.feedback")
NO_AUDIO = "no audio device: tones are silent"
SILENT = "No sound device: the bench's tones are silent. Watch the colour of each answer."


def audio_output_count() -> int:
    """How many audio outputs the system has; ImportError when QtMultimedia cannot load."""
    # Imported here, not at the top: without the system's audio libraries it cannot load.
    from PySide6.QtMultimedia import QMediaDevices  # noqa: PLC0415

    return len(QMediaDevices.audioOutputs())


def show_tone(label: QLabel, feedback: Feedback | None) -> None:
    """The message line of a screen: the last feedback on its tone's colour."""
    colour = TONE_COLOURS[feedback.tone] if feedback else NEUTRAL
    label.setText(feedback.message if feedback else "Ready.")
    label.setProperty("tone", feedback.tone.value if feedback else "")
    sheet = f"background: {colour};"
    if label.styleSheet() != sheet:  # a new sheet restyles the label: a millisecond a scan
        label.setStyleSheet(sheet)


class FlashOverlay(QWidget):
    """A translucent wash of colour over the whole window for ``ui.flash_ms``."""

    def __init__(self, window: QWidget, flash_ms: int) -> None:
        super().__init__(window)
        self.tone: Tone | None = None
        self._flash_ms = flash_ms
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        # Clicks and keys go through to the window beneath the colour.
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.hide()

    def flash(self, tone: Tone) -> None:
        if self._flash_ms <= 0:
            return
        self.tone = tone
        parent = self.parentWidget()
        assert parent is not None
        self.setGeometry(parent.rect())
        self.raise_()
        self.show()
        self.update()
        self._timer.start(self._flash_ms)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: ARG002 - the whole widget is painted
        if self.tone is None:
            return
        colour = QColor(FLASH_COLOURS[self.tone])
        painter = QPainter(self)
        wash = QColor(colour)
        wash.setAlpha(70)
        painter.fillRect(self.rect(), wash)
        painter.setPen(QPen(colour, 16))
        painter.drawRect(self.rect().adjusted(8, 8, -8, -8))
        painter.end()


class FeedbackPlayer(QObject):
    """Plays the tone of each ``Feedback`` and flashes the window in its colour."""

    def __init__(self, settings: Settings, window: QWidget) -> None:
        super().__init__(window)
        self.flash = FlashOverlay(window, settings[FLASH_MS])
        self._effects: dict[Tone, QSoundEffect] = {}
        # Said on screen once, at start: an operator who hears no tones should know why.
        self.silent: str | None = None
        if settings[SOUNDS]:
            self._load_effects()

    def _load_effects(self) -> None:
        try:
            outputs = audio_output_count()
        except ImportError as exc:
            log.warning("%s (QtMultimedia unavailable: %s)", NO_AUDIO, exc)
            self.silent = SILENT
            return
        if outputs == 0:
            log.warning(NO_AUDIO)
            self.silent = SILENT
            return
        from PySide6.QtMultimedia import QSoundEffect  # noqa: PLC0415 - loads only with audio

        for tone in Tone:
            effect = QSoundEffect(self)
            effect.setSource(QUrl.fromLocalFile(str(resources.path("sounds", f"{tone}.wav"))))
            self._effects[tone] = effect

    @property
    def audible(self) -> bool:
        return bool(self._effects)

    def play(self, feedback: Feedback) -> None:
        effect = self._effects.get(feedback.tone)
        if effect is not None:
            effect.play()
        self.flash.flash(feedback.tone)
