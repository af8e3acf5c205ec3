"""Numbers the station prints: license plates ``LPN-<bench>-NNNNNN``, one sequence per
bench, and parcel tags ``PCL-<bench>-NNNNNN``, another.

Returned units and receiving plates draw from the same sequence, so a number printed at a
bench is never printed again there, whichever mode printed it. Pre-printed plates of other
shapes are left out of the count.
"""

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from station.store.schema import Lpn, Parcel, ReturnUnit


def next_lpn(session: Session, bench: str) -> str:
    prefix = f"LPN-{bench}-"
    last = max(_last(session, column, prefix) for column in (ReturnUnit.lpn, Lpn.code))
    number = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{number:06d}"


def next_parcel_tag(session: Session, bench: str) -> str:
    prefix = f"PCL-{bench}-"
    last = _last(session, Parcel.tag, prefix)
    number = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{number:06d}"


def _last(
    session: Session,
    column: InstrumentedAttribute[str] | InstrumentedAttribute[str | None],
    prefix: str,
) -> str:
    """The highest number made so far, as a range scan of the column's unique index."""
    found: str | None = session.connection().scalar(
        select(column)
        .where(
            column.between(prefix + "000000", prefix + "999999"),
            func.length(column) == len(prefix) + 6,
        )
        .order_by(column.desc())
        .limit(1)
    )
    return found or ""
