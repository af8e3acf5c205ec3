"""A whole receipt at the real window, by wedge scans only (and one photo of the damage).

The receipt has a GS1-128 line with lot and expiry, a serial-tracked line, a line over
within tolerance, one over beyond it, a short one, a damaged unit, two cartons nested on a
pallet put away to the suggested bin, and a third plate put away elsewhere (an override).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from bench_driver import Scanner
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from receiving_data import ASN, SSCC, ReceiptUnderTest, add_test_receipt
from sqlalchemy import select

from station.feedback import Tone
from station.receiving.view import ReceivingView, RStep
from station.settings import Settings
from station.store.engine import Store
from station.store.schema import AuditEntry, Lpn, OutboxEvent, Putaway, Receipt, Received
from ui.main_window import MainWindow

pytestmark = pytest.mark.gui
LATER = date.today() + timedelta(days=400)


def outbox(store: Store, kind: str) -> list[dict[str, Any]]:
    with store.read() as session:
        events = session.scalars(select(OutboxEvent).where(OutboxEvent.kind == kind))
        return [e.payload for e in events]


@pytest.fixture
def goods(store: Store) -> ReceiptUnderTest:
    return add_test_receipt(store, date.today())


def a_photo(tmp_path: Path) -> Path:
    picture = tmp_path / "crushed.png"
    image = QImage(32, 32, QImage.Format.Format_RGB32)
    image.fill(QColor("brown"))
    assert image.save(str(picture))
    return picture


@dataclass(frozen=True)
class Dock:
    """The window, the scanner that plays the clerk, and the goods on the receipt."""

    window: MainWindow
    scanner: Scanner
    qtbot: QtBot
    goods: ReceiptUnderTest

    @property
    def view(self) -> ReceivingView:
        return self.window.receiving_view


@pytest.fixture
def dock(
    make_window: Callable[[Settings], MainWindow], qtbot: QtBot, goods: ReceiptUnderTest
) -> Dock:
    settings = Settings()
    window = make_window(settings)
    return Dock(window, Scanner(qtbot, window, settings), qtbot, goods)


def start_at_the_pallet(dock: Dock) -> None:
    refused = dock.scanner.scan("BADGE-2001")  # a clerk, at the returns bench
    assert refused.tone is Tone.BAD and "may not work the returns bench" in refused.message
    assert dock.scanner.scan("@MODE-RECEIVING").tone is Tone.GOOD
    assert dock.window.screens.currentWidget() is dock.window.receiving
    assert dock.scanner.scan("BADGE-2001").tone is Tone.GOOD
    assert dock.scanner.scan("00" + SSCC).tone is Tone.GOOD
    assert dock.view.receipt is not None and dock.view.receipt.number == ASN


def count_carton_one(dock: Dock) -> str:
    """The lot-tracked line in one GS1-128 read, and the two serials; returns the plate."""
    scanner, goods = dock.scanner, dock.goods
    assert scanner.scan("@NEW-LPN").tone is Tone.GOOD
    carton = dock.view.plate
    assert carton is not None
    lot_scan = goods.gs1(goods.lot_item, lot="L1", expiry=LATER, count=24).replace("\x1d", "|")
    said = scanner.scan("]C1" + lot_scan)
    assert said.tone is Tone.GOOD and "24 of 24" in said.message
    scanner.scan(goods.serial_item.gtin)
    assert dock.view.step is RStep.SERIAL
    assert scanner.scan("SNG0000001").tone is Tone.GOOD
    assert scanner.scan(f"01{goods.serial_item.gtin}21SNG0000002").tone is Tone.GOOD
    again = scanner.scan(f"01{goods.serial_item.gtin}21SNG0000001")
    assert again.tone is Tone.BAD and "already received" in again.message
    return carton


def count_carton_two(dock: Dock) -> None:
    """Carton 1 onto the pallet; a pre-printed carton 2 with the lines over tolerance."""
    scanner, goods = dock.scanner, dock.goods
    assert scanner.scan("@NEST").tone is Tone.GOOD
    assert scanner.scan("LPN-PALLET-0001").tone is Tone.GOOD
    assert scanner.scan("LPN-CARTON-0002").tone is Tone.GOOD
    for code in (goods.over_ok.gtin, "@QTY-21", goods.over_bad.gtin, "@QTY-14"):
        assert scanner.scan(code).tone is Tone.GOOD


def damage_one(dock: Dock, picture: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One unit of the last goods is damaged: off the plate, with its reason and a photo."""
    assert dock.scanner.scan("@DAMAGED").tone is Tone.WARN
    assert dock.view.step is RStep.DAMAGE
    assert dock.window.receiving.add_photo.isVisible()
    assert dock.scanner.scan("@REASON-CRUSHED").tone is Tone.GOOD
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_args: (str(picture), ""))
    dock.qtbot.mouseClick(dock.window.receiving.add_photo, Qt.MouseButton.LeftButton)
    assert dock.view.step is RStep.RECEIVE


