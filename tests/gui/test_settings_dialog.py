"""The settings screen: a test label to a real (loopback) printer, the last scans, and a
save the station reads back at its next start, by a supervisor signed in only."""

import io
import itertools
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import zxingcpp
from fake_printer import LoopbackPrinter
from PIL import Image
from PySide6.QtCore import QBuffer, QIODevice, QPoint, QRect, Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPushButton, QSpinBox
from pytestqt.qtbot import QtBot

import ui.test_label
from station.operators import Role, SignedIn
from station.returns.bench import ReturnsBench
from station.rulepack import load_rulepack
from station.scans import Scan
from station.setting_keys import (
    BENCH_ID,
    CURRENCY,
    ERP_DATABASE,
    ERP_INTERVAL_S,
    ERP_URL,
    ERP_USER,
    GS1_SEPARATOR,
    PRINTER2_LABELS,
    PRINTER2_STOCK,
    PRINTER_STOCK,
    PRINTER_URL,
    WEDGE_PREFIX,
)
from station.settings import Settings
from station.store.engine import Store
from ui.models import ScanLogModel
from ui.settings_dialog import SettingsDialog

pytestmark = pytest.mark.gui
SAM = SignedIn("Sam Supervisor", "BADGE-3001", Role.SUPERVISOR)
INES = SignedIn("Ines Inspector", "BADGE-1001", Role.INSPECTOR)


@pytest.fixture
def printer() -> Iterator[LoopbackPrinter]:
    started = LoopbackPrinter()
    yield started
    started.close()


@pytest.fixture
def dialog(qtbot: QtBot, store: Store, tmp_path: Path) -> SettingsDialog:
    settings = Settings.load(tmp_path / "station.toml")
    shown = SettingsDialog(settings, ScanLogModel(store, "BENCH-01"), signed_in=lambda: SAM)
    qtbot.addWidget(shown)
    shown.show()
    return shown


def as_pil(image: QImage) -> Image.Image:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert image.save(buffer, "PNG")
    return Image.open(io.BytesIO(bytes(buffer.data().data())))


def button(dialog: SettingsDialog, text: str) -> QPushButton:
    return next(b for b in dialog.findChildren(QPushButton) if b.text() == text)


def show_last_scans(dialog: SettingsDialog, qtbot: QtBot) -> None:
    bar = dialog.tabs.tabBar()
    last = next(i for i in range(bar.count()) if bar.tabText(i) == "Last scans")
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(last).center())


def test_a_test_label_goes_to_the_printer_as_typed(
    dialog: SettingsDialog, qtbot: QtBot, printer: LoopbackPrinter
) -> None:
    url = dialog.fields[PRINTER_URL.key]
    assert isinstance(url, QLineEdit)
    url.setText(f"tcp://127.0.0.1:{printer.port}")
    dialog.test_label.purpose.setCurrentText("bin")
    qtbot.mouseClick(button(dialog, "Print test label"), Qt.MouseButton.LeftButton)
    (job,) = printer.wait_jobs(1)
    assert b"BIN-TEST-01" in job and job.startswith(b"^XA")
    qtbot.waitUntil(lambda: "The printer says: ready" in dialog.result_line.text())


def test_the_window_keeps_turning_while_a_test_print_waits_on_a_slow_printer(
    dialog: SettingsDialog, qtbot: QtBot
) -> None:
    # A printer that dribbles its status a byte every 0.2 s: the answer comes at the
    # printer's deadline, and the dialog's event loop turns all the while.
    slow = LoopbackPrinter(trickle=0.2)
    ticks = []
    clock = QTimer()
    clock.timeout.connect(lambda: ticks.append(time.monotonic()))
    clock.start(50)
    try:
        url = dialog.fields[PRINTER_URL.key]
        assert isinstance(url, QLineEdit)
        url.setText(f"tcp://127.0.0.1:{slow.port}")
        started = time.monotonic()
        qtbot.mouseClick(button(dialog, "Print test label"), Qt.MouseButton.LeftButton)
        assert time.monotonic() - started < 0.5
        assert dialog.result_line.text().startswith("Printing a test")
        assert not button(dialog, "Print test label").isEnabled()
        qtbot.waitUntil(lambda: "The printer says:" in dialog.result_line.text(), timeout=10_000)
    finally:
        clock.stop()
        slow.close()
    assert "The printer says: unknown" in dialog.result_line.text()
    assert button(dialog, "Print test label").isEnabled()
    waited = [b - a for a, b in itertools.pairwise(ticks)]
    assert len(ticks) > 40 and max(waited) < 0.5


