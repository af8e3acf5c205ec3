"""Which rule pack a bench works by: the site's newest, once the site's feed brought one
(``site_rulepack``), else the one its settings name (or the station's own)."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from station.rulepack import RulePack, rulepack_from_text
from station.store.schema import SiteRulepack


def in_force(session: Session, configured: RulePack) -> RulePack:
    newest = session.scalar(select(SiteRulepack).order_by(SiteRulepack.id.desc()).limit(1))
    if newest is None:
        return configured
    return rulepack_from_text(newest.text, f"{newest.version} from the site's hub")
