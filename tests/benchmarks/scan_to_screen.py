"""``make bench``: a wedge scan at the real window, from its first key to the screen redrawn.

The bench window (``ui.main_window.MainWindow``, offscreen) runs as ``station`` runs it: its
sync worker against a live demo Tryton once a second (``erp.interval_s = 1``, started as
``app.gui.start_sync`` starts it) and its print queue to a raw-9100 printer on 127.0.0.1
(tests/fake_printer.py), started as the window starts its devices, each on its own thread.
Once the first sync cycle is online, 600 scans of real returns (the ``scan_to_commit``
script: every demo RMA line returned whole, then parcels on no RMA sent to triage) are typed
into the window as key events with no pause between keys, as a wedge scanner types them,
then Enter; the bench's sync sends them to Tryton and its labels print while the scans go
on. The loop turns for 20 ms between scans, as it does between a scanner's reads.

- ``p50_ms`` / ``p95_ms``: one scan, from its first key event to the window's feedback
  changed and the redraw it asked for painted (the events pending after the Enter key
  processed);
- ``max_stall_ms``: the longest gap between two ticks of a 5 ms timer on the GUI thread
  while the scans, the sync cycles and the printing run: how long the screen was frozen
  at worst (a scan's own handling included).
Prints ``{"bench": "scan_to_screen", "p50_ms", "p95_ms", "max_stall_ms", "n", …}``. Targets:
p95 and the longest stall within 50 ms each. The Tryton server (about 45 s to initialise
and seed) runs in a temporary folder and is stopped at the end, on error too.
"""

import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from itertools import islice
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The tests' loopback printer lives beside this folder, in tests/.
sys.path.append(str(Path(__file__).resolve().parent.parent))

from fake_printer import LoopbackPrinter
from live_erp import running
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication
from scan_to_commit import percentile, script
from sqlalchemy import func, select

from app.gui import keep_start_out_of_collections, start_sync
from demo.master_data import load_demo_data
from station.feedback import Tone
from station.receiving.bench import ReceivingBench
from station.returns.bench import ReturnsBench
from station.rulepack import load_rulepack
from station.settings import Settings
from station.store.checkpoints import Checkpointer
from station.store.engine import open_store
from station.store.schema import ReturnUnit
from sync.credentials import OS_SOURCES
from sync.cycle import SyncState, SyncStatus
from ui.device_links import DeviceLinks
from ui.main_window import MainWindow

SCANS = 600
TICK_MS = 5
PAUSE_MS = 20
ONLINE_WITHIN_S = 60
TARGET_MS = 50
WATCHDOG_MS = 15 * 60 * 1000


class Ticks:
    """A precise timer ticking every 5 ms on the GUI thread; the gaps between its ticks,
    less the time the benchmark itself spent reading its script in them."""

    def __init__(self) -> None:
        self.at: list[float] = []
        self.aside: list[tuple[float, float]] = []  # the script's own reading, not the station's
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(lambda: self.at.append(time.perf_counter()))

    def longest_gap_ms(self) -> float:
        def station(start: float, end: float) -> float:
            return (end - start) - sum(
                min(end, e) - max(start, s) for s, e in self.aside if s < end and e > start
            )

        return max(station(a, b) for a, b in zip(self.at, self.at[1:], strict=False)) * 1000


def type_scan(window: MainWindow, code: str) -> None:
    """A wedge scanner's burst: each character pressed and released, then Enter, sent as
    events to the window and timed inside Qt's own loop (``app.exec``)."""
    keys = [(ord(character.upper()), character) for character in code]
    for key, text in [*keys, (Qt.Key.Key_Return, "\r")]:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, text)
            QApplication.sendEvent(window, event)


