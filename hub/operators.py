"""The site's operators, kept once at the hub by its administrator (``station hub
operator``) and carried down to every bench by the feed. Only the PIN's scrypt hash is
kept, as at a bench; a removed operator stays as a row marked removed, so that each bench
hears of it and takes the badge off its own list."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.feed import stamp
from station.errors import ConfigError
from station.operators import Role, hash_pin
from station.site_batch import KEY_LONGEST
from station.store.schema import SiteOperator


def keep(session: Session, badge: str, name: str, role: Role, pin: str) -> bool:
    """Adds the operator, or changes one (back after a removal too); True when new."""
    badge = badge.strip().upper()
    if not 0 < len(badge) <= KEY_LONGEST or not name.strip():
        raise ConfigError(f"a badge is 1 to {KEY_LONGEST} characters, and a name is needed")
    if not (pin.isdigit() and 4 <= len(pin) <= 8):
        raise ConfigError("a PIN is 4 to 8 digits")
    row = session.scalar(select(SiteOperator).where(SiteOperator.badge == badge))
    new = row is None
    if row is None:
        row = SiteOperator(badge=badge)
        session.add(row)
    row.name, row.role, row.pin_hash, row.removed = name.strip(), role.value, hash_pin(pin), False
    stamp(session, SiteOperator, [row])
    return new


def remove(session: Session, badge: str) -> None:
    row = session.scalar(select(SiteOperator).where(SiteOperator.badge == badge.strip().upper()))
    if row is None or row.removed:
        raise ConfigError(f"{badge} is not an operator of this site")
    row.removed = True
    stamp(session, SiteOperator, [row])


def supervisor(session: Session, badge: str) -> SiteOperator | None:
    """The site's supervisor with this badge, if there is one."""
    return session.scalar(
        select(SiteOperator).where(
            SiteOperator.badge == badge,
            SiteOperator.role == Role.SUPERVISOR.value,
            SiteOperator.removed.is_(False),
        )
    )
