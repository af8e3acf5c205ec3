"""The settings screen: a test label to a real (loopback) printer, the last scans, and a
save the station reads back at its next start."""

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
import zxingcpp
from fake_printer import LoopbackPrinter
from PIL import Image
from PySide6.QtCore import QBuffer, QIODevice, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QComboBox, QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

import ui.settings_dialog
from station.returns.bench import ReturnsBench
from station.rulepack import load_rulepack
from station.scans import Scan
from station.setting_keys import (
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


@pytest.fixture
def printer() -> Iterator[LoopbackPrinter]:
    started = LoopbackPrinter()
    yield started
    started.close()


@pytest.fixture
def dialog(qtbot: QtBot, store: Store, tmp_path: Path) -> SettingsDialog:
    settings = Settings.load(tmp_path / "station.toml")
    shown = SettingsDialog(settings, ScanLogModel(store, "BENCH-01"))
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


def test_a_test_label_goes_to_the_printer_as_typed(
    dialog: SettingsDialog, qtbot: QtBot, printer: LoopbackPrinter
) -> None:
    url = dialog.fields[PRINTER_URL.key]
    assert isinstance(url, QLineEdit)
    url.setText(f"tcp://127.0.0.1:{printer.port}")
    dialog.test_purpose.setCurrentText("bin")
    qtbot.mouseClick(button(dialog, "Print test label"), Qt.MouseButton.LeftButton)
    (job,) = printer.wait_jobs(1)
    assert b"BIN-TEST-01" in job and job.startswith(b"^XA")
    assert "The printer says: ready" in dialog.result_line.text()


def test_a_printer_that_is_not_there_says_so(dialog: SettingsDialog, qtbot: QtBot) -> None:
    url = dialog.fields[PRINTER_URL.key]
    assert isinstance(url, QLineEdit)
    url.setText("folder:/proc/cannot-write-here")
    qtbot.mouseClick(button(dialog, "Print test label"), Qt.MouseButton.LeftButton)
    assert dialog.result_line.text().startswith("Not printed:")


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
    qtbot.mouseClick(button(dialog, "Show last scans"), Qt.MouseButton.LeftButton)
    assert dialog.scan_table.isVisible()
    assert dialog.scans.rowCount() == 2
    assert dialog.scans.index(0, 3).data() == "rejected"


@pytest.mark.parametrize(
    ("purpose", "stock", "expected"),
    [("bin", "4x6", "BIN-TEST-01"), ("command", "2x1", "@CONFIRM")],
)
def test_the_preview_is_the_label_that_scans(
    dialog: SettingsDialog, qtbot: QtBot, purpose: str, stock: str, expected: str
) -> None:
    dialog.test_purpose.setCurrentText(purpose)
    stock_field = dialog.fields[PRINTER_STOCK.key]
    assert isinstance(stock_field, QComboBox)
    stock_field.setCurrentText(stock)
    qtbot.mouseClick(button(dialog, "Preview"), Qt.MouseButton.LeftButton)
    assert dialog.preview.isVisible() and dialog.preview_image is not None
    read = zxingcpp.read_barcodes(as_pil(dialog.preview_image))
    assert [code.text for code in read] == [expected]


def test_an_unknown_label_has_no_preview(
    dialog: SettingsDialog, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_layout(purpose: str, dpi: int, stock: str) -> QImage:
        raise ValueError(f"no {stock} layout for {purpose} labels at {dpi} dpi")

    monkeypatch.setattr(ui.settings_dialog, "preview", no_layout)
    qtbot.mouseClick(button(dialog, "Preview"), Qt.MouseButton.LeftButton)
    assert dialog.result_line.text().startswith("No preview: no 4x6 layout")
    assert not dialog.preview.isVisible()