class Scanning:
    """Waits for the sync to be online, then scans the script, one scan every ``PAUSE_MS``
    after the last one was painted, and quits the application when done."""

    def __init__(self, window: MainWindow, codes: Iterator[str], heard: list[SyncState]) -> None:
        self.window = window
        self.codes = codes
        self.heard = heard
        self.ticks = Ticks()
        self.took: list[float] = []
        self.tones: list[Tone] = []
        self.cycles_before = 0
        self.started = 0.0
        self.deadline = time.monotonic() + ONLINE_WITHIN_S

    def wait_online(self) -> None:
        if not any(state.state is SyncStatus.ONLINE for state in self.heard):
            assert time.monotonic() < self.deadline, f"the sync is not online: {self.heard[-1:]}"
            QTimer.singleShot(50, self.wait_online)
            return
        self.cycles_before = len(self.heard)
        self.ticks.timer.start()
        QTimer.singleShot(PAUSE_MS, self.next_scan)

    def next_scan(self) -> None:
        # The script is read one scan at a time: what comes next depends on the bench's step.
        # Its queries are the benchmark's, not the station's: their time is not a stall.
        reading = time.perf_counter()
        code = next(self.codes, None)
        self.ticks.aside.append((reading, time.perf_counter()))
        if code is None:
            self.ticks.timer.stop()
            # The script may end mid-return: a shown window would ask whether to quit.
            self.window.hide()
            QApplication.quit()
            return
        before = self.window.feedback
        self.started = time.perf_counter()
        type_scan(self.window, code)
        feedback = self.window.feedback
        assert feedback is not None and feedback is not before, f"{code} was not taken"
        self.tones.append(feedback.tone)
        # A zero timer fires once the loop has handled the events posted before it: the
        # update requests of the redraw, so the feedback is painted.
        QTimer.singleShot(0, self.painted)

    def painted(self) -> None:
        self.took.append(time.perf_counter() - self.started)
        QTimer.singleShot(PAUSE_MS, self.next_scan)


def main() -> None:
    app = QApplication(sys.argv[:1])
    printer = LoopbackPrinter()
    with tempfile.TemporaryDirectory() as temporary, running(Path(temporary) / "erp") as erp:
        folder = Path(temporary)
        os.environ["STATION_ERP_PASSWORD"] = erp.station.password
        # As the window's store: checkpointed on a thread of its own (app.gui.run).
        store = open_store(folder / "station.db", checkpoints_aside=True)
        checkpoints = Checkpointer(store)
        checkpoints.start()
        load_demo_data(store, date.today())
        settings = Settings({
            "erp.url": erp.url, "erp.interval_s": 1,
            "printer.url": f"tcp://127.0.0.1:{printer.port}",
            # The script confirms twice in a row at once, faster than a person.
            "scanner.duplicate_window_ms": 0,
        })  # fmt: skip
        bench = ReturnsBench(store, settings, load_rulepack(), folder / "photos")
        window = MainWindow(bench, ReceivingBench(store, settings, folder / "photos"), settings)
        devices = DeviceLinks(store, window)
        syncing = start_sync(store, settings, window, OS_SOURCES)
        assert syncing is not None
        heard: list[SyncState] = []
        syncing.state_changed.connect(heard.append)
        scanning = Scanning(window, islice(script(bench), SCANS), heard)
        try:
            devices.start(settings)
            window.show()
            QTimer.singleShot(0, keep_start_out_of_collections)  # as the station does
            QTimer.singleShot(0, scanning.wait_online)
            # An error in a scan is printed by PySide6 and the loop goes on: do not wait forever.
            QTimer.singleShot(WATCHDOG_MS, QApplication.quit)
            app.exec()
            assert len(scanning.took) == SCANS, "the scans stopped early: see the error above"
            cycles = len(heard) - scanning.cycles_before
            printed = len(printer.jobs)
            with store.read() as session:
                units = session.scalar(select(func.count()).select_from(ReturnUnit))
        finally:
            devices.stop()
            syncing.stop()
            window.close()
            checkpoints.stop()
            store.close()
            printer.close()
    took, tones = scanning.took, scanning.tones
    p95 = percentile(took, 0.95) * 1000
    stall = scanning.ticks.longest_gap_ms()
    print(json.dumps({
        "bench": "scan_to_screen", "p50_ms": round(statistics.median(took) * 1000, 1),
        "p95_ms": round(p95, 1), "max_stall_ms": round(stall, 1), "n": len(took),
        "refused": tones.count(Tone.BAD), "units": units, "sync_cycles": cycles,
        "labels_printed": printed, "target_ms": TARGET_MS,
        "within_target": p95 <= TARGET_MS and stall <= TARGET_MS,
    }))  # fmt: skip
    sys.stdout.flush()
    # PySide6 6.12.0 under Python 3.11 drops a reference to None at every call of a Qt
    # method that returns nothing (setText, update, processEvents…): after the window's
    # thousands of redraws, the interpreter's clean-up would find None's count at zero and
    # abort. The figures are printed and every resource above is closed: leave at once.
    os._exit(0)


if __name__ == "__main__":
    main()
