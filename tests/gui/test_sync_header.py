"""The header's ERP light and the bar a long pull shows."""

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from sync.cycle import SyncState, SyncStatus
from ui.header import Header, StatusLight
from ui.style import LIGHT_COLOURS, Light

pytestmark = pytest.mark.gui


def test_a_long_pull_shows_how_far_it_got_and_the_bar_goes_when_done(qtbot: QtBot) -> None:
    header = Header("BENCH-01", "wedge")
    qtbot.addWidget(header)
    header.show()
    header.show_pull("item", 500, 10_000)
    assert header.pulling.isVisible()
    assert header.pulling.text() == "Pulling items: 500 of 10000"
    header.show_pull("item", 10_000, 10_000)
    assert not header.pulling.isVisible()
    header.show_pull("item", 500, 10_000)
    header.show_erp(SyncState(SyncStatus.OFFLINE, 3, None, "the ERP cannot be reached"))
    assert not header.pulling.isVisible()  # the cycle ended early: no bar stuck half-way
    assert header.erp.state == "busy" and header.erp.toolTip() == "the ERP cannot be reached"


def test_another_process_syncing_is_waiting_not_an_error(qtbot: QtBot) -> None:
    header = Header("BENCH-01", "wedge")
    qtbot.addWidget(header)
    header.show_erp(SyncState(SyncStatus.WAITING, 0, None, "another process is syncing this bench"))
    assert header.erp.state == "busy"
    assert header.erp.text.text() == "ERP: waiting, 0 pending, last sync never"


def test_events_the_erp_rejected_stay_red_in_the_header_until_settled(qtbot: QtBot) -> None:
    header = Header("BENCH-01", "wedge")
    qtbot.addWidget(header)
    header.show_erp(SyncState(SyncStatus.ONLINE, 0, None, "", rejected=1))
    assert header.erp.state == "bad"
    assert header.erp.text.text() == "ERP: online, 0 pending, 1 rejected, last sync never"
    assert "Bench → Exception queue" in header.erp.toolTip()
    header.show_erp(SyncState(SyncStatus.ONLINE, 0, None, "", rejected=0))
    assert header.erp.state == "ok"
    assert header.erp.text.text() == "ERP: online, 0 pending, last sync never"


def test_events_settled_between_two_cycles_leave_the_header_at_once(qtbot: QtBot) -> None:
    header = Header("BENCH-01", "wedge")
    qtbot.addWidget(header)
    header.show_erp(SyncState(SyncStatus.ONLINE, 0, None, "", rejected=2))
    header.show_rejected(1)  # a supervisor settled one in the exception queue
    assert header.erp.text.text() == "ERP: online, 0 pending, 1 rejected, last sync never"
    header.show_rejected(0)
    assert (header.erp.state, header.erp.text.text()) == (
        "ok",
        "ERP: online, 0 pending, last sync never",
    )


def test_a_label_that_may_not_have_printed_turns_the_printer_light_red(qtbot: QtBot) -> None:
    header = Header("BENCH-01", "wedge")
    qtbot.addWidget(header)
    header.show_printers_set(["tcp://127.0.0.1:9100"])
    header.show_printer(queued=0, unsure=1)
    assert (header.printer.state, header.printer.text.text()) == (
        "bad",
        "Printer: 1 may not have printed, 0 queued",
    )
    header.show_printer(queued=0, unsure=0)  # a person said what printed
    assert header.printer.state == "ok"


class Restyled(QObject):
    """Counts the style changes of the widget it watches: each one re-polishes it."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: ARG002 - Qt asks
        if event.type() == QEvent.Type.StyleChange:
            self.count += 1
        return False


def test_a_light_set_at_every_scan_restyles_only_when_its_state_changes(qtbot: QtBot) -> None:
    light = StatusLight("Printer")
    qtbot.addWidget(light)
    light.show()  # a hidden widget is restyled only once shown
    light.set(Light.OK, "ready", "Printer at 127.0.0.1")
    dot = light.findChild(QLabel)
    assert dot is not None and dot.text() == "●"
    restyled = Restyled()
    dot.installEventFilter(restyled)
    light.set(Light.OK, "1 queued", "Printer at 127.0.0.1")
    light.set(Light.OK, "ready", "Printer at 127.0.0.1")
    assert restyled.count == 0
    assert light.text.text() == "Printer: ready"
    light.set(Light.BAD, "unreachable", "connection refused")
    assert restyled.count == 1
    assert LIGHT_COLOURS[Light.BAD] in dot.styleSheet()
    assert light.toolTip() == "connection refused"
