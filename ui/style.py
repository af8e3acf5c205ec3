"""Colours and the style sheet of the bench window: one place, so every tone looks the same.

Colours are chosen to be told apart at arm's length under warehouse lighting, with text
on them at a contrast ratio of at least 4.5:1. No text an operator reads is smaller than
11pt (about 15 pixels at 96 dpi): anything smaller is lost a step back from the screen.
"""

from enum import StrEnum

from station.feedback import Tone

TONE_COLOURS = {
    Tone.GOOD: "#1b7f3b",
    Tone.BAD: "#c62828",
    Tone.WARN: "#b35c00",
    Tone.DUPLICATE: "#616161",
}
# Flashes are translucent washes over the whole window, brighter than the text colours.
FLASH_COLOURS = {
    Tone.GOOD: "#2e9e4f",
    Tone.BAD: "#e53935",
    Tone.WARN: "#ffb300",
    Tone.DUPLICATE: "#9e9e9e",
}


class Light(StrEnum):
    """A header light: working, broken (the operator must act), on its way, or not set up."""

    OK = "ok"
    BAD = "bad"
    BUSY = "busy"
    OFF = "off"


LIGHT_COLOURS = {
    Light.OK: "#2e9e4f",
    Light.BAD: "#e53935",
    Light.BUSY: "#ffb300",
    Light.OFF: "#9e9e9e",
}
NEUTRAL = "#37474f"

SHEET = """
QWidget { font-size: 11pt; }
QMainWindow, QWidget#screen { background: #eceff1; }
QFrame#header { background: #263238; }
QFrame#header QLabel { color: #eceff1; font-size: 11pt; }
QLabel#bench { font-weight: bold; font-size: 13pt; }
QLabel#prompt {
    font-size: 26pt; font-weight: bold; color: #0d2b45;
    background: #ffffff; border-left: 10px solid #1565c0; padding: 6px 12px;
}
QLabel#feedback { font-size: 14pt; font-weight: bold; padding: 4px 12px; color: #ffffff; }
QLabel#choices {
    font-size: 12pt; color: #102027; background: #ffffff;
    border: 1px solid #cfd8dc; border-radius: 6px; padding: 6px 12px;
}
QFrame#card { background: #ffffff; border: 1px solid #cfd8dc; border-radius: 6px; }
QLabel#cardTitle {
    color: #546e7a; font-size: 11pt; font-weight: bold; letter-spacing: 1px;
}
QLabel#value { font-size: 11pt; color: #102027; }
QLabel#disposition { font-size: 20pt; font-weight: bold; color: #0d2b45; }
QLabel#destination { font-size: 40pt; font-weight: bold; color: #0d47a1; }
QLabel#why { font-size: 12pt; color: #37474f; }
QLabel#reasons { font-size: 12pt; color: #263238; }
QLabel#placeholder { font-size: 12pt; color: #607d8b; }
QFrame#banner { background: #fff3cd; border: 2px solid #b35c00; border-radius: 6px; }
QLabel#bannerText { font-size: 13pt; font-weight: bold; color: #5d3000; }
QFrame#signIn { background: #ffffff; border: 1px solid #cfd8dc; border-radius: 6px; }
QLabel#signInTitle { font-size: 22pt; font-weight: bold; color: #0d2b45; }
QLabel#openWork { font-size: 14pt; font-weight: bold; color: #8a4b00; }
QLineEdit#pin { font-size: 18pt; padding: 4px; }
QLineEdit#code { font-size: 13pt; padding: 3px; }
QPushButton { font-size: 11pt; padding: 5px 12px; }
QTabWidget::pane { background: #ffffff; }
QTableView { font-size: 11pt; background: #ffffff; }
QHeaderView { font-size: 11pt; }
"""
