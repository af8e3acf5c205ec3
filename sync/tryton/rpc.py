"""Talking to Tryton over JSON-RPC: one session, typed values, every answer classified.

Each call ends in a result or in one of the connector's answers (``sync.connector``):
``RetryLater`` (network, timeout, 5xx, 429, a lock), ``LogInAgain`` (401, an expired
session; the client logs in again once by itself), ``Rejected`` (the ERP said no: a user
or validation error; retrying the same request cannot help). Tryton answers errors with
HTTP 200 and an ``error`` member, and some failures with a bare status code; both are
read here (notes/tryton.md, sections 5 and 10).
"""

import base64
import datetime as dt
import logging
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import requests

from sync.connector import LogInAgain, Rejected, RetryLater

log = logging.getLogger("station.sync.rpc")
TIMEOUT = (3.05, 30.0)  # connect, read (seconds)
# A validation error's description embeds whole field definitions (tens of kB).
LONGEST_MESSAGE = 500


@dataclass(frozen=True)
class Login:
    url: str  # http://127.0.0.1:8000, or https:// with the server's certificate checked
    database: str
    user: str
    password: str = field(repr=False)  # never in a log line or a test report
    # A PEM file of the CAs an https:// ERP's certificate is checked against, for a site's
    # own CA; empty: the system's trusted CAs. Either way the certificate is checked.
    ca_bundle: str = ""