def put_the_pallet_away(dock: Dock) -> str:
    assert dock.scanner.scan("@NEST").tone is Tone.GOOD
    assert dock.scanner.scan("LPN-PALLET-0001").tone is Tone.GOOD
    dock.scanner.scan("@PUTAWAY")
    suggested = dock.view.suggested_bin
    assert suggested is not None and dock.window.receiving.bin.text() == f"→ {suggested}"
    shown = dock.window.receiving.contents.text().splitlines()
    goods = dock.goods
    assert f"{goods.lot_item.sku} ×24  lot L1" in shown
    assert f"{goods.over_bad.sku} ×13" in shown  # 14 counted, one damaged
    assert dock.view.putaway_plate == "LPN-PALLET-0001"
    assert dock.scanner.scan(suggested).tone is Tone.GOOD
    return suggested


def put_the_short_line_elsewhere(dock: Dock) -> str:
    for code in ("@NEW-LPN", dock.goods.short.gtin, "@QTY-3", "@PUTAWAY"):
        dock.scanner.scan(code)
    other = "BIN-A05-10" if dock.view.suggested_bin != "BIN-A05-10" else "BIN-A05-09"
    assert dock.scanner.scan(other).tone is Tone.WARN
    return other


def close_with_a_supervisor_pin(dock: Dock) -> None:
    assert dock.scanner.scan("@CLOSE").tone is Tone.WARN
    banner = dock.window.receiving.banner
    assert banner.isVisible()
    dock.qtbot.keyClick(dock.window, "3")
    dock.qtbot.keyClicks(banner.pin.field, "333")
    dock.qtbot.keyClick(banner.pin.field, Qt.Key.Key_Return)
    assert dock.window.feedback is not None and "closed" in dock.window.feedback.message
    # Closed: the plate panel offers no plate to build on a receipt no longer open.
    screen = dock.window.receiving
    assert screen.plate.text() == "No receipt open."
    assert not screen.contents.isVisible() and not screen.bin.isVisible()


def test_a_receipt_by_scans_from_pallet_to_bins(
    dock: Dock, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    start_at_the_pallet(dock)
    carton = count_carton_one(dock)
    count_carton_two(dock)
    damage_one(dock, a_photo(tmp_path), monkeypatch)
    suggested = put_the_pallet_away(dock)
    other = put_the_short_line_elsewhere(dock)
    ModelTester(None).check(dock.window.receiving.lines)
    ModelTester(None).check(dock.window.receiving.plates)
    assert dock.view.receipt is not None
    statuses = {row.line_no: row.status for row in dock.view.receipt.lines}
    assert statuses == {1: "done", 2: "done", 3: "over", 4: "over", 5: "part"}
    close_with_a_supervisor_pin(dock)

    with store.read() as session:
        receipt = session.scalars(select(Receipt)).one()
        plates = {p.code: (p.parent, p.bin) for p in session.scalars(select(Lpn))}
        damaged = session.scalars(select(Received).where(Received.damaged.is_(True))).one()
        damage = (damaged.sku, damaged.damage_reason, len(damaged.photos))
        putaways = {p.lpn: (p.bin, p.override) for p in session.scalars(select(Putaway))}
        overrides = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "putaway_override")
        ).all()
    assert (receipt.status, receipt.approved_by) == ("closed", "BADGE-3001")
    assert plates[carton] == ("LPN-PALLET-0001", suggested)
    assert plates["LPN-CARTON-0002"] == ("LPN-PALLET-0001", suggested)
    assert damage == (dock.goods.over_bad.sku, "CRUSHED", 1)
    assert putaways["LPN-PALLET-0001"] == (suggested, False)
    assert len(overrides) == 1 and overrides[0].detail["bin"] == other

    (closed,) = outbox(store, "receipt_closed")
    found = {(d["kind"], d.get("line"), d["quantity"]) for d in closed["discrepancies"]}
    assert found == {("over", 3, 1), ("over", 4, 3), ("short", 5, 2), ("damaged", None, 1)}
    lines = {line["line"]: line for line in closed["lines"]}
    assert lines[1]["lots"] == [{"lot": "L1", "expiry": LATER.isoformat(), "quantity": 24}]
    assert lines[2]["serials"] == ["SNG0000001", "SNG0000002"]
    moved = {e["lpn"]: e["bin"] for e in outbox(store, "putaway_done")}
    assert moved == {"LPN-PALLET-0001": suggested, plates_of_short(store): other}


