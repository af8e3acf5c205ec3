"""Read at arm's length: every text an operator reads at the bench window, and in the
dialogs it opens, is drawn at least 14 pixels high, and a rejected scan says why."""

from datetime import UTC, datetime

import pytest
from bench_driver import Scanner
from PySide6.QtCharts import QChartView
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QTabBar,
    QTableView,
    QWidget,
)
from pytestqt.qtbot import QtBot

from sync.cycle import SyncState, SyncStatus
from ui.exceptions_dialog import ExceptionsDialog
from ui.main_window import MainWindow
from ui.settings_dialog import SettingsDialog
from ui.supervisor_window import SupervisorWindow

pytestmark = pytest.mark.gui
SMALLEST_PX = 14  # the smallest text read from a step back from a bench screen
READABLE_PX = 400  # enough of a reason to read it without scrolling
READ = (QLabel, QAbstractItemView, QAbstractButton, QLineEdit, QComboBox, QTabBar, QGroupBox)


def too_small(top: QWidget) -> list[str]:
    small = []
    for widget in top.findChildren(QWidget):
        if isinstance(widget, READ) and widget.isVisible():
            widget.ensurePolished()
            px = QFontInfo(widget.font()).pixelSize()
            if px < SMALLEST_PX:
                said = widget.text() if isinstance(widget, QLabel | QAbstractButton) else ""
                small.append(f"{type(widget).__name__} {widget.objectName()!r} {said!r}: {px}px")
    return small


def test_the_bench_screens_are_read_at_arms_length(window: MainWindow, scanner: Scanner) -> None:
    scanner.scan("BADGE-3001")  # a supervisor works both benches
    scanner.press(Qt.Key.Key_F7)
    assert window.receiving.isVisible()
    assert too_small(window) == []
    count = window.receiving.quantity.field  # larger words leave its field room to read
    assert count.width() >= count.fontMetrics().horizontalAdvance(count.placeholderText()) + 16
    scanner.press(Qt.Key.Key_F6)
    for code in ("RMA-10004", "5907725452020"):  # the policy lines on screen
        scanner.scan(code)
    assert window.returns.isVisible() and window.returns.return_card.policy_lines.text()
    assert too_small(window) == []


def test_the_dialogs_are_read_at_arms_length(window: MainWindow, qtbot: QtBot) -> None:
    bench = window.bench
    for dialog in (
        SettingsDialog(window.settings, window.scans, window),
        ExceptionsDialog(bench.store, None, bench.bench_id, window),
        SupervisorWindow(bench.store, bench.inspection, parent=window),
    ):
        dialog.show()
        qtbot.waitExposed(dialog)
        assert too_small(dialog) == []
        for chart in (view.chart() for view in dialog.findChildren(QChartView)):
            fonts = [chart.titleFont(), *(axis.labelsFont() for axis in chart.axes())]
            assert all(QFontInfo(font).pixelSize() >= SMALLEST_PX for font in fonts)
        if isinstance(dialog, SettingsDialog | SupervisorWindow):
            for page in range(dialog.tabs.count()):
                dialog.tabs.setCurrentIndex(page)
                assert too_small(dialog) == []
        dialog.close()


def test_a_rejected_scan_says_why_in_its_row(window: MainWindow, scanner: Scanner) -> None:
    scanner.scan("BADGE-1001")
    scanner.scan("]C1010590123412345710ABC123456789012345678901721231231")  # no FNC1
    scanner.scan("5901234123458")  # a misread check digit
    tabs = window.returns.tabs
    shown = next(i for i in range(tabs.count()) if tabs.tabText(i) == "Recent scans")
    tabs.setCurrentIndex(shown)
    table = tabs.widget(shown)
    assert isinstance(table, QTableView)
    model = table.model()
    heads = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    outcome, message = heads.index("Outcome"), heads.index("Message")
    said = [model.index(row, message).data() for row in (0, 1)]
    assert [model.index(row, outcome).data() for row in (0, 1)] == ["rejected", "rejected"]
    assert said[0].startswith("Check digit wrong") and said[1].startswith("Unreadable GS1 code")
    # The reason is read on screen, not only in a tooltip: its column starts well inside.
    left = table.columnViewportPosition(message)
    assert left >= 0 and left + READABLE_PX <= table.viewport().width()


BENCH_SCREEN_PX = 1366  # the narrowest bench monitor in common use


def test_the_window_fits_a_1366_pixel_screen_whatever_the_header_says(
    window: MainWindow, scanner: Scanner
) -> None:
    scanner.scan("BADGE-3001")  # the longest name and role of the demo
    header = window.header
    header.show_erp(SyncState(SyncStatus.ONLINE, 12, datetime.now(UTC), "", rejected=3))
    header.show_printers_set(["tcp://192.0.2.10:9100"])
    header.show_printer(queued=12, unsure=1)
    for key in (Qt.Key.Key_F7, Qt.Key.Key_F6):  # both benches
        scanner.press(key)
        assert window.minimumSizeHint().width() <= BENCH_SCREEN_PX
    # The words wrap inside the header rather than widening the window.
    window.resize(BENCH_SCREEN_PX, 768)
    assert window.width() == BENCH_SCREEN_PX
    assert "3 rejected" in header.erp.text.text()