def encode(value: Any) -> Any:
    """Python values as Tryton's JSON: dates, times and decimals as tagged objects."""
    if isinstance(value, dt.datetime):
        return {
            "__class__": "datetime",
            **{f: getattr(value, f) for f in ("year", "month", "day", "hour", "minute")},
            "second": value.second,
            "microsecond": value.microsecond,
        }
    if isinstance(value, dt.date):
        return {"__class__": "date", "year": value.year, "month": value.month, "day": value.day}
    if isinstance(value, Decimal):
        return {"__class__": "Decimal", "decimal": str(value)}
    if isinstance(value, bytes):
        return {"__class__": "bytes", "base64": base64.b64encode(value).decode()}
    if isinstance(value, dict):
        return {key: encode(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [encode(item) for item in value]
    return value


def decode(value: Any) -> Any:
    """Tryton's JSON back into Python values."""
    if isinstance(value, list):
        return [decode(item) for item in value]
    if not isinstance(value, dict):
        return value
    kind = value.get("__class__")
    if kind == "datetime":
        return dt.datetime(
            value["year"],
            value["month"],
            value["day"],
            value["hour"],
            value["minute"],
            value["second"],
            value.get("microsecond", 0),
        )
    if kind == "date":
        return dt.date(value["year"], value["month"], value["day"])
    if kind == "Decimal":
        return Decimal(value["decimal"])
    if kind == "bytes":
        return base64.b64decode(value["base64"])
    if kind == "timedelta":
        return dt.timedelta(seconds=value["seconds"])
    return {key: decode(item) for key, item in value.items()}


class Client:
    """One session with one Tryton database; not for use from two threads at once."""

    def __init__(self, login: Login, http: requests.Session | None = None) -> None:
        self.login_data = login
        self.http = http or requests.Session()
        # Given with each request: a session's own ``verify`` loses to REQUESTS_CA_BUNDLE
        # in the environment, which would silently override the site's bundle.
        self.verify: str | bool = login.ca_bundle or True
        self.session: str | None = None
        self.context: dict[str, Any] = {}
        self._id = 0

    # --- the session ----------------------------------------------------------------

    def login(self) -> None:
        who = self.login_data
        # A session is only usable with its context (the company): without it Tryton's
        # company rules refuse every create. Both are set together, once the context is in;
        # a login cut off in between leaves none, so the next call logs in again.
        self.session = None
        try:
            answer = self._post(
                f"{who.url}/{who.database}/rpc/",
                "common.db.login",
                [who.user, {"password": who.password}, "en"],
                auth=None,
            )
        except RetryLater as exc:
            if "HTTP 429" in str(exc):  # failed logins throttled: the password is the cause
                raise LogInAgain(f"the ERP throttles the login of {who.user}: {exc}") from exc
            raise
        user_id, key = answer[0], answer[1]
        token = base64.b64encode(f"{who.user}:{user_id}:{key}".encode()).decode()
        session = f"Session {token}"
        context = self._post(
            f"{who.url}/{who.database}/rpc/",
            "model.res.user.get_preferences",
            [True, {}],
            auth=session,
        )
        self.session, self.context = session, context

    def version(self) -> str:
        result: str = self._post(f"{self.login_data.url}/rpc/", "common.server.version", [], None)
        return result

    # --- calls ----------------------------------------------------------------------

    def call(self, method: str, *params: Any, context: dict[str, Any] | None = None) -> Any:
        """``model.<model>.<method>`` and friends, the context added as Tryton wants it."""
        if self.session is None:
            self.login()
        url = f"{self.login_data.url}/{self.login_data.database}/rpc/"
        full = [*params, {**self.context, **(context or {})}]
        try:
            return self._post(url, method, full, self.session)
        except LogInAgain:
            self.login()  # once: a session expires, a password does not heal by retrying
            return self._post(url, method, full, self.session)

    def model(self, name: str, method: str, *params: Any, **context: Any) -> Any:
        return self.call(f"model.{name}.{method}", *params, context=context)

    # --- the wire -------------------------------------------------------------------

    def _post(self, url: str, method: str, params: list[Any], auth: str | None) -> Any:
        self._id += 1
        headers = {"Content-Type": "application/json"}
        if auth:
            headers["Authorization"] = auth
        body = {"id": self._id, "method": method, "params": encode(params)}
        try:
            response = self.http.post(
                url, json=body, headers=headers, timeout=TIMEOUT, verify=self.verify
            )
        except requests.exceptions.SSLError as exc:
            raise RetryLater(
                f"{method}: the ERP's certificate is not trusted ({exc}); for a site's own"
                " CA, name its bundle in the settings (erp.ca_bundle)"
            ) from exc
        except requests.RequestException as exc:
            raise RetryLater(f"{method}: the ERP cannot be reached ({exc})") from exc
        except OSError as exc:  # requests checks the CA bundle's path before connecting
            raise RetryLater(
                f"{method}: the CA bundle {self.login_data.ca_bundle!r} cannot be used ({exc})"
            ) from exc
        status = response.status_code
        if status == 401:
            raise LogInAgain(f"{method}: not logged in (HTTP 401)")
        if status == 429 or status >= 500:
            after = response.headers.get("Retry-After")
            seconds = float(after) if after and after.replace(".", "", 1).isdigit() else None
            raise RetryLater(f"{method}: the ERP said HTTP {status}", seconds)
        if status != 200:
            raise Rejected(f"HTTP {status}", _short(response.text) or method)
        try:
            answer = response.json()
        except ValueError as exc:
            raise RetryLater(f"{method}: the answer was not JSON ({exc})") from exc
        if "error" in answer and answer["error"] is not None:
            raise _error(method, answer["error"])
        return decode(answer.get("result"))


def _error(method: str, error: Any) -> Exception:
    """Tryton's ``error`` member: ``[kind, details]``."""
    kind = str(error[0]) if isinstance(error, list) and error else str(error)
    details = error[1] if isinstance(error, list) and len(error) > 1 else ""
    if kind == "LoginException":
        return LogInAgain(f"{method}: the ERP wants a login ({details})")
    message = details[0] if isinstance(details, list) and details else details
    if kind in ("ConcurrencyException",) or "database is locked" in kind:
        return RetryLater(f"{method}: {kind} {message}")
    return Rejected(kind, _short(str(message)))


def _short(text: str) -> str:
    return text if len(text) <= LONGEST_MESSAGE else text[:LONGEST_MESSAGE] + "…"
