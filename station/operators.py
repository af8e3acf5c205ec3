"""Operators and their roles: who may do what at a bench.

PINs are stored as salted scrypt hashes; a PIN is short, so the hash must be slow, and
wrong ones are counted in the store: after ``PIN_TRIES`` in ``PIN_LOCKOUT`` at a station,
in any mode and across a restart, the station takes badges only.
"""

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from station.errors import NotAllowed
from station.store.schema import Operator, PinFailure

log = logging.getLogger("station.operators")
# scrypt cost: about 30 ms per PIN on a bench PC, so trying all 10,000 four-digit PINs
# against a stolen database takes minutes per operator, not microseconds.
_N, _R, _P = 2**14, 8, 1
PIN_TRIES = 5
PIN_LOCKOUT = timedelta(minutes=5)


class Role(StrEnum):
    INSPECTOR = "inspector"
    CLERK = "clerk"
    SUPERVISOR = "supervisor"


@dataclass(frozen=True)
class SignedIn:
    name: str
    badge: str
    role: Role


def hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, stored: str) -> bool:
    _scheme, n, r, p, salt, digest = stored.split("$")
    candidate = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p))
    return hmac.compare_digest(candidate.hex(), digest)


def by_badge(session: Session, badge: str) -> SignedIn | None:
    row = session.scalar(select(Operator).where(Operator.badge == badge.upper()))
    return None if row is None else SignedIn(row.name, row.badge, Role(row.role))


def operator_names(session: Session) -> dict[str, str]:
    """Every operator's name by badge: screens name people, records keep badges."""
    return {badge: name for badge, name in session.execute(select(Operator.badge, Operator.name))}


def by_pin(session: Session, pin: str) -> SignedIn | None:
    """The one operator whose PIN this is. Each salt differs, so every hash is tried; a PIN
    that two operators share identifies neither (it could let an inspector approve)."""
    holders = [row for row in session.scalars(select(Operator)) if pin_matches(pin, row.pin_hash)]
    if len(holders) != 1:
        if holders:
            log.error("a PIN is shared by %s: it signs nobody in", [h.badge for h in holders])
        return None
    row = holders[0]
    return SignedIn(row.name, row.badge, Role(row.role))


def pins_locked_out(session: Session, bench: str, now: datetime) -> bool:
    """True while the station has had ``PIN_TRIES`` wrong PINs since the last right one,
    within ``PIN_LOCKOUT``: four digits cannot be guessed at the approval banner."""
    tries = session.scalar(
        select(func.count())
        .select_from(PinFailure)
        .where(PinFailure.bench == bench, PinFailure.counted, PinFailure.at > now - PIN_LOCKOUT)
    )
    return (tries or 0) >= PIN_TRIES


def pin_failed(session: Session, bench: str, mode: str, now: datetime) -> None:
    session.add(PinFailure(at=now, bench=bench, mode=mode, counted=True))


def pin_accepted(session: Session, bench: str) -> None:
    """A right PIN ends the count of wrong ones before it; their rows stay."""
    counted = update(PinFailure).where(PinFailure.bench == bench, PinFailure.counted)
    session.execute(counted.values(counted=False))


def require(operator: SignedIn | None, *roles: Role, action: str) -> SignedIn:
    """The operator, if signed in with one of ``roles``; else refuse ``action``."""
    if operator is None:
        raise NotAllowed(f"Sign in first to {action}: scan your badge.")
    if operator.role not in roles:
        allowed = " or ".join(r.value for r in roles)
        raise NotAllowed(
            f"{operator.name} ({operator.role.value}) may not {action}: {allowed} only.",
            who=operator.badge,
        )
    return operator
