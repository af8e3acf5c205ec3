"""``station sync`` and ``station erp-demo``: the ERP from the command line.

``sync --once`` runs one cycle headless and prints what it did; its exit status is 0 when
nothing was rejected. ``erp-demo up`` brings up the local demo Tryton, points the
station's settings at it and keeps the password in the OS keyring (or says how to pass it
in the environment when there is no keyring).
"""

import contextlib

import keyring
from keyring.errors import KeyringError

from station import paths
from station import settings as S
from station.errors import ConfigError
from station.store.engine import open_store
from sync import erp_demo
from sync.credentials import KEYRING_SERVICE, erp_password
from sync.cycle import run_cycle
from sync.lock import Busy
from sync.push import Pusher
from sync.rpc import Client, Login, LogInAgain, Rejected, RetryLater

LOCK_WAIT_S = 60.0


def sync_once(settings: S.Settings) -> int:
    url = settings[S.ERP_URL]
    if not url:
        raise ConfigError("No ERP is configured: set erp.url (and erp.database, erp.user).")
    user = settings[S.ERP_USER]
    client = Client(Login(url, settings[S.ERP_DATABASE], user, erp_password(user, url)))
    store = open_store(paths.database_file(paths.data_dir()))
    try:
        # A window syncing the same bench finishes its cycle in seconds: wait for it.
        cycle = run_cycle(Pusher(client), store, wait_s=LOCK_WAIT_S)
    except Busy as exc:
        print(f"station: {exc}; try again once it is done")
        return 1
    except LogInAgain as exc:
        print(f"station: the ERP refused the login of {user}: {exc}")
        return 2
    except (RetryLater, Rejected) as exc:
        print(f"station: the sync stopped: {exc}")
        return 1
    finally:
        store.close()
    counts = ", ".join(f"{p.entity} {p.rows}" for p in cycle.pulled)
    pushed = cycle.pushed
    print(
        f"pulled: {counts}; pushed: {pushed.sent}; rejected: {pushed.rejected}; "
        f"pending: {cycle.pending}"
        + ("; the ERP went away: the rest waits" if pushed.waiting else "")
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
