"""``station sync`` and ``station erp-demo``: the ERP from the command line.

``sync --once`` runs one cycle headless and prints what it did; its exit status is 0 when
nothing was rejected. ``erp-demo up`` brings up the local demo Tryton, points the
station's settings at it and keeps the password in the OS keyring (or says how to pass it
in the environment when there is no keyring).
"""

import contextlib
import os

import keyring
from keyring.errors import KeyringError

from station import paths
from station import settings as S
from station.errors import ConfigError
from station.store.engine import open_store
from sync import erp_demo
from sync.pull import pull_all
from sync.push import Pusher, pending
from sync.rpc import Client, Login, LogInAgain, Rejected, RetryLater

KEYRING_SERVICE = "station-erp"
PASSWORD_VARIABLE = "STATION_ERP_PASSWORD"


def erp_password(user: str, url: str) -> str:
    """From the environment, else the OS keyring, else (for the demo ERP only) the demo
    server's own folder; never from a file the station writes."""
    password = os.environ.get(PASSWORD_VARIABLE)
    if password:
        return password
    try:
        stored = keyring.get_password(KEYRING_SERVICE, user)
    except KeyringError:
        stored = None
    demo = erp_demo.status(paths.data_dir() / "erp-demo")
    if not stored and demo is not None and demo.url == url and demo.station.user == user:
        stored = demo.station.password
    if not stored:
        raise ConfigError(
            f"No ERP password for {user}: set {PASSWORD_VARIABLE}, or store it with "
            f"`keyring set {KEYRING_SERVICE} {user}`."
        )
    return stored


def sync_once(settings: S.Settings) -> int:
    url = settings[S.ERP_URL]
    if not url:
        raise ConfigError("No ERP is configured: set erp.url (and erp.database, erp.user).")
    user = settings[S.ERP_USER]
    client = Client(Login(url, settings[S.ERP_DATABASE], user, erp_password(user, url)))
    store = open_store(paths.database_file(paths.data_dir()))
    try:
        pulled = pull_all(client, store)
        pushed = Pusher(client).push_due(store)
        left = pending(store)
    except LogInAgain as exc:
        print(f"station: the ERP refused the login of {user}: {exc}")
        return 2
    except (RetryLater, Rejected) as exc:
        print(f"station: the sync stopped: {exc}")
        return 1
    finally:
        store.close()
    counts = ", ".join(f"{p.entity} {p.rows}" for p in pulled)
    print(
        f"pulled: {counts}; pushed: {pushed.sent}; rejected: {pushed.rejected}; "
        f"pending: {left}" + ("; the ERP went away: the rest waits" if pushed.waiting else "")
    )
    for problem in pushed.problems:
        print(f"rejected: {problem}")
    return 1 if pushed.rejected else 0


def erp_demo_command(action: str, settings: S.Settings) -> int:
    folder = paths.data_dir() / "erp-demo"
    if action == "down":
        stopped = erp_demo.stop(folder)
        print("demo ERP stopped" if stopped else "demo ERP was not running")
        return 0
    if action == "status":
        running = erp_demo.status(folder)
        if running is None:
            print("demo ERP is not running")
            return 1
        print(f"demo ERP runs at {running.url} (pid {running.pid}, database {running.database})")
        return 0
    folder.mkdir(parents=True, exist_ok=True)
    try:
        running = erp_demo.start(folder)
    except erp_demo.ErpError as exc:
        raise ConfigError(str(exc)) from exc
    _point_station_at(running, settings)
    print(f"demo ERP runs at {running.url} (pid {running.pid}); the station is set to use it")
    return 0


def _point_station_at(running: erp_demo.Running, settings: S.Settings) -> None:
    login = running.station
    settings.changed(
        {S.ERP_URL.key: login.url, S.ERP_DATABASE.key: login.database, S.ERP_USER.key: login.user}
    ).save()
    # Without a keyring the demo's password stays in its own folder, where erp_password
    # finds it.
    with contextlib.suppress(KeyringError):
        keyring.set_password(KEYRING_SERVICE, login.user, login.password)
