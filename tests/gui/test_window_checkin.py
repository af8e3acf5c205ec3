"""The dock's check-in in the window: F8 (or MODE-CHECKIN) opens it, a scan checks a
parcel in, and the screen says which parcel to pull next and why, in money."""

import pytest
from bench_driver import Scanner
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from station.feedback import Tone
from ui.main_window import MainWindow

pytestmark = pytest.mark.gui


def test_a_parcel_checked_in_is_the_next_to_pull_with_its_worth_and_loss_said(
    window: MainWindow, scanner: Scanner, qtbot: QtBot
) -> None:
    qtbot.keyClick(window, Qt.Key.Key_F8)
    assert window.mode == "checkin" and window.screens.currentWidget() is window.checkin
    scanner.scan("BADGE-2001")
    assert window.checkin.prompt.text().startswith("Scan the parcel's tracking number")
    assert window.checkin.next_tag.text() == "Nothing waiting."
    checked = scanner.scan("TBA067832201915")  # RMA-10004's parcel: running shorts, 48.99
    assert checked.tone is Tone.GOOD and "PCL-BENCH-01-000001" in checked.message
    scanner.scan("RMA-10012")  # a 1,122.99 laptop: it goes first
    assert window.checkin.next_tag.text() == "PCL-BENCH-01-000002 · RMA-10012"
    # No history in the demo store: every disposition alike, a third of 1,122.99 recovered
    # (0.33125), of which electronics lose 0.6% a day.
    assert window.checkin.next_why.text() == "worth about €372, losing about €2 a day"
    assert window.checkin.backlog.rowCount() == 2
    assert window.checkin.backlog.index(1, 1).data() == "RMA-10004"
    assert "2 parcel(s) waiting" in window.checkin.totals.text()
    assert window.checkin.arrived.index(0, 1).data() == "RMA-10012"
