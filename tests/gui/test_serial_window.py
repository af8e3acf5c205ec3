"""A serial scanner at the bench window: its scans drive the bench, its plug shows."""

from collections.abc import Callable

import pytest
from fake_scanner import FakeScannerPort
from pytestqt.qtbot import QtBot

from station.returns.view import Step
from station.settings import Settings
from ui.main_window import MainWindow
from ui.serial_link import SerialScannerLink

pytestmark = pytest.mark.gui


def test_serial_scans_drive_the_window_and_an_unplug_shows(
    make_window: Callable[[Settings], MainWindow], qtbot: QtBot, port: FakeScannerPort
) -> None:
    settings = Settings().with_values(scanner__serial_port=str(port.link))
    window = make_window(settings)
    link = SerialScannerLink(settings, window)
    window.attach_serial_scanner(link)
    with qtbot.waitSignal(link.state_changed, timeout=3000):
        link.start()
    try:
        assert window.header.scanner.text.text() == "Scanner: wedge + serial"
        port.send(b"BADGE-1001\r")
        qtbot.waitUntil(lambda: window.view.step is Step.IDENTIFY, timeout=3000)
        port.send(b"]C0RMA-10004\r", paced=True)
        qtbot.waitUntil(lambda: window.view.step is Step.ITEM, timeout=3000)
        with qtbot.waitSignal(link.state_changed, timeout=3000):
            port.unplug()
        assert window.header.scanner.state == "bad"
        assert "unplugged" in window.header.scanner.text.text()
    finally:
        link.stop()
