"""Benches enrolled at the hub: each presents a token of its own, good for one bench and
until it expires. Only the token's SHA-256 is stored: a copy of the hub's database lets
no one post as a bench."""

import hashlib
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from station.store.schema import BenchToken

LIFETIME = timedelta(days=365)
FRESH_S = 10.0  # a holder answered by the database is trusted this long, no longer
RENEW_S = FRESH_S / 2  # then looked up again beside the post that found it older


def _hashed(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def enrol(session: Session, bench: str, now: datetime, lifetime: timedelta = LIFETIME) -> str:
    """A new token for ``bench``; the bench's earlier tokens stop holding (a bench PC
    replaced, a token leaked). The token is returned once, to be set at the bench."""
    token = secrets.token_urlsafe(32)
    session.execute(
        update(BenchToken)
        .where(BenchToken.bench == bench, BenchToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    session.add(
        BenchToken(bench=bench, token_hash=_hashed(token), issued_at=now, expires_at=now + lifetime)
    )
    return token


@dataclass(frozen=True)
class Holder:
    """Whose a presented token is, or why it holds for no one."""

    bench: str | None
    refused: str | None = None
    expires_at: datetime | None = None


def holder(session: Session, token: str, now: datetime) -> Holder:
    found = session.scalar(select(BenchToken).where(BenchToken.token_hash == _hashed(token)))
    if found is None:
        return Holder(None, "unknown token: enrol the bench with `station hub enrol`")
    if found.revoked_at is not None:
        return Holder(None, f"this token of {found.bench} was replaced by a newer one")
    if found.expires_at <= now:
        return Holder(None, f"this token of {found.bench} expired on {found.expires_at:%Y-%m-%d}")
    return Holder(found.bench, expires_at=found.expires_at)


class Holders:
    """Whose each token that holds is, remembered for ``FRESH_S`` seconds: a bench posts
    every second or faster, and looking its token up was half of each post's time at the
    hub. So a token ended by a new enrolment is refused within ``FRESH_S``; an expired one
    at once. Refused tokens are looked up every time (and never fill the memory).

    A bench posting steadily never waits for the lookup: once its holder is ``RENEW_S``
    old, the post that finds it is answered from memory and the hub looks the token up
    again beside it (``to_renew``, then ``look_up``), one lookup a token at a time. Under
    load a lookup waited for cost a post 11 ms at the median, a quarter of all posts."""

    def __init__(self, look_up: Callable[[str, datetime], Holder]) -> None:
        self._look_up = look_up
        self._known: dict[str, tuple[float, Holder]] = {}
        self._renewing: set[str] = set()  # tokens' hashes being looked up again
        self._lock = threading.Lock()

    def remembered(self, token: str, now: datetime) -> Holder | None:
        """The holder, if known and fresh: no database, so no wait (the event loop asks)."""
        with self._lock:
            seen = self._known.get(_hashed(token))
        if seen is None:
            return None
        at, known = seen
        fresh = time.monotonic() - at < FRESH_S
        return known if fresh and known.expires_at and known.expires_at > now else None

    def to_renew(self, token: str) -> bool:
        """Whether the token's remembered holder is old enough to be looked up again and
        no one looks it up yet: True makes the caller the one who does (``look_up``)."""
        key = _hashed(token)
        with self._lock:
            seen = self._known.get(key)
            if seen is None or key in self._renewing or time.monotonic() - seen[0] < RENEW_S:
                return False
            self._renewing.add(key)
            return True

    def holder(self, token: str, now: datetime) -> Holder:
        known = self.remembered(token, now)
        return known if known is not None else self.look_up(token, now)

    def look_up(self, token: str, now: datetime, *, renewal: bool = False) -> Holder:
        """Asks the database, whatever is remembered, and remembers its answer unless a
        lookup asked later answered first (a refusal is not remembered: an answer asked
        before it may still hold, for its ``FRESH_S`` from then). ``renewal``: the one
        ``to_renew`` allowed."""
        key, asked = _hashed(token), time.monotonic()  # trusted from when it was asked
        try:
            found = self._look_up(token, now)
        finally:  # ended, or failed: the next post may renew
            if renewal:
                with self._lock:
                    self._renewing.discard(key)
        with self._lock:
            seen = self._known.get(key)
            if seen is not None and seen[0] > asked:
                return found
            if found.bench is None:
                self._known.pop(key, None)
            else:
                self._known[key] = (asked, found)
        return found
