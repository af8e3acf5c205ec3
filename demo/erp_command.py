"""``station erp-demo``: the local demo Tryton from the command line.

``up`` brings the server up, points the station's settings at it and keeps the password
in the OS keyring (without a keyring it stays in the server's own folder, where
``password_source`` finds it).
"""

import contextlib
from pathlib import Path

import keyring
from keyring.errors import KeyringError

from demo import erp_server
from station import paths
from station.errors import ConfigError
from station.setting_keys import ERP_DATABASE, ERP_URL, ERP_USER
from station.settings import Settings
from sync.credentials import KEYRING_SERVICE


def server_folder() -> Path:
    return paths.data_dir() / "erp-demo"


def erp_demo_command(action: str, settings: Settings) -> int:
    folder = server_folder()
    if action == "down":
        stopped = erp_server.stop(folder)
        print("demo ERP stopped" if stopped else "demo ERP was not running")
        return 0
    if action == "status":
        running = erp_server.status(folder)
        if running is None:
            print("demo ERP is not running")
            return 1
        print(f"demo ERP runs at {running.url} (pid {running.pid}, database {running.database})")
        return 0
    folder.mkdir(parents=True, exist_ok=True)
    try:
        running = erp_server.start(folder)
    except erp_server.ErpError as exc:
        raise ConfigError(str(exc)) from exc
    _point_station_at(running, settings)
    print(f"demo ERP runs at {running.url} (pid {running.pid}); the station is set to use it")
    return 0


def _point_station_at(running: erp_server.Running, settings: Settings) -> None:
    login = running.station
    settings.changed(
        {ERP_URL.key: login.url, ERP_DATABASE.key: login.database, ERP_USER.key: login.user}
    ).save()
    # Without a keyring the password stays in the server's folder (password_source).
    with contextlib.suppress(KeyringError):
        keyring.set_password(KEYRING_SERVICE, login.user, login.password)
