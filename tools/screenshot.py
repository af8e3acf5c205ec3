"""Render a bench screen to a PNG for the docs:
``tools/screenshot.py out.png [receiving|checkin|supervisor]``.

Builds a throwaway store with the demo data. For the returns screen it records a few
returns so the tables have rows and leaves an electronics return at its disposition with
the rules' reasons on screen; for the receiving screen it counts two lines of a demo
receipt onto a plate and stops at the putaway, the bin in big type; for the supervisor
view it writes 30 days of history and opens the view on them, the units behind the
vendor-claim bar listed. The window is grabbed at 1366x768 (a common bench monitor)
without showing it on a display.
"""

import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from demo.history import write_history
from demo.master_data import load_demo_data
from station.receiving.bench import ReceivingBench
from station.returns.bench import ReturnsBench
from station.returns.inspection import Inspection
from station.rulepack import load_rulepack
from station.scans import Scan
from station.setting_keys import FLASH_MS
from station.settings import Settings
from station.store.engine import Store, open_store
from station.store.schema import ExpectedReceipt, Gtin
from ui.main_window import MainWindow
from ui.supervisor_window import SupervisorWindow

# A restock of running shorts, then a parcel with no RMA sent to triage.
FORECAST_WITHIN_S = 60  # statsmodels loads and fits on the view's thread for it
HISTORY = (
    "RMA-10004",
    "5907725452020",
    "@YES",
    "@NO",
    "@NO",
    "@NO",
    "@GRADE-A",
    "@CONFIRM",
    "4000000000006",
    "@TRIAGE",
    "@CONFIRM",
)
# A camera returned as defective: its serial, a failed power check, grade C.
IN_PROGRESS = (
    "RMA-10012",
    "4001954833795",
    "SNDL80MB9VSI",
    "@NO",
    "@YES",
    "@YES",
    "@YES",
    "@YES",
    "@GRADE-C",
    "@CONFIRM",
)


# A clerk at the dock checking in the morning's parcels: by tracking number, order
# number, RMA, and one whose tracking number finds no RMA.
CHECKIN = (
    "@MODE-CHECKIN", "BADGE-2001", "1ZA4LXC37B8YFM1NDW", "TBA067832201915", "WEB-0684112",
    "1Z999AA10123456784", "RMA-10005", "1ZWNYSBZIQXUPZMS6X", "@PRINT",
)  # fmt: skip


def receiving_scans(store: Store) -> list[str]:
    """A clerk counting the first two lines of ASN-200001, by GS1 scans, up to putaway."""
    expiry = date.today() + timedelta(days=400)
    codes = ["@MODE-RECEIVING", "BADGE-2001", "ASN-200001", "@NEW-LPN"]
    with store.read() as session:
        receipt = session.get(ExpectedReceipt, "ASN-200001")
        assert receipt is not None
        for line in receipt.lines[:2]:
            gtin = session.scalars(select(Gtin.gtin14).where(Gtin.sku == line.sku)).first()
            codes.append(f"01{gtin}17{expiry:%y%m%d}10{line.lot or 'L0001'}|30{line.quantity}")
    return [*codes, "@PUTAWAY"]


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print("usage: screenshot.py OUT.png", file=sys.stderr)
        return 2
    target = Path(argv[1])
    app = QApplication.instance() or QApplication(argv)
    if argv[2:] == ["supervisor"]:
        return supervisor(target)
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "station.db")
        load_demo_data(store, date.today())
        settings = Settings({"ui.sounds": False})  # a picture needs no tones
        bench = ReturnsBench(store, settings, load_rulepack(), Path(folder) / "photos")
        # Scans a second apart, as at a real bench, so none counts as a duplicate.
        receiving_mode = argv[2:] == ["receiving"]
        # Another mode is switched to once the returns bench has nothing open.
        returns_mode = argv[2:] == []
        raws = ["BADGE-1001", *HISTORY, *(IN_PROGRESS if returns_mode else [])]
        feedback = None
        for second, raw in enumerate(raws):
            feedback = bench.handle(Scan(raw, at=float(second)))
        bench.save_notes("Does not power on with the supplied charger; box dented.")
        receiving = ReceivingBench(store, settings, Path(folder) / "photos")
        window = MainWindow(bench, receiving, settings)
        assert feedback is not None
        window.returns.show_feedback(feedback)
        if receiving_mode:
            for second, raw in enumerate(receiving_scans(store), start=len(raws)):
                window.take(Scan(raw, at=float(second)))
        if argv[2:] == ["checkin"]:
            for second, raw in enumerate(CHECKIN, start=len(raws)):
                window.take(Scan(raw, at=float(second)))
        window.show()
        # Let the last scan's colour flash fade, so the picture shows the screen itself.
        settle = QEventLoop()
        QTimer.singleShot(settings[FLASH_MS] + 200, settle.quit)
        settle.exec()
        app.processEvents()
        target.parent.mkdir(parents=True, exist_ok=True)
        saved = window.grab().save(str(target))
        window.hide()  # the scene leaves work open: a shown window would ask before closing
        window.close()
        store.close()
    if not saved:
        print(f"could not write {target}", file=sys.stderr)
        return 1
    print(f"wrote {target}")
    return 0


def supervisor(target: Path) -> int:
    """The Returns tab at ``target``; beside it one picture of each other tab,
    ``<name>-throughput.png`` and so on (the forecast's once its thread has made it)."""
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "station.db")
        load_demo_data(store, date.today())
        pack = load_rulepack()
        write_history(store, pack, days=120, units=60_000, today=date.today())
        view = SupervisorWindow(store, Inspection.configured(pack, Settings()))
        view.resize(1366, 768)
        view.drill("disposition", "RTV")
        view.show()
        QApplication.processEvents()
        target.parent.mkdir(parents=True, exist_ok=True)
        pictures = {target: "Returns"}
        for tab in ("Throughput", "Alerts", "Receiving and exceptions", "Forecast", "Approvals"):
            name = tab.split()[0].lower()  # throughput, alerts, receiving, forecast…
            pictures[target.with_name(f"{target.stem}-{name}.png")] = tab
        deadline = time.monotonic() + FORECAST_WITHIN_S
        while view.forecast.result is None and time.monotonic() < deadline:
            QApplication.processEvents()
            time.sleep(0.05)
        saved = []
        for picture, tab in pictures.items():
            bar = view.tabs.tabBar()
            view.tabs.setCurrentIndex(next(i for i in range(bar.count()) if bar.tabText(i) == tab))
            QApplication.processEvents()
            saved.append(view.grab().save(str(picture)))
            print(f"wrote {picture}" if saved[-1] else f"could not write {picture}")
        view.close()
        store.close()
    return 0 if all(saved) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
