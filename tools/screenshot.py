"""Render the returns screen to a PNG for the docs: ``tools/screenshot.py out.png``.

Builds a throwaway store with the demo data, records a few returns so the tables have
rows, leaves an electronics return at its disposition with the rules' reasons on screen,
and grabs the window at 1366x768 (a common bench monitor) without showing it on a display.
"""

import os
import sys
import tempfile
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from station.demo_data import load_demo_data
from station.receiving import ReceivingBench
from station.returns import ReturnsBench
from station.rulepack import load_rulepack
from station.scans import Scan
from station.settings import Settings
from station.store.engine import open_store
from ui.main_window import MainWindow

# A restock of running shorts, then a parcel with no RMA sent to triage.
HISTORY = (
    "RMA-10004",
    "5907725452020",
    "@YES",
    "@NO",
    "@NO",
    "@NO",
    "@GRADE-A",
    "@CONFIRM",
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


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: screenshot.py OUT.png", file=sys.stderr)
        return 2
    target = Path(argv[1])
    app = QApplication.instance() or QApplication(argv)
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "station.db")
        load_demo_data(store, date.today())
        settings = Settings({"ui.sounds": False})  # a picture needs no tones
        bench = ReturnsBench(store, settings, load_rulepack(), Path(folder) / "photos")
        # Scans a second apart, as at a real bench, so none counts as a duplicate.
        raws = ["BADGE-1001", *HISTORY, *IN_PROGRESS]
        feedback = None
        for second, raw in enumerate(raws):
            feedback = bench.handle(Scan(raw, at=float(second)))
        bench.save_notes("Does not power on with the supplied charger; box dented.")
        receiving = ReceivingBench(store, settings, Path(folder) / "photos")
        window = MainWindow(bench, receiving, settings)
        assert feedback is not None
        window.returns.show_feedback(feedback)
        window.show()
        app.processEvents()
        target.parent.mkdir(parents=True, exist_ok=True)
        saved = window.grab().save(str(target))
        window.close()
        store.close()
    if not saved:
        print(f"could not write {target}", file=sys.stderr)
        return 1
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
