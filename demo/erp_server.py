"""A local Tryton for the demo and the tests: install check, initialise, start, stop, seed.

The server lives in one folder (``<data dir>/erp-demo``): its config, SQLite database,
pid file, log and ``erp.json`` (where it listens, and the station user's login). It only
ever listens on 127.0.0.1, on a port free at start. Initialising a database takes about
20 s, so a folder already initialised is started as it is; ``clone`` copies an
initialised, seeded folder for a test module that must start clean.
"""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sync.connector import RetryLater
from sync.credentials import PasswordSource
from sync.tryton.rpc import Client, Login

DATABASE = "station"
MODULES = ("product", "stock", "stock_lot", "sale", "purchase", "quality", "sale_complaint")
ADMIN = "admin"
STATION_USER = "station"


# Servers this process started, kept so they can be reaped when stopped.
_STARTED: dict[int, subprocess.Popen[bytes]] = {}


class ErpError(Exception):
    """The demo ERP could not be installed, initialised or started: the message says why."""


@dataclass(frozen=True)
class Running:
    url: str
    pid: int
    database: str
    station: Login
    admin: Login


def _bin(name: str) -> Path:
    found = Path(sys.executable).parent / name
    if not found.exists():
        raise ErpError(
            f"{name} is not installed: install the station with its demo extra "
            "(pip install -e '.[demo]')."
        )
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _environment(folder: Path, port: int | None = None) -> dict[str, str]:
    env = {
        **{k: v for k, v in os.environ.items() if k != "STATION_ERP_PASSWORD"},
        "TZ": "UTC",  # Tryton stamps SQLite rows in local time; sync cursors need UTC
        "TRYTOND_DATABASE__URI": "sqlite://",
        "TRYTOND_DATABASE__PATH": str(folder / "db"),
        "TRYTONPASSFILE": str(folder / ".adminpass"),
    }
    if port is not None:
        env["TRYTOND_WEB__LISTEN"] = f"127.0.0.1:{port}"
    return env


def _state(folder: Path) -> dict[str, Any]:
    file = folder / "erp.json"
    if not file.exists():
        return {}
    state: dict[str, Any] = json.loads(file.read_text(encoding="utf-8"))
    return state


def _private(file: Path, text: str) -> None:
    """A file only its owner reads, from its first byte: it holds a password."""
    descriptor = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(text)


def _save_state(folder: Path, state: dict[str, Any]) -> None:
    _private(folder / "erp.json", json.dumps(state, indent=1))


def initialise(folder: Path) -> None:
    """A new database with the station's modules; nothing if the folder has one."""
    if (folder / "db" / f"{DATABASE}.sqlite").exists() and _state(folder).get("initialised"):
        return
    (folder / "db").mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(12)
    _private(folder / ".adminpass", password + "\n")
    (folder / "db" / f"{DATABASE}.sqlite").touch()  # the SQLite backend opens, never creates
    command = [
        str(_bin("trytond-admin")),
        "-d",
        DATABASE,
        "--all",
        "--activate-dependencies",
        "--email",
        "admin@station.invalid",
        "-u",
        *MODULES,
    ]
    done = subprocess.run(
        command, env=_environment(folder), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise ErpError(f"trytond-admin failed: {done.stderr.strip()[-800:]}")
    _save_state(folder, {"initialised": True, "admin_password": password})


def start(folder: Path, timeout: float = 60.0) -> Running:
    """Start the server (or find it running) and seed it once; returns where it is."""
    running = status(folder)
    if running is not None:
        return running
    initialise(folder)
    port = _free_port()
    with (folder / "trytond.log").open("ab") as log:  # the server keeps its own handle
        process = subprocess.Popen(
            [str(_bin("trytond")), "-d", DATABASE, "--pidfile", str(folder / "trytond.pid")],
            env=_environment(folder, port),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own session: it outlives the command that started it
        )
    _STARTED[process.pid] = process
    url = f"http://127.0.0.1:{port}"
    state = {**_state(folder), "url": url, "pid": process.pid}
    _save_state(folder, state)
    _wait_for(url, timeout, process)
    if not state.get("seeded"):
        admin = Login(url, DATABASE, ADMIN, state["admin_password"])
        station_password = secrets.token_urlsafe(12)
        from demo.erp_seed import seed  # noqa: PLC0415 - its data set only to make a server

        seed(Client(admin), Login(url, DATABASE, STATION_USER, station_password))
        state.update(seeded=True, station_password=station_password)
        _save_state(folder, state)
    found = status(folder)
    assert found is not None, "the server answered a moment ago"
    return found


def _wait_for(url: str, timeout: float, process: subprocess.Popen[bytes]) -> None:
    probe = Client(Login(url, DATABASE, "", ""))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ErpError(f"trytond stopped at start (exit {process.returncode}): see its log")
        try:
            probe.version()
            return
        except RetryLater:
            time.sleep(0.2)
    raise ErpError(f"trytond did not answer on {url} within {timeout:.0f} s")


def status(folder: Path) -> Running | None:
    """The server of this folder, if it runs and answers."""
    state = _state(folder)
    pid, url = state.get("pid"), state.get("url")
    if not pid or not url or not _alive(int(pid)):
        return None
    try:
        Client(Login(url, DATABASE, "", "")).version()
    except RetryLater:
        return None
    return Running(
        url=url,
        pid=int(pid),
        database=DATABASE,
        station=Login(url, DATABASE, STATION_USER, state.get("station_password", "")),
        admin=Login(url, DATABASE, ADMIN, state.get("admin_password", "")),
    )


def stop(folder: Path, timeout: float = 10.0) -> bool:
    """Stop the server by its pid; False when none was running."""
    state = _state(folder)
    pid = state.get("pid")
    if not pid or not _alive(int(pid)):
        return False
    os.kill(int(pid), signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _alive(int(pid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    if _alive(int(pid)):
        os.kill(int(pid), signal.SIGKILL)
    started = _STARTED.pop(int(pid), None)
    if started is not None:
        started.wait(timeout)  # reaped here: no zombie, no warning about a live child
    return True


def clone(source: Path, target: Path) -> None:
    """A stopped, seeded server folder copied, to be started on its own port."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("trytond.pid", "*.log"))
    state = _state(target)
    state.pop("pid", None)
    _save_state(target, state)


def _alive(pid: int) -> bool:
    started = _STARTED.get(pid)
    if started is not None:  # our own child: a zombie counts as gone
        return started.poll() is None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def password_source(folder: Path) -> PasswordSource:
    """Where the demo's own station password is found when no keyring holds it: the demo
    server's folder, for its own user at its own URL only."""

    def source(user: str, url: str) -> str | None:
        running = status(folder)
        if running is None or running.url != url or running.station.user != user:
            return None
        return running.station.password or None

    return source