def test_a_printer_that_is_not_there_says_so(dialog: SettingsDialog, qtbot: QtBot) -> None:
    url = dialog.fields[PRINTER_URL.key]
    assert isinstance(url, QLineEdit)
    url.setText("folder:/proc/cannot-write-here")
    qtbot.mouseClick(button(dialog, "Print test label"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result_line.text().startswith("Not printed:"))


def test_saving_writes_what_the_station_reads_at_its_next_start(
    dialog: SettingsDialog, qtbot: QtBot, tmp_path: Path
) -> None:
    prefix = dialog.fields[WEDGE_PREFIX.key]
    stock = dialog.fields[PRINTER2_STOCK.key]
    assert isinstance(prefix, QLineEdit) and isinstance(stock, QComboBox)
    prefix.setText("~")
    stock.setCurrentText("4x6")
    dialog.labels_for_second["bin"].setChecked(True)
    dialog.labels_for_second["command"].setChecked(True)
    with qtbot.waitSignal(dialog.saved), qtbot.waitSignal(dialog.applied) as applied:
        qtbot.mouseClick(button(dialog, "Save"), Qt.MouseButton.LeftButton)
    assert applied.args is not None and applied.args[0][WEDGE_PREFIX] == "~"  # for use now
    assert "use them now" in dialog.result_line.text()
    again = Settings.load(tmp_path / "station.toml", required=True)
    assert again[WEDGE_PREFIX] == "~"
    assert again[PRINTER2_STOCK] == "4x6"
    assert again[PRINTER2_LABELS] == "bin,command"


def test_the_dialog_is_worked_by_keyboard(
    dialog: SettingsDialog, qtbot: QtBot, tmp_path: Path, printer: LoopbackPrinter
) -> None:
    # It opens on the bench's name, typed over at once; Tab goes on to the next field.
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.focusWidget() is dialog.fields[BENCH_ID.key])
    qtbot.keyClicks(dialog.focusWidget(), "BENCH-07")
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.fields[CURRENCY.key]
    # Enter in a field saves, from the printers' page too: it never prints a test label.
    url = dialog.fields[PRINTER_URL.key]
    assert isinstance(url, QLineEdit)
    url.setText(f"tcp://127.0.0.1:{printer.port}")
    with qtbot.waitSignal(dialog.saved):
        qtbot.keyClick(url, Qt.Key.Key_Return)
    assert Settings.load(tmp_path / "station.toml", required=True)[BENCH_ID] == "BENCH-07"
    assert printer.jobs == []
    # Esc closes.
    qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_a_bad_value_is_not_saved(dialog: SettingsDialog, qtbot: QtBot, tmp_path: Path) -> None:
    url = dialog.fields[PRINTER_URL.key]
    assert isinstance(url, QLineEdit)
    url.setText("lpt1")
    qtbot.mouseClick(button(dialog, "Save"), Qt.MouseButton.LeftButton)
    assert "Not saved" in dialog.result_line.text() and "printer.url" in dialog.result_line.text()
    assert not (tmp_path / "station.toml").exists()


def test_the_last_scans_are_shown(
    dialog: SettingsDialog, qtbot: QtBot, store: Store, tmp_path: Path
) -> None:
    bench = ReturnsBench(store, Settings(), load_rulepack(), tmp_path / "photos")
    bench.handle(Scan("BADGE-1001", at=1.0))
    bench.handle(Scan("5901234123458", at=3.0))  # a misread check digit
    show_last_scans(dialog, qtbot)
    assert dialog.scan_table.isVisible()
    assert dialog.scans.rowCount() == 2
    assert dialog.scans.index(0, 1).data() == "rejected"


def test_the_dialog_fits_a_bench_screen_with_the_last_scans_shown(
    dialog: SettingsDialog, qtbot: QtBot, store: Store, tmp_path: Path
) -> None:
    bench = ReturnsBench(store, Settings(), load_rulepack(), tmp_path / "photos")
    for n in range(12):
        bench.handle(Scan(f"59012341234{n:02d}", at=float(n)))
    show_last_scans(dialog, qtbot)
    assert dialog.sizeHint().height() <= 1000
    dialog.resize(dialog.sizeHint())
    assert dialog.height() <= 1000
    for text in ("Save", "Close"):
        shown = button(dialog, text)
        assert shown.isVisible()
        assert dialog.rect().contains(QRect(shown.mapTo(dialog, QPoint(0, 0)), shown.size()))
    for page in dialog.page_tabs.values():  # no page hides its fields behind a side scroll
        dialog.tabs.setCurrentWidget(page)
        assert page.viewport().width() >= page.page.sizeHint().width()
    show_last_scans(dialog, qtbot)
    table = dialog.scan_table
    seen = [r for r in range(table.model().rowCount()) if table.rowViewportPosition(r) >= 0]
    bottom = [r for r in seen if table.rowViewportPosition(r) < table.viewport().height()]
    assert len(bottom) >= 6