def plates_of_short(store: Store) -> str:
    with store.read() as session:
        return session.scalars(select(Putaway.lpn).where(Putaway.override.is_(True))).one()


def test_mode_switches_by_key_and_the_supervisor_carries_over(
    window: MainWindow, scanner: Scanner
) -> None:
    scanner.scan("BADGE-3001")
    scanner.press(Qt.Key.Key_F7)
    assert window.mode == "receiving" and window.windowTitle().endswith("Receiving")
    assert window.header.mode.text().startswith("Mode: Receiving")
    assert window.receiving_bench.operator is not None
    assert window.bench.operator is None
    assert window.header.operator.text() == "Sam Supervisor (supervisor)"
    scanner.press(Qt.Key.Key_F6)
    assert window.mode == "returns" and window.bench.operator is not None


def test_each_mode_is_one_entry_its_menu_action_switches_to(window: MainWindow) -> None:
    modes = list(window.modes.values())
    assert [(m.name, m.title, m.command.code, m.command.key) for m in modes] == [
        ("returns", "Returns", "MODE-RETURNS", "F6"),
        ("receiving", "Receiving", "MODE-RECEIVING", "F7"),
        ("checkin", "Check-in", "MODE-CHECKIN", "F8"),
    ]
    menu = window.menuBar().actions()[0].menu()
    for mode in reversed(modes):  # the window opens in returns
        action = next(a for a in menu.actions() if a.text() == f"{mode.title} mode")
        assert action.shortcut() == QKeySequence(mode.command.key)
        action.trigger()
        assert window.mode == mode.name and window.active() is mode.bench
        assert window.screens.currentWidget() is mode.screen
        assert window.windowTitle().endswith(f" · {mode.title}")
        assert window.header.mode.text() == (
            f"Mode: {mode.title} (F6 returns, F7 receiving, F8 check-in)"
        )


def test_a_receipt_in_progress_keeps_the_bench_in_receiving(
    window: MainWindow, scanner: Scanner, goods: ReceiptUnderTest
) -> None:
    scanner.scan("@MODE-RECEIVING")
    scanner.scan("BADGE-2001")
    scanner.scan(ASN)
    refused = scanner.scan("@MODE-RETURNS")
    assert refused.tone is Tone.BAD and "Close (CLOSE) or cancel (CANCEL)" in refused.message
    assert window.mode == "receiving"
    assert goods.lot_item.expected == 24


def test_the_window_opens_where_the_bench_left_off(
    make_window: Callable[[Settings], MainWindow], qtbot: QtBot, settings: Settings
) -> None:
    first = make_window(settings)
    Scanner(qtbot, first, settings).scan("@MODE-RECEIVING")
    first.close()
    again = make_window(settings)
    assert again.mode == "receiving"
    assert again.screens.currentWidget() is again.receiving


