"""Posting a batch of the bench's events to the site hub, with an overall deadline, and
the hub's answer as the sync's answers: done, ``RetryLater`` (away, restarting, busy),
``LogInAgain`` (the token no longer holds: enrol the bench again) or ``Rejected``."""

import os
from typing import Any

import keyring
import requests
from keyring.errors import KeyringError

from station.errors import ConfigError
from sync.connector import LogInAgain, Rejected, RetryLater

TIMEOUT = (3.05, 15.0)  # connect, read (seconds): a batch of 500 is taken in well under one
KEYRING_SERVICE = "station-hub"
TOKEN_VARIABLE = "STATION_HUB_TOKEN"


def hub_token(bench: str) -> str:
    """The bench's token: the environment, then the OS keyring; never a file."""
    found = os.environ.get(TOKEN_VARIABLE)
    if not found:
        try:
            found = keyring.get_password(KEYRING_SERVICE, bench)
        except KeyringError:
            found = None
    if not found:
        raise ConfigError(
            f"No hub token for {bench}: run `station hub enrol {bench}` at the hub, then set "
            f"{TOKEN_VARIABLE} or `keyring set {KEYRING_SERVICE} {bench}`."
        )
    return found


class HubWire:
    def __init__(self, url: str, token: str) -> None:
        self.url = url.rstrip("/")
        self._session = requests.Session()
        self._session.headers["Authorization"] = f"Bearer {token}"

    def post_events(self, body: dict[str, Any]) -> int:
        """Posts a batch; returns how many events the hub stored anew (the rest it had)."""
        try:
            answer = self._session.post(f"{self.url}/v1/events", json=body, timeout=TIMEOUT)
        except requests.RequestException as exc:  # the whole urllib3 chain says no more
            raise RetryLater(f"{self.url} cannot be reached ({type(exc).__name__})") from exc
        if answer.status_code == 200:
            try:
                new: int = answer.json()["new"]
            except (ValueError, KeyError, TypeError) as exc:  # a proxy's page, say
                raise RetryLater(f"{self.url} answered what is not the hub's answer") from exc
            return new
        said = _said(answer)
        if answer.status_code in (502, 503, 504):
            after = answer.headers.get("Retry-After", "")
            raise RetryLater(f"the hub: {said}", float(after) if after.isdigit() else None)
        if answer.status_code == 401:
            raise LogInAgain(f"the hub refused the bench's token: {said}")
        raise Rejected(f"HTTP {answer.status_code}", said)

    def close(self) -> None:
        self._session.close()


def _said(answer: requests.Response) -> str:
    try:
        return str(answer.json()["error"])
    except (ValueError, KeyError, TypeError):
        return answer.text[:200] or answer.reason
