"""The ERP password, from a chain of sources the composition root hands in: the
environment, then the OS keyring, then whatever the running site adds (the demo adds its
own server's folder). Never from, nor into, a file the station writes."""

import os
from collections.abc import Callable, Sequence

import keyring
from keyring.errors import KeyringError

from station.errors import ConfigError

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
