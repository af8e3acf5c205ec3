"""Starting the bench window: logging, the store, the rule pack, crash handling, the loop.

Environment problems at start (a database that cannot be opened, a bad rule pack) are
shown to the operator in plain words and end the run with status 2. Bugs later on are
logged with their traceback and shown in a dialog that names the log file for support.
"""

import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox

from station import paths
from station import settings as S
from station.errors import KnownError
from station.logs import setup_logging
from station.receiving import ReceivingBench
from station.returns import ReturnsBench
from station.rulepack import load_rulepack
from station.store.engine import Store, open_store
from ui.main_window import MainWindow
from ui.print_link import PrintLink
from ui.serial_link import SerialScannerLink
from ui.sync_link import SyncLink

log = logging.getLogger("station")
QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}
ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], None]


def run(settings: S.Settings) -> int:
    missing = _missing_display()
    if missing:
        print(f"station: {missing}", file=sys.stderr)
        return 2
    folder = paths.data_dir()
    log_file = setup_logging(folder)
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    rulepack = settings[S.RULEPACK]
    try:
        store = open_store(paths.database_file(folder))
    except KnownError as exc:
        return _refuse_start(exc)
    try:
        pack = load_rulepack(Path(rulepack) if rulepack else None)
        bench = ReturnsBench(store, settings, pack, paths.photo_dir(folder))
        receiving = ReceivingBench(store, settings, paths.photo_dir(folder))
    except KnownError as exc:
        store.close()
        return _refuse_start(exc)
    qInstallMessageHandler(route_qt_message)
    sys.excepthook = crash_handler(log_file)
    log.info("bench %s starting with data in %s", settings[S.BENCH_ID], folder)
    window = MainWindow(bench, receiving, settings)
    link = SerialScannerLink(settings, window) if settings[S.SERIAL_PORT] else None
    if link is not None:
        window.attach_serial_scanner(link)
        link.start()
    printing = (
        PrintLink(store, settings, window)
        if settings[S.PRINTER_URL] or settings[S.PRINTER2_URL]
        else None
    )
    if printing is not None:
        printing.jobs_settled.connect(lambda _count: window.redraw())
        printing.start()
    syncing = start_sync(store, settings, window)
    window.show()
    try:
        return app.exec()
    finally:
        for device in (link, printing, syncing):
            if device is not None:
                device.stop()
        store.close()


def start_sync(store: Store, settings: S.Settings, window: MainWindow) -> SyncLink | None:
    """The ERP sync on its own thread, when an ERP is set; a missing password is shown in
    the header, and the bench works on without the ERP."""
    if not settings[S.ERP_URL]:
        return None
    syncing = SyncLink(store, settings, window)
    syncing.state_changed.connect(window.header.show_erp)
    syncing.pull_progress.connect(window.header.show_pull)
    window.header.erp.set("busy", "connecting", "The first sync with the ERP is under way")
    syncing.start()
    return syncing


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


def _refuse_start(exc: KnownError) -> int:
    log.error("cannot start: %s", exc)
    QMessageBox.critical(None, "The station cannot start", str(exc))
    return 2


def route_qt_message(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    """Qt's own warnings go to the bench log, where support will look for them."""
    logging.getLogger("station.qt").log(QT_LEVELS.get(kind, logging.WARNING), "%s", message)


def crash_handler(log_file: Path) -> ExceptHook:
    """An excepthook that logs a bug with its traceback and tells the operator where."""

    def report(
        kind: type[BaseException], error: BaseException, trace: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, trace)
            return
        log.error("unexpected error (a bug)", exc_info=(kind, error, trace))
        try:
            QMessageBox.critical(
                None,
                "The station hit a bug",
                f"Something went wrong inside the station: {error!r}\n\n"
                "Check the screen: the last scan may not be recorded; scan it again.\n"
                f"The details are in the log file:\n{log_file}",
            )
        except Exception:  # the dialog itself failed: the log entry above must suffice
            log.exception("crash dialog could not be shown")

    return report
