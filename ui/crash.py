"""What the operator is told when the window cannot start or hits a bug, and where Qt's
own warnings go.

Environment problems at start (a database that cannot be opened, a bad rule pack) are
shown in plain words and end the run with status 2. Bugs later on are logged with their
traceback and shown in a dialog that names the log file for support.
"""

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QMessageLogContext, QtMsgType
from PySide6.QtWidgets import QMessageBox

from station.errors import KnownError

log = logging.getLogger("station")
QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}
ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], None]


def refuse_start(exc: KnownError) -> int:
    """A start the operator can act on (a bad database, a bad rule pack): said in a dialog,
    and on stderr for whoever started the window from a terminal or a script (the log
    file itself may be what could not be written)."""
    log.error("cannot start: %s", exc)
    print(f"station: {exc}", file=sys.stderr)
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