def test_the_keys_say_what_they_mean_while_counting_and_for_damage(dock: Dock) -> None:
    """Digits are a count while receiving and a damage reason after DAMAGED: the screen
    says which, at the step where they work."""
    start_at_the_pallet(dock)
    choices = dock.window.receiving.choices
    assert dock.view.step is RStep.RECEIVE
    assert "0–9&nbsp;</b>&nbsp;the&nbsp;count&nbsp;of&nbsp;the&nbsp;goods" in choices.text()
    assert "&nbsp;Ctrl+D&nbsp;" in choices.text()
    for code in ("@NEW-LPN", dock.goods.over_ok.gtin):
        assert dock.scanner.scan(code).tone is Tone.GOOD
    dock.scanner.scan("@DAMAGED")
    assert dock.view.step is RStep.DAMAGE
    assert "Keys 1–6 now mean the damage reason" in choices.text()
    assert "&nbsp;1&nbsp;</b>&nbsp;crushed" in choices.text()
    assert "the count" not in choices.text()


def test_a_count_typed_fast_is_set_enter_and_all(dock: Dock) -> None:
    """The first digit starts the count in its field; "1", "1", Enter typed faster than
    the wedge's gap, yet too short for a scan, all go there: the count is set."""
    start_at_the_pallet(dock)
    window = dock.window
    window.show()
    window.activateWindow()
    dock.qtbot.waitActive(window)
    for code in ("@NEW-LPN", dock.goods.over_ok.gtin):
        assert dock.scanner.scan(code).tone is Tone.GOOD
    dock.qtbot.keyClicks(window.focusWidget() or window, "11")
    dock.qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_Return)
    sku = dock.goods.over_ok.sku
    dock.qtbot.waitUntil(
        lambda: window.feedback is not None and window.feedback.message.startswith(f"{sku} ×11")
    )


def test_the_receipt_stays_in_place_when_a_serial_is_asked(dock: Dock) -> None:
    """The legend says what Esc does with the unit in hand instead of vanishing, so the
    receipt's table does not jump up as the serial is asked."""
    start_at_the_pallet(dock)
    dock.window.show()
    screen = dock.window.receiving
    assert dock.scanner.scan("@NEW-LPN").tone is Tone.GOOD
    dock.qtbot.waitUntil(screen.receipt.isVisible)
    counting_at = screen.receipt.mapTo(dock.window, screen.receipt.rect().topLeft())
    dock.scanner.scan(dock.goods.serial_item.gtin)
    assert dock.view.step is RStep.SERIAL
    assert screen.choices.isVisible()
    assert "&nbsp;Esc&nbsp;</b>&nbsp;never&nbsp;mind" in screen.choices.text()
    dock.qtbot.wait(50)  # the layout settles
    assert screen.receipt.mapTo(dock.window, screen.receipt.rect().topLeft()) == counting_at
    assert dock.scanner.scan("@CANCEL").message == "Cleared."
    assert dock.view.step is RStep.RECEIVE


@pytest.mark.usefixtures("goods")  # the expected receipt ASN
def test_a_receipt_is_cancelled_by_a_second_esc_and_says_so_in_amber(
    window: MainWindow, scanner: Scanner, store: Store
) -> None:
    for code in ("@MODE-RECEIVING", "BADGE-2001", ASN):
        scanner.scan(code)
    asked = scanner.press(Qt.Key.Key_Escape)
    assert asked.tone is Tone.WARN and asked.message.startswith(f"{ASN} is open at step receive")
    assert window.receiving_view.receipt is not None  # one Esc throws nothing away
    cancelled = scanner.press(Qt.Key.Key_Escape)
    assert (cancelled.tone, cancelled.message) == (Tone.WARN, "Receipt cancelled.")
    assert window.receiving_view.receipt is None
    with store.read() as session:
        assert session.scalars(select(Receipt.status)).one() == "cancelled"


@pytest.mark.usefixtures("goods")  # the expected receipt ASN
def test_quitting_with_a_receipt_open_says_what_is_open(
    window: MainWindow, scanner: Scanner, monkeypatch: pytest.MonkeyPatch
) -> None:
    for code in ("@MODE-RECEIVING", "BADGE-2001", ASN):
        scanner.scan(code)
    asked: list[str] = []

    def question(_parent: object, _title: str, text: str, *_buttons: object) -> object:
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", question)
    window.close()
    assert asked == [
        f"{ASN} is open at step receive; it resumes when the bench starts again. Quit anyway?"
    ]
    assert window.isVisible()
