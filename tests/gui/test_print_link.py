"""The print worker behind the window: a recorded return's label leaves the queue, and a
printer that cannot be reached, or none set, is told in the header as it happens."""

import logging
import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from devices.print_queue import PrinterReach, Tried
from station.label_jobs import queue_label
from station.settings import Settings
from station.states import LabelJobState
from station.store.engine import Store
from station.store.schema import LabelJob
from ui.device_links import DeviceLinks
from ui.main_window import MainWindow
from ui.print_link import PrintLink

pytestmark = pytest.mark.gui
LPN = "LPN-BENCH-01-000009"


def queue_triage_label(store: Store) -> None:
    with store.unit() as session:
        queue_label(
            session,
            bench="BENCH-01",
            template="triage",
            data={"lpn": LPN, "disposition": "Triage", "destination": "LOC-TRIAGE"},
        )


def nothing_listening() -> int:
    """A loopback port nobody listens on: a connection to it is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_queued_labels_are_printed_and_the_window_is_told(
    qtbot: QtBot, store: Store, tmp_path: Path
) -> None:
    queue_triage_label(store)
    settings = Settings().with_values(printer__url=f"folder:{tmp_path / 'labels'}")
    link = PrintLink(store, settings)
    with qtbot.waitSignal(link.printer_tried, timeout=5000) as told:
        link.start()
    link.stop()
    (tried,) = told.args
    assert tried == Tried(str(tmp_path / "labels"), PrinterReach.TAKING, "")
    (written,) = (tmp_path / "labels").iterdir()
    assert LPN in written.read_text()
    with store.read() as session:
        assert session.scalars(select(LabelJob.status)).one() == LabelJobState.PRINTED


def test_a_printer_that_refuses_connections_is_red_and_every_try_is_shown_and_logged(
    qtbot: QtBot,
    store: Store,
    settings: Settings,
    make_window: Callable[[Settings], MainWindow],
    caplog: pytest.LogCaptureFixture,
) -> None:
    printer = f"127.0.0.1:{nothing_listening()}"
    settings = settings.with_values(printer__url=f"tcp://{printer}")
    window = make_window(settings)
    queue_triage_label(store)
    with caplog.at_level(logging.WARNING, logger="station.devices.printing"):
        devices = DeviceLinks(store, window)  # as the window starts its printers
        devices.start(settings)
        link = devices.printing
        assert link is not None
        try:
            with qtbot.waitSignal(link.printer_tried, timeout=5000):
                pass
        finally:
            devices.stop()
    light = window.header.printer
    assert light.state == "bad"
    assert light.text.text().startswith("Printer: unreachable: [Errno 111] Connection refused")
    assert light.text.text().endswith(", 1 queued")
    assert f"Printer {printer} cannot be reached" in light.toolTip()
    window.returns.tabs.setCurrentWidget(window.labels_table)
    jobs = window.labels
    row = [jobs.data(jobs.index(0, column)) for column in range(jobs.columnCount())]
    assert row[1] == LPN and row[4] == LabelJobState.QUEUED
    assert int(row[5]) >= 1 and "Connection refused" in row[6]
    (said, *_) = [r for r in caplog.records if r.name == "station.devices.printing"]
    assert said.levelno == logging.WARNING
    assert said.getMessage().startswith(f"label job 1 (triage) not printed on {printer}: ")
    assert said.getMessage().endswith("Connection refused")


def test_a_bench_with_no_printer_says_so_and_turns_red_once_a_label_waits(
    store: Store, window: MainWindow
) -> None:
    light = window.header.printer
    assert (light.state, light.text.text()) == ("off", "Printer: no printer set, 0 queued")
    queue_triage_label(store)
    window.redraw()
    assert (light.state, light.text.text()) == ("bad", "Printer: no printer set, 1 queued")
    window.returns.tabs.setCurrentWidget(window.labels_table)
    jobs = window.labels
    said = [jobs.data(jobs.index(0, column)) for column in (4, 5, 6)]
    assert said == [LabelJobState.QUEUED, "0", "no printer set"]
