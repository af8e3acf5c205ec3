"""Benches enrolled at the hub: each presents a token of its own, good for one bench and
until it expires. Only the token's SHA-256 is stored: a copy of the hub's database lets
no one post as a bench."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from station.store.schema import BenchToken

LIFETIME = timedelta(days=365)


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


def holder(session: Session, token: str, now: datetime) -> Holder:
    found = session.scalar(select(BenchToken).where(BenchToken.token_hash == _hashed(token)))
    if found is None:
        return Holder(None, "unknown token: enrol the bench with `station hub enrol`")
    if found.revoked_at is not None:
        return Holder(None, f"this token of {found.bench} was replaced by a newer one")
    if found.expires_at <= now:
        return Holder(None, f"this token of {found.bench} expired on {found.expires_at:%Y-%m-%d}")
    return Holder(found.bench)
