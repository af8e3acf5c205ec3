"""Starting the window: refusals the operator can act on, bugs logged, Qt's words logged."""

import logging
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMessageLogContext, QTimer, QtMsgType
from PySide6.QtWidgets import QApplication, QMessageBox

import app.gui
from station.audit_chain import last_check
from station.settings import Settings
from station.store.engine import open_store
from ui.crash import crash_handler, route_qt_message
from ui.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    shown: list[tuple[Any, ...]] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *args: shown.append(args))
    return shown


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("STATION_DATA_DIR", str(tmp_path))
    # The log file is station.logs' business; here it must not add handlers to the tests.
    monkeypatch.setattr(app.gui, "setup_logging", lambda folder: folder / "station.log")
    return tmp_path


def run_watched() -> int:
    """``app.gui.run``, ended with status 1 should its window stay open past 5 s. The
    watchdog is stopped after: left to fire later, it would end whatever loop runs then, and
    every later wait of the session would return at once."""
    watchdog = QTimer()
    watchdog.setSingleShot(True)
    watchdog.timeout.connect(lambda: QApplication.exit(1))
    watchdog.start(5000)
    try:
        return app.gui.run(Settings(), ())
    finally:
        watchdog.stop()


def test_a_bug_is_logged_with_its_traceback_and_names_the_log_file(
    dialogs: list[tuple[Any, ...]], caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    report = crash_handler(tmp_path / "station.log")
    try:
        raise ZeroDivisionError("a bug")
    except ZeroDivisionError as exc:
        report(type(exc), exc, exc.__traceback__)
    record = next(r for r in caplog.records if r.name == "station")
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None and record.exc_info[0] is ZeroDivisionError
    assert "raise ZeroDivisionError" in caplog.text
    assert str(tmp_path / "station.log") in dialogs[0][2]


def test_qt_messages_go_to_the_log(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="station.qt"):
        route_qt_message(QtMsgType.QtWarningMsg, QMessageLogContext(), "font not found")
        route_qt_message(QtMsgType.QtCriticalMsg, QMessageLogContext(), "no GL")
    assert [(r.name, r.levelno, r.getMessage()) for r in caplog.records] == [
        ("station.qt", logging.WARNING, "font not found"),
        ("station.qt", logging.ERROR, "no GL"),
    ]


def test_an_unreadable_database_stops_the_start(
    data_dir: Path, dialogs: list[tuple[Any, ...]]
) -> None:
    (data_dir / "station.db").write_bytes(b"not a database at all " * 200)
    assert app.gui.run(Settings(), ()) == 2
    assert str(data_dir / "station.db") in dialogs[0][2]


@pytest.mark.usefixtures("qapp")
def test_an_empty_database_file_stops_the_start(
    data_dir: Path, dialogs: list[tuple[Any, ...]]
) -> None:
    (data_dir / "station.db").touch()
    # Were the file taken for a first start, the window would open: end it (status 1).
    status = run_watched()
    assert status == 2
    assert "it is empty" in dialogs[0][2]
    assert (data_dir / "station.db").stat().st_size == 0


@pytest.mark.parametrize("blocked", ["data folder", "log folder"])
def test_a_data_folder_the_station_cannot_write_stops_the_start_in_words(
    blocked: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    dialogs: list[tuple[Any, ...]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    # A regular file where a folder must go: refused to root as well, where chmod is not.
    if blocked == "data folder":
        (tmp_path / "disk").write_text("a file, not a folder")
        folder = tmp_path / "disk" / "station"
    else:
        folder = tmp_path / "station"
        folder.mkdir()
        (folder / "logs").write_text("a file, not a folder")
    monkeypatch.setenv("STATION_DATA_DIR", str(folder))
    assert app.gui.run(Settings(), ()) == 2
    assert "cannot use its data folder" in dialogs[0][2]
    assert "cannot use its data folder" in capsys.readouterr().err


def test_a_broken_rule_pack_stops_the_start(data_dir: Path, dialogs: list[tuple[Any, ...]]) -> None:
    pack = data_dir / "returns.toml"
    pack.write_text("version = ", encoding="utf-8")
    assert app.gui.run(Settings().with_values(returns__rulepack=str(pack)), ()) == 2
    assert str(pack) in dialogs[0][2]


@pytest.mark.usefixtures("qapp")  # run() must reuse the tests' QApplication
def test_the_window_opens_on_an_empty_store_and_closes(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    handlers: list[object] = []
    monkeypatch.setattr(app.gui, "qInstallMessageHandler", handlers.append)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    opened: list[str] = []

    def close_the_window() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow) and widget.isVisible():
                opened.append(widget.returns.prompt.text())
                widget.close()  # the last window: the application's loop ends

    # The audit trail's walk starts before the window closes, and the closing waits for it.
    monkeypatch.setattr(app.gui, "AUDIT_AFTER_START_MS", 0)
    QTimer.singleShot(100, close_the_window)
    status = run_watched()  # should another window keep the loop alive: status 1, no hang
    assert status == 0
    assert opened == ["Scan your badge or enter your PIN"]
    assert handlers == [route_qt_message]
    assert sys.excepthook.__qualname__ == "crash_handler.<locals>.report"
    assert (data_dir / "station.db").exists()
    store = open_store(data_dir / "station.db")
    verified = last_check(store)  # at start, off the GUI thread
    store.close()
    assert verified is not None and verified.broken is None


def test_the_window_says_when_it_is_ready_and_quits_when_asked(tmp_path: Path) -> None:
    """The hook make bench's cold_start times, in a process of its own as the bench runs."""
    env = {**os.environ, "STATION_DATA_DIR": str(tmp_path), "STATION_EXIT_WHEN_READY": "1"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.pop("STATION_CONFIG", None)
    started = time.time()
    done = subprocess.run(
        [sys.executable, "-m", "app"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    word, at = done.stdout.split()
    assert word == "ready" and started < float(at) <= time.time()


# What the window's start does without: the supervisor view's numbers and charts, the PDF
# library of the command sheet, the label preview and the report, Alembic (for a store
# already at its schema) and the demo's data. Each was a tenth of the start or more.
NOT_AT_START = ("numpy", "PySide6.QtCharts", "reportlab", "alembic", "demo.history")
START_AND_SAY_WHAT_LOADED = f"""
import sys
from app.cli import main
main([])
print(*[name for name in {NOT_AT_START!r} if name in sys.modules])
"""


def test_the_window_starts_without_what_it_does_not_need(tmp_path: Path) -> None:
    env = {**os.environ, "STATION_DATA_DIR": str(tmp_path), "STATION_EXIT_WHEN_READY": "1"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.pop("STATION_CONFIG", None)
    loaded = []
    for _start in range(2):  # the first builds the store, the second opens it
        done = subprocess.run(
            [sys.executable, "-c", START_AND_SAY_WHAT_LOADED],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        loaded.append(done.stdout.splitlines()[-1].split())
    assert loaded == [["alembic"], []]


def test_no_display_is_said_in_words(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    assert app.gui.run(Settings(), ()) == 2
    assert "no display" in capsys.readouterr().err
