"""A serial scanner at the bench window: its scans drive the bench, its plug shows."""

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from fake_scanner import FakeScannerPort
from pytestqt.qtbot import QtBot

from station.label_jobs import queue_label
from station.returns.view import Step
from station.settings import Settings
from station.store.engine import Store
from ui.device_links import DeviceLinks
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


def test_scanner_and_printer_settings_saved_are_used_without_a_restart(
    make_window: Callable[[Settings], MainWindow],
    qtbot: QtBot,
    port: FakeScannerPort,
    store: Store,
    tmp_path: Path,
) -> None:
    window = make_window(Settings())
    devices = DeviceLinks(store, window)
    devices.start(Settings())  # started with no serial scanner and no printer
    assert devices.scanner is None and devices.printing is None
    with store.unit() as session:
        queue_label(session, bench="BENCH-01", template="bin", data={"bin": "BIN-A-01"})
    window.settings_applied.connect(devices.start)
    saved = Settings().with_values(
        scanner__serial_port=str(port.link), printer__url=f"folder:{tmp_path / 'labels'}"
    )
    started = time.monotonic()
    window._apply_settings(saved)  # what the settings dialog's Save leads to
    assert time.monotonic() - started < 0.5  # the GUI thread does not wait on the devices
    try:
        qtbot.waitUntil(lambda: window.header.scanner.text.text() == "Scanner: wedge + serial")
        port.send(b"BADGE-1001\r")
        qtbot.waitUntil(lambda: window.view.step is Step.IDENTIFY, timeout=3000)
        qtbot.waitUntil(lambda: any((tmp_path / "labels").glob("*")), timeout=5000)
        assert window.settings is saved
        window._apply_settings(Settings())  # the serial scanner taken out again
        assert window.header.scanner.text.text() == "Scanner: wedge"
    finally:
        devices.stop()
