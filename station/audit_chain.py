"""The audit trail as a hash chain: an entry edited, slipped in or taken out behind the
station's back shows.

Each entry keeps the hash of the one before (``prev_hash``) and its own (``hash``): the
SHA-256 of the one before's hash and a canonical encoding of the entry (its id, time as
stored, bench, operator, action, subject and detail as JSON with sorted keys). Both are
written with the entry, in its unit of work. The chain has no key: whoever rewrites the
whole chain from the edited entry on can hide an edit, so each verification keeps the
head it saw, and a later one checks that head is still there as it was.
"""

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, text

from station.store.engine import Store
from station.store.schema import AuditCheck

GENESIS = "0" * 64  # the "one before" of a store's first entry
# How SQLAlchemy's SQLite DateTime stores a time; the chain hashes the text as stored.
STORED_TIME = "%Y-%m-%d %H:%M:%S.%f"
_ROWS = text(
    "SELECT id, at, bench, operator, action, subject, detail, prev_hash, hash "
    "FROM audit ORDER BY id"
)


def link(prev_hash: str, entry: Sequence[Any]) -> str:
    """The hash of one entry chained to the one before. ``entry`` is its id, time as
    stored, bench, operator, action, subject and detail (as a JSON value), in that order."""
    body = json.dumps(list(entry), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}{body}".encode("ascii")).hexdigest()


def stored_time(at: datetime) -> str:
    return at.strftime(STORED_TIME)


@dataclass(frozen=True)
class _Entry:
    id: int
    at: str
    bench: str
    operator: str
    action: str
    subject: str
    detail: str
    prev_hash: str | None
    hash: str | None

    def consistent(self) -> bool:
        """Its own hash is right for its content and the ``prev_hash`` it names."""
        fields = (self.id, self.at, self.bench, self.operator, self.action, self.subject)
        return self.prev_hash is not None and self.hash == link(
            self.prev_hash, (*fields, json.loads(self.detail))
        )


@dataclass(frozen=True)
class Verdict:
    """A walk of the chain: how many entries, the head, and the first break if any."""

    entries: int
    head_id: int
    head_hash: str
    broken: str | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def walk(connection: Connection) -> Verdict:
    """Follow the chain from the first entry and name the first one that breaks it."""
    expected, before, count = GENESIS, 0, 0
    entries = (_Entry(*row) for row in connection.execute(_ROWS))
    entry = next(entries, None)
    while entry is not None:
        following = next(entries, None)
        if entry.prev_hash != expected:
            return Verdict(count, before, expected, _broken_link(entry, following, expected))
        if not entry.consistent():
            return Verdict(count, before, expected, f"entry #{entry.id} was changed")
        expected, before, count = entry.hash or "", entry.id, count + 1
        entry = following
    return Verdict(count, before, expected, None)


def _broken_link(entry: _Entry, following: _Entry | None, expected: str) -> str:
    """``entry`` does not follow the one before it: which of the three happened."""
    if following is None or following.prev_hash == expected:
        return f"entry #{entry.id} was inserted"  # what follows it skips it
    if entry.consistent():  # a sound entry whose predecessor is missing
        return f"an entry before #{entry.id} was removed"
    return f"entry #{entry.id} was changed"


def verify(store: Store, at: datetime) -> Verdict:
    """Walk the chain, check the head the last sound verification saw, and keep the
    result as of ``at`` (UTC). The walk reads a snapshot without the write lock (100,000
    entries take about 2 s), so the bench records on meanwhile."""
    with store.read() as session, session.begin():
        verdict = walk(session.connection())
        earlier = session.scalar(
            select(AuditCheck)
            .where(AuditCheck.broken.is_(None))
            .order_by(AuditCheck.id.desc())
            .limit(1)
        )
        if verdict.ok and earlier is not None and earlier.head_id > 0:
            still = session.execute(
                text("SELECT hash FROM audit WHERE id = :id"), {"id": earlier.head_id}
            ).scalar()
            if still != earlier.head_hash:
                verdict = Verdict(
                    verdict.entries,
                    verdict.head_id,
                    verdict.head_hash,
                    f"entry #{earlier.head_id}, the last verified on "
                    f"{earlier.at:%Y-%m-%d %H:%M}, was removed or changed",
                )
    with store.unit() as session:
        session.add(
            AuditCheck(
                at=at,
                entries=verdict.entries,
                head_id=verdict.head_id,
                head_hash=verdict.head_hash,
                broken=verdict.broken,
            )
        )
    return verdict


def last_check(store: Store) -> AuditCheck | None:
    """The latest verification, for the supervisor to see; None if never verified."""
    with store.read() as session:
        return session.scalar(select(AuditCheck).order_by(AuditCheck.id.desc()).limit(1))
