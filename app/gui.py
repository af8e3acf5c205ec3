"""The bench window wired up: logging, the store, the rule pack, both benches, the devices'
and the sync's workers, the crash handling, and Qt's loop.

``STATION_EXIT_WHEN_READY=1`` makes the window print the wall-clock time (``time.time()``)
on stdout and quit as soon as it is shown and idle, ready for its first scan: ``make
bench`` measures the cold start with it (tests/benchmarks/cold_start.py).

Only this module (and the ``station`` command, lazily, for the GUI subcommand) brings Qt
into the composition root, so every other subcommand runs on a machine without a screen.
"""

import gc
import logging
import os
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QTimer, qInstallMessageHandler
from PySide6.QtWidgets import QApplication
from sqlalchemy.exc import SQLAlchemyError

from station import paths
from station.audit_chain import verify
from station.errors import KnownError
from station.logs import setup_logging
from station.receiving.bench import ReceivingBench
from station.recording import utcnow
from station.returns.bench import ReturnsBench
from station.rulepack import load_rulepack
from station.setting_keys import BENCH_ID, ERP_URL, HUB_URL, RULEPACK
from station.settings import Settings
from station.site_rulepack import in_force
from station.store.checkpoints import Checkpointer
from station.store.engine import Store, open_store
from sync.credentials import PasswordSource
from sync.hub.wire import HubWire, hub_token
from sync.tryton.connector import tryton_connector
from ui.crash import crash_handler, refuse_start, route_qt_message
from ui.device_links import DeviceLinks
from ui.main_window import MainWindow
from ui.site_link import SiteLink
from ui.style import Light
from ui.sync_link import SyncLink

log = logging.getLogger("station")
AUDIT_AFTER_START_MS = 3000


def run(settings: Settings, passwords: Sequence[PasswordSource]) -> int:
    missing = _missing_display()
    if missing:
        print(f"station: {missing}", file=sys.stderr)
        return 2
    # Qt first, so that even a data folder the station cannot write is said in a dialog.
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    rulepack = settings[RULEPACK]
    try:
        folder = paths.data_dir()
        log_file = setup_logging(folder)
        store = open_store(paths.database_file(folder), checkpoints_aside=True)
    except KnownError as exc:
        return refuse_start(exc)
    checkpoints = Checkpointer(store)
    checkpoints.start()
    try:
        with store.read() as session:  # the site's, once its hub put one in force
            pack = in_force(session, load_rulepack(Path(rulepack) if rulepack else None))
        bench = ReturnsBench(store, settings, pack, paths.photo_dir(folder))
        receiving = ReceivingBench(store, settings, paths.photo_dir(folder))
    except KnownError as exc:
        checkpoints.stop()
        store.close()
        return refuse_start(exc)
    qInstallMessageHandler(route_qt_message)
    sys.excepthook = crash_handler(log_file)
    log.info("bench %s starting with data in %s", settings[BENCH_ID], folder)
    window = MainWindow(bench, receiving, settings)
    devices = DeviceLinks(store, window)
    devices.start(settings)
    window.settings_applied.connect(devices.start)
    syncing = start_sync(store, settings, window, passwords)
    replicating = start_site(store, settings, window)
    verifying = verify_audit_trail(store)
    # Once the window is up and taking scans: the walk would slow its start by half.
    QTimer.singleShot(AUDIT_AFTER_START_MS, verifying.start)
    window.show()
    QTimer.singleShot(0, keep_start_out_of_collections)
    if os.environ.get("STATION_EXIT_WHEN_READY") == "1":
        # A zero timer fires once the events of the showing (layout, paint) are done.
        QTimer.singleShot(0, lambda: _ready_and_quit(app, window))
    try:
        return app.exec()
    finally:
        devices.stop()
        if syncing is not None:
            syncing.stop()
        if replicating is not None:
            replicating.stop()
        if verifying.ident is not None:  # started: let it finish with the store open
            verifying.join()
        checkpoints.stop()
        store.close()


def keep_start_out_of_collections() -> None:
    """What the start built (modules, Qt's wrappers, the store's mappings) lives as long as
    the window: it is set aside from the garbage collector (``gc.freeze``), so that a full
    collection walks only what was made since. It walked it all, a 90 ms freeze at a scan
    now and then (scan_to_screen)."""
    gc.freeze()


def _ready_and_quit(app: QApplication, window: MainWindow) -> None:
    print(f"ready {time.time():.6f}", flush=True)
    window.close()
    app.quit()


def start_sync(
    store: Store, settings: Settings, window: MainWindow, passwords: Sequence[PasswordSource]
) -> SyncLink | None:
    """The ERP sync on its own thread, when an ERP is set; a missing password is shown in
    the header, and the bench works on without the ERP."""
    if not settings[ERP_URL]:
        return None
    syncing = SyncLink(store, settings, tryton_connector(settings, passwords), window)
    syncing.state_changed.connect(window.header.show_erp)
    syncing.pull_progress.connect(window.header.show_pull)
    window.header.erp.set(Light.BUSY, "connecting", "The first sync with the ERP is under way")
    syncing.start()
    return syncing


def start_site(store: Store, settings: Settings, window: MainWindow) -> SiteLink | None:
    """Replication up to the site hub on its own thread, when a hub is set; the token is
    looked up on that thread (a keyring may wait on an unlock prompt)."""
    if not settings[HUB_URL]:
        return None
    bench = settings[BENCH_ID]
    link = SiteLink(
        store, bench, lambda: HubWire(settings[HUB_URL], hub_token(bench)),
        window.bench.inspection, window,
    )  # fmt: skip
    link.state_changed.connect(window.header.show_site)
    link.state_changed.connect(window.heard_from_site)
    link.start()
    return link


def verify_audit_trail(store: Store) -> threading.Thread:
    """The audit chain walked at each start, on a thread of its own (100,000 entries take
    about 2 s, without holding the write lock), to be started; the supervisor view shows
    the result."""

    def walk() -> None:
        try:
            verdict = verify(store, utcnow())
        except SQLAlchemyError:  # the bench works on; support finds it in the log
            log.exception("the audit trail could not be verified")
            return
        if not verdict.ok:
            log.error("the audit trail is broken: %s", verdict.broken)

    return threading.Thread(target=walk, name="audit-verify", daemon=True)


def _missing_display() -> str | None:
    """Qt aborts the process without a display; say so in words instead."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "no display to open the bench window on (neither DISPLAY nor WAYLAND_DISPLAY is set). "
        "Run it from the desktop session, or under xvfb-run for a headless try."
    )
