"""The bench's calls to the site hub, each with an overall deadline: its events up, its
approvals and the answers given here, the site's feed down. The hub's answer comes back as
the sync's answers: done, ``RetryLater`` (away, restarting, busy), ``LogInAgain`` (the
token no longer holds: enrol the bench again) or ``Rejected``."""

import os
from typing import Any

import keyring
import requests
from keyring.errors import KeyringError

from station.errors import ConfigError
from station.site_batch import Malformed
from station.site_feed import Feed, read_feed
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


class EventRefused(Rejected):
    """The hub refused a batch for one of its events, the one at ``place``: the others were
    not at fault."""

    def __init__(self, place: int, message: str) -> None:
        super().__init__("refused", message)
        self.place = place


class HubWire:
    def __init__(self, url: str, token: str) -> None:
        self.url = url.rstrip("/")
        self._session = requests.Session()
        self._session.headers["Authorization"] = f"Bearer {token}"

    def post_events(self, body: dict[str, Any]) -> int:
        """Posts a batch; returns how many events the hub stored anew (the rest it had).
        ``EventRefused`` when it refused the batch for one event."""
        new: int = self._call("POST", "/v1/events", "new", body)
        return new

    def put_waiting(self, body: dict[str, Any]) -> None:
        """What this bench waits for a supervisor's answer to, whole."""
        self._call("PUT", "/v1/approvals", "changed", body)

    def post_resolutions(self, body: dict[str, Any]) -> dict[int, str | None]:
        """Conflicts settled here; returns, by resolution id, why the hub refused it or None."""
        verdicts = self._call("POST", "/v1/resolutions", "resolutions", body)
        return {int(v["id"]): v["refused"] for v in verdicts}

    def put_claims(self, body: dict[str, Any]) -> list[dict[str, str]]:
        """The work this bench claims, whole; returns the clashes the hub found."""
        clashes: list[dict[str, str]] = self._call("PUT", "/v1/claims", "clashes", body)
        return clashes

    def post_answers(self, body: dict[str, Any]) -> dict[int, str | None]:
        """Answers given here; returns, by answer id, why the hub refused it or None."""
        verdicts = self._call("POST", "/v1/answers", "answers", body)
        return {int(v["id"]): v["refused"] for v in verdicts}

    def feed(self, marks: dict[str, str]) -> Feed:
        """A page of the site's feed after ``marks``."""
        try:
            return read_feed(self._call("GET", "/v1/feed", None, params=marks))
        except Malformed as exc:  # a proxy's page, say
            raise RetryLater(f"{self.url} answered what is not the hub's feed") from exc

    def _call(
        self,
        method: str,
        path: str,
        wanted: str | None,
        body: dict[str, Any] | None = None,
        params: dict[str, str] | None = None,
    ) -> Any:
        """The ``wanted`` field of the hub's answer (None: the whole answer)."""
        try:
            answer = self._session.request(
                method, f"{self.url}{path}", json=body, params=params, timeout=TIMEOUT
            )
        except requests.RequestException as exc:  # the whole urllib3 chain says no more
            raise RetryLater(f"{self.url} cannot be reached ({type(exc).__name__})") from exc
        if answer.status_code == 200:
            try:
                read = answer.json()
                return read if wanted is None else read[wanted]
            except (ValueError, KeyError, TypeError) as exc:  # a proxy's page, say
                raise RetryLater(f"{self.url} answered what is not the hub's answer") from exc
        said = _said(answer)
        if answer.status_code in (502, 503, 504):
            after = answer.headers.get("Retry-After", "")
            raise RetryLater(f"the hub: {said}", float(after) if after.isdigit() else None)
        if answer.status_code == 401:
            raise LogInAgain(f"the hub refused the bench's token: {said}")
        place = _place(answer)
        if place is not None:
            raise EventRefused(place, said)
        raise Rejected(f"HTTP {answer.status_code}", said)

    def close(self) -> None:
        self._session.close()


def _place(answer: requests.Response) -> int | None:
    """The event of the batch the hub's refusal names, if it names one."""
    try:
        place = answer.json()["event"]
    except (ValueError, KeyError, TypeError):
        return None
    return place if isinstance(place, int) and not isinstance(place, bool) else None


def _said(answer: requests.Response) -> str:
    try:
        return str(answer.json()["error"])
    except (ValueError, KeyError, TypeError):
        return answer.text[:200] or answer.reason
