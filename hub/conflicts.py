"""Conflicts between benches of the site, at the hub (a claim, a serial): recorded once per
pair of benches and subject when found, and settled by a supervisor's word from any bench, the role
checked again here. Both are stamped for the feed, which carries them to every bench."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, literal, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from hub import operators
from hub.feed import STAMP, stamp
from station.site_conflicts import Resolution
from station.states import ConflictKind
from station.store.schema import SiteConflict, SiteSerial


@dataclass(frozen=True)
class Clash:
    subject: str
    held_by: str  # the bench that holds it
    operator: str


def record(session: Session, bench: str, clash: Clash, now: datetime) -> None:
    """Two benches worked one RMA line or receipt: recorded once per pair and subject (a
    bench lists its work every round)."""
    _record(
        session, ConflictKind.CLAIM, clash.subject, bench=bench, other=clash.held_by, now=now,
        detail=f"{clash.subject} was worked at {bench} while {clash.held_by} "
        f"({clash.operator}) held it: both benches' work is kept; decide which stands and "
        "undo the other.",
    )  # fmt: skip


def record_serial(session: Session, taken: SiteSerial, held: SiteSerial, now: datetime) -> None:
    """A serial taken in twice on the site, at two benches."""
    where = f" ({held.document})" if held.document else ""
    again = f" ({taken.document})" if taken.document else ""
    _record(
        session, ConflictKind.SERIAL, taken.serial, bench=taken.bench, other=held.bench,
        now=now, detail=f"Serial {taken.serial} was {taken.use.value} at {taken.bench}{again} "
        f"and already at {held.bench}{where}: both are kept; find which unit bears it.",
    )  # fmt: skip


def _record(
    session: Session,
    kind: ConflictKind,
    subject: str,
    *,
    bench: str,
    other: str,
    now: datetime,
    detail: str,
) -> None:
    """Once per pair of benches, whichever came late: a bench's events sent again after
    the other bench's came back would otherwise record the clash the other way round. One
    statement: a batch coming back after a day apart can hold hundreds of clashes."""
    seen_the_other_way = exists().where(
        SiteConflict.kind == kind, SiteConflict.subject == subject,
        SiteConflict.bench == other, SiteConflict.other_bench == bench,
    )  # fmt: skip
    clash = select(
        literal(kind, SiteConflict.kind.type), literal(subject, SiteConflict.subject.type),
        literal(bench, SiteConflict.bench.type), literal(other, SiteConflict.other_bench.type),
        literal(detail, SiteConflict.detail.type), literal(now, SiteConflict.found_at.type),
        STAMP,
    ).where(~seen_the_other_way)  # fmt: skip
    columns = ["kind", "subject", "bench", "other_bench", "detail", "found_at", "txid"]
    session.execute(
        insert(SiteConflict)
        .from_select(columns, clash)
        .on_conflict_do_nothing(constraint="uq_site_conflict_pair")
    )


def resolve(session: Session, at_bench: str, given: Resolution, now: datetime) -> str | None:
    """Records how a conflict was settled; returns why it was refused, or None."""
    supervisor = operators.supervisor(session, given.supervisor)
    if supervisor is None:
        return f"{given.supervisor} is not a supervisor of this site"
    conflict = session.get(SiteConflict, given.conflict, with_for_update=True)
    if conflict is None:
        return "no such conflict at the hub"
    if conflict.resolved_at is not None:
        return f"already settled at {conflict.resolved_at_bench}: {conflict.resolution}"
    conflict.resolved_at, conflict.resolved_by = now, supervisor.badge
    conflict.resolved_at_bench, conflict.resolution = at_bench, given.resolution
    stamp(session, SiteConflict, [conflict])
    return None
