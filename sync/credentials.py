"""The ERP password, from a chain of sources the composition root hands in: the
environment, then the OS keyring, then whatever the running site adds (the demo adds its
own server's folder). Never from, nor into, a file the station writes."""

import os
from collections.abc import Callable, Sequence

import keyring
from keyring.errors import KeyringError

from station import settings as S
from station.errors import ConfigError
from sync.tryton.rpc import Client, Login

KEYRING_SERVICE = "station-erp"
PASSWORD_VARIABLE = "STATION_ERP_PASSWORD"

# A source answers for a user at an ERP's URL, or has nothing to say (None).
PasswordSource = Callable[[str, str], str | None]


def from_environment(_user: str, _url: str) -> str | None:
    return os.environ.get(PASSWORD_VARIABLE) or None


def from_keyring(user: str, _url: str) -> str | None:
    try:
        return keyring.get_password(KEYRING_SERVICE, user) or None
    except KeyringError:
        return None


OS_SOURCES: tuple[PasswordSource, ...] = (from_environment, from_keyring)


def erp_password(user: str, url: str, sources: Sequence[PasswordSource]) -> str:
    for source in sources:
        found = source(user, url)
        if found:
            return found
    raise ConfigError(
        f"No ERP password for {user}: set {PASSWORD_VARIABLE}, or store it with "
        f"`keyring set {KEYRING_SERVICE} {user}`."
    )


def erp_connect(settings: S.Settings, sources: Sequence[PasswordSource]) -> Callable[[], Client]:
    """How to log in to the configured ERP; called on the worker's thread, where a keyring
    that blocks cannot stall the window."""
    user, url, database = settings[S.ERP_USER], settings[S.ERP_URL], settings[S.ERP_DATABASE]

    def connect() -> Client:
        return Client(Login(url, database, user, erp_password(user, url, sources)))

    return connect
