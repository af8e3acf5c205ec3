"""Items as the benches know them: found by a scanned GTIN, alone or inside a GS1 string."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from station.scans import Classified
from station.store.schema import Gtin, Item


def item_for(session: Session, scan: Classified) -> Item | None:
    """The item a GTIN (or GTIN in a GS1 string) names, known to the bench or not."""
    if scan.gtin is None:
        return None
    return session.scalar(select(Item).join(Gtin).where(Gtin.gtin14 == scan.gtin))