def test_the_erp_settings_are_saved_and_read_back(
    dialog: SettingsDialog, qtbot: QtBot, tmp_path: Path
) -> None:
    url, database, user = (dialog.fields[s.key] for s in (ERP_URL, ERP_DATABASE, ERP_USER))
    interval = dialog.fields[ERP_INTERVAL_S.key]
    assert isinstance(url, QLineEdit) and isinstance(database, QLineEdit)
    assert isinstance(user, QLineEdit) and isinstance(interval, QSpinBox)
    url.setText("http://erp.example:8000")
    database.setText("warehouse")
    user.setText("bench-01")
    interval.setValue(45)
    with qtbot.waitSignal(dialog.saved):
        qtbot.mouseClick(button(dialog, "Save"), Qt.MouseButton.LeftButton)
    again = Settings.load(tmp_path / "station.toml", required=True)
    assert (again[ERP_URL], again[ERP_DATABASE], again[ERP_USER], again[ERP_INTERVAL_S]) == (
        "http://erp.example:8000",
        "warehouse",
        "bench-01",
        45,
    )
    shown = SettingsDialog(again, dialog.scans)
    qtbot.addWidget(shown)
    field = shown.fields[ERP_URL.key]
    assert isinstance(field, QLineEdit) and field.text() == "http://erp.example:8000"
    assert any("STATION_ERP_PASSWORD" in label.text() for label in shown.findChildren(QLabel))


def test_the_gs1_separator_is_named_beside_its_field(dialog: SettingsDialog) -> None:
    field = dialog.fields[GS1_SEPARATOR.key]
    assert isinstance(field, QLineEdit) and field.text() == "|"
    assert dialog.character_names[field].text() == "(vertical line)"
    field.setText("~")
    assert dialog.character_names[field].text() == "(tilde)"
    field.setText("")
    assert dialog.character_names[field].text() == "(none)"


@pytest.mark.parametrize(
    ("purpose", "stock", "expected"),
    [("bin", "4x6", "BIN-TEST-01"), ("command", "2x1", "@CONFIRM")],
)
def test_the_preview_is_the_label_that_scans(
    dialog: SettingsDialog, qtbot: QtBot, purpose: str, stock: str, expected: str
) -> None:
    dialog.test_label.purpose.setCurrentText(purpose)
    stock_field = dialog.fields[PRINTER_STOCK.key]
    assert isinstance(stock_field, QComboBox)
    stock_field.setCurrentText(stock)
    qtbot.mouseClick(button(dialog, "Preview"), Qt.MouseButton.LeftButton)
    assert dialog.test_label.preview.isVisible() and dialog.test_label.preview_image is not None
    assert dialog.height() <= dialog.screen().availableGeometry().height()
    read = zxingcpp.read_barcodes(as_pil(dialog.test_label.preview_image))
    assert [code.text for code in read] == [expected]


def test_an_unknown_label_has_no_preview(
    dialog: SettingsDialog, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_layout(purpose: str, dpi: int, stock: str) -> QImage:
        raise ValueError(f"no {stock} layout for {purpose} labels at {dpi} dpi")

    monkeypatch.setattr(ui.test_label, "preview", no_layout)
    qtbot.mouseClick(button(dialog, "Preview"), Qt.MouseButton.LeftButton)
    assert dialog.result_line.text().startswith("No preview: no 4x6 layout")
    assert not dialog.test_label.preview.isVisible()


@pytest.mark.parametrize("who", [None, INES], ids=["nobody", "an-inspector"])
def test_only_a_supervisor_signed_in_saves(
    qtbot: QtBot, store: Store, tmp_path: Path, who: SignedIn | None
) -> None:
    signed_in: list[SignedIn | None] = [who]
    shown = SettingsDialog(
        Settings.load(tmp_path / "station.toml"),
        ScanLogModel(store, "BENCH-01"),
        signed_in=lambda: signed_in[0],
    )
    qtbot.addWidget(shown)
    shown.show()
    save = button(shown, "Save")
    assert not save.isEnabled()
    assert shown.read_only.isVisible() and "supervisor" in shown.read_only.text()
    prefix = shown.fields[WEDGE_PREFIX.key]
    assert isinstance(prefix, QLineEdit)
    prefix.setText("~")
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    shown.save()  # as if the button were not there: the core refuses as well
    assert (
        shown.result_line.text().startswith("Not saved")
        and "save the settings" in shown.result_line.text()
    )
    assert not (tmp_path / "station.toml").exists()

    signed_in[0] = SAM  # a supervisor signs in while the dialog is open
    shown.hide()
    shown.show()
    assert save.isEnabled() and not shown.read_only.isVisible()
    with qtbot.waitSignal(shown.saved):
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert Settings.load(tmp_path / "station.toml")[WEDGE_PREFIX] == "~"
