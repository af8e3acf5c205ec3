"""The ERP password: from the environment, else the OS keyring, else (for the demo ERP
only) the demo server's own folder. Never from, nor into, a file the station writes."""

import os

import keyring
from keyring.errors import KeyringError

from station import paths
from station.errors import ConfigError
from sync import erp_demo

KEYRING_SERVICE = "station-erp"
PASSWORD_VARIABLE = "STATION_ERP_PASSWORD"


def erp_password(user: str, url: str) -> str:
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
