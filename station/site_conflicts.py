"""Conflicts between benches of the site, as a bench's supervisor settles them.

The hub finds a conflict (two benches worked the same RMA line while apart) and the feed
brings it to every bench; it stays open, in the exception queue and the Site light, until
a supervisor at any bench says how it was settled. That word is written at the bench first
(``site_resolution``), audited, and taken to the hub by the site sync; the hub checks the
supervisor's role again and carries the resolution down to every bench.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from station.errors import Refusal
from station.operators import Role, SignedIn, operator_names, require
from station.recording import audit, utcnow
from station.rejected_events import conflicts
from station.site_approvals import LONGEST_TEXT
from station.site_batch import Malformed, is_key, read_list
from station.store.engine import Store
from station.store.schema import SiteConflict, SiteResolution


@dataclass(frozen=True)
class Shown:
    """A line of the exception queue's conflicts: the ERP's, or the site's."""

    found_at: datetime
    what: str
    settle: int | None  # an open conflict of the site: its id, to settle it


@dataclass(frozen=True)
class Resolution:
    id: int  # the resolution's row at the bench that gave it
    conflict: int  # the hub's id of the conflict
    resolution: str
    supervisor: str


@dataclass(frozen=True)
class Resolutions:
    bench: str
    resolutions: list[Resolution]


# Open: no supervisor settled it, at the hub or here (the hub not having refused that).
OPEN = SiteConflict.resolved_at.is_(None) & SiteConflict.id.not_in(
    select(SiteResolution.conflict_id).where(SiteResolution.refused.is_(None))
)


def open_conflicts(session: Session) -> list[SiteConflict]:
    """The site's conflicts no supervisor has settled, oldest first."""
    return list(session.scalars(select(SiteConflict).where(OPEN).order_by(SiteConflict.found_at)))


def count_open(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(SiteConflict).where(OPEN)) or 0


def shown(store: Store) -> list[Shown]:
    """Every conflict the bench knows, newest first: the ERP's, and the site's, open ones
    to be settled and settled ones with who settled them, where and how."""
    lines = [Shown(at, what, None) for at, what in conflicts(store)]
    with store.read() as session:
        names = operator_names(session)
        still = {c.id for c in open_conflicts(session)}
        for c in session.scalars(select(SiteConflict)):
            if c.id in still:
                lines.append(Shown(c.found_at, f"Site: {c.detail}", c.id))
            elif c.resolved_at is None:
                said = f"Site, settled here (on its way to the hub): {c.detail}"
                lines.append(Shown(c.found_at, said, None))
            else:
                who = names.get(c.resolved_by or "", c.resolved_by)
                lines.append(
                    Shown(
                        c.found_at,
                        f"Site, settled by {who} at {c.resolved_at_bench}: {c.resolution}. "
                        f"{c.detail}",
                        None,
                    )
                )
    return sorted(lines, key=lambda line: line.found_at, reverse=True)


def resolve(store: Store, conflict_id: int, who: SignedIn | None, bench: str, how: str) -> str:
    """A supervisor's word on how the conflict was settled; returns what was done."""
    supervisor = require(who, Role.SUPERVISOR, action="settle a conflict between benches")
    if not how.strip():
        raise Refusal("Say how it was settled: the note stays with the conflict.")
    with store.unit() as session:
        conflict = session.get(SiteConflict, conflict_id)
        if conflict is None or conflict not in open_conflicts(session):
            raise Refusal("That conflict is already settled.")
        session.add(
            SiteResolution(
                conflict_id=conflict_id, resolution=how.strip()[:LONGEST_TEXT],
                supervisor=supervisor.badge, resolved_at=utcnow(),
            )
        )  # fmt: skip
        audit(
            session, bench=bench, operator=supervisor.badge, action="conflict_settled",
            subject=conflict.subject, how=how.strip(),
            benches=[conflict.bench, conflict.other_bench],
        )  # fmt: skip
    return f"Settled: {conflict.subject}. Every bench of the site hears it at its next sync."


def resolutions_of(bench: str, rows: list[SiteResolution]) -> dict[str, Any]:
    return {
        "bench": bench,
        "resolutions": [
            {"id": r.id, "conflict": r.conflict_id, "resolution": r.resolution,
             "supervisor": r.supervisor}
            for r in rows
        ],
    }  # fmt: skip


def read_resolutions(body: Any) -> Resolutions:
    bench, given = read_list(body, "resolutions")
    return Resolutions(bench, [_resolution(place, one) for place, one in enumerate(given)])


def _resolution(place: int, one: Any) -> Resolution:
    where = f"resolution {place}"
    if not isinstance(one, dict) or set(one) != {"id", "conflict", "resolution", "supervisor"}:
        raise Malformed(f"{where} must have exactly conflict, id, resolution, supervisor")
    numbers = (one["id"], one["conflict"])
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in numbers):
        raise Malformed(f"{where}: id and conflict must be whole numbers")
    text = one["resolution"]
    if not (isinstance(text, str) and 0 < len(text) <= LONGEST_TEXT and "\x00" not in text):
        raise Malformed(f"{where}: resolution must be text of up to {LONGEST_TEXT} characters")
    if not is_key(one["supervisor"]):
        raise Malformed(f"{where}: supervisor must be a badge")
    return Resolution(**one)
