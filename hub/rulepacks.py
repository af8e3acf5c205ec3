"""The site's rule pack, kept once at the hub (``station hub rulepack FILE``) and carried
down by the feed to every bench, which adopts it between two units and keeps its last copy
when the hub is away. The newest published is in force; a version names one pack, so a
pack changed under an old version is refused rather than told apart from it by no one."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.feed import stamp
from station.errors import ConfigError
from station.rulepack import rulepack_from_text
from station.store.schema import SiteRulepack


def publish(session: Session, text: str, source: str, now: datetime) -> tuple[str, bool]:
    """Puts the pack in force for the site; returns its version and whether it is new."""
    pack = rulepack_from_text(text, source)  # refused here, in words, if it is not a pack
    other_rules = session.scalar(
        select(SiteRulepack.id)
        .where(SiteRulepack.version == pack.version, SiteRulepack.text != text)
        .limit(1)
    )
    if other_rules is not None:
        raise ConfigError(
            f"Rule pack version {pack.version} was published with other rules: give the "
            "changed pack a version of its own."
        )
    newest = session.scalar(select(SiteRulepack).order_by(SiteRulepack.id.desc()).limit(1))
    if newest is not None and newest.version == pack.version:
        return pack.version, False
    # Published again after another: in force again, as the newest.
    row = SiteRulepack(version=pack.version, text=text, published_at=now)
    session.add(row)
    stamp(session, SiteRulepack, [row])
    return pack.version, True
