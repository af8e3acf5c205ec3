"""The returns the benches decided, as columns the supervisor view can count in a blink.

One row per unit decided or sent to triage (at this store's benches, and at the site's
other benches as their replicated events tell: ``station.supervisor.site_facts``), its
dimensions (bench, operator, item, category, supplier, channel, reasons, grade,
disposition) as small integer codes from ``fact_code`` and its measures (seconds from first
scan to decision, value). A past day never changes once over, so it is built once and kept:
its columns in ``fact_day`` as one block of int32, and the counts its figures add up from
in ``fact_tally`` (``station.supervisor.tally``). Today is read from the units each time.
A range's figures add up its days' and whole months' tallies (years of a busy site, ten
million units, in tens of milliseconds); its rows are read only when a figure needs them:
a view narrowed to a bench, operator, category or supplier, the alerts' last weeks, the
forecast's.

Days are the bench's local days, as a supervisor reads them.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property

import numpy as np
import numpy.typing as npt
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from station.recording import utcnow
from station.states import UnitStatus
from station.store.engine import Store
from station.store.schema import FactCode, FactDay, FactTally
from station.supervisor.kept import Kept, days_of, kept_in
from station.supervisor.site_facts import TRIAGE, site_rows
from station.supervisor.tally import DIMENSIONS, Tally, of_rows, packed, summed

Column = npt.NDArray[np.int32]
MEASURES = ("day", "hour", "seconds", "value_cents", "overridden", "approved", "refund")
COLUMNS = DIMENSIONS + MEASURES
NONE = ""  # the value of a dimension a unit has none of (no RMA: no channel, no reason)


@dataclass
class Codes:
    """Both ways between a dimension's values and their codes. A value new to the store
    gets its code in a write transaction of its own, the highest so far plus one: the
    window and ``station report`` running at once never give two values one code.
    Without a store (a test's facts), codes are numbered in memory."""

    by_value: dict[str, dict[str, int]]
    store: Store | None = None

    def code(self, dimension: str, value: str | None) -> int:
        known = self.by_value.setdefault(dimension, {})
        text = value or NONE
        if text not in known:
            known[text] = self._new(dimension, text) if self.store else len(known)
        return known[text]

    def _new(self, dimension: str, value: str) -> int:
        assert self.store is not None
        with self.store.unit() as session:  # BEGIN IMMEDIATE: one writer gives codes out
            taken = session.scalar(
                select(FactCode.code).where(
                    FactCode.dimension == dimension, FactCode.value == value
                )
            )
            if taken is not None:
                return int(taken)
            highest = session.scalar(
                select(func.max(FactCode.code)).where(FactCode.dimension == dimension)
            )
            number = -1 if highest is None else int(highest)
            session.add(FactCode(dimension=dimension, value=value, code=number + 1))
        return number + 1

    def names(self, dimension: str) -> list[str]:
        """The values in code order: ``names(d)[code]``."""
        known = self.by_value.get(dimension, {})
        ordered = [""] * (max(known.values(), default=-1) + 1)
        for value, number in known.items():
            ordered[number] = value
        return ordered


@dataclass(frozen=True)
class Facts:
    loose: dict[str, Column]  # the rows in hand: today's (and a test's)
    codes: Codes
    kept: Kept | None = None

    @cached_property
    def columns(self) -> dict[str, Column]:
        """Every row: the kept days' read now, then those in hand."""
        if self.kept is None or not self.kept.units:
            return self.loose
        return _joined(
            [*_read_days(self.kept.store, sorted(self.kept.units), self.codes), self.loose]
        )

    @property
    def rows(self) -> int:
        return len(self.loose["day"]) + (sum(self.kept.units.values()) if self.kept else 0)

    def code(self, dimension: str, value: str) -> int:
        """The code of ``value``, or -1 (which no row holds) for a value never seen."""
        return self.codes.by_value.get(dimension, {}).get(value, -1)

    def within(
        self, first: date, last: date, narrow: Mapping[str, str] | None = None
    ) -> npt.NDArray[np.bool_]:
        """The rows from day ``first`` to ``last`` whose dimensions have the values in
        ``narrow`` (the view's bench, operator, category or supplier)."""
        return self._within(self.columns, first, last, narrow)

    def between(self, first: date, last: date) -> "Facts":
        """The facts of days ``first`` to ``last`` only: their rows read when asked for."""
        chosen = self._within(self.loose, first, last)
        kept = self.kept.only(first, last) if self.kept else None
        return Facts(
            {name: column[chosen] for name, column in self.loose.items()}, self.codes, kept
        )

    def tally(self, first: date, last: date, narrow: Mapping[str, str] | None = None) -> Tally:
        """The counts of the rows ``within`` the range and ``narrow``: a whole range is the
        sum of its kept days' tallies and of the rows in hand; a narrowed one counts its rows."""
        triage = _triage(self.codes)
        if narrow or self.kept is None:
            # the rows' places first: taking them is six times quicker than masking each column
            chosen = np.flatnonzero(self.within(first, last, narrow))
            return of_rows(
                {name: column.take(chosen) for name, column in self.columns.items()}, triage
            )
        part = self.between(first, last)
        assert part.kept is not None
        return summed(part.kept.blobs()) + of_rows(part.loose, triage)

    def by_day(self, first: date, last: date, narrow: Mapping[str, str] | None = None) -> list[int]:
        """Units a day from ``first`` to ``last``."""
        days = (last - first).days + 1
        if narrow or self.kept is None:
            day = self.columns["day"][self.within(first, last, narrow)]
        else:
            day = self.loose["day"][self._within(self.loose, first, last)]
        counts = np.bincount(day - first.toordinal(), minlength=days)
        for kept, units in self.kept.units.items() if self.kept and not narrow else []:
            if first <= kept <= last:
                counts[(kept - first).days] += units
        return [int(n) for n in counts]

    def _within(
        self,
        columns: dict[str, Column],
        first: date,
        last: date,
        narrow: Mapping[str, str] | None = None,
    ) -> npt.NDArray[np.bool_]:
        day = columns["day"]
        chosen = (day >= first.toordinal()) & (day <= last.toordinal())
        for dimension, value in (narrow or {}).items():
            chosen &= columns[dimension] == self.code(dimension, value)
        return chosen


def load_codes(session: Session, store: Store) -> Codes:
    by_value: dict[str, dict[str, int]] = {}
    for row in session.scalars(select(FactCode)):
        by_value.setdefault(row.dimension, {})[row.value] = row.code
    return Codes(by_value, store)


def load_facts(store: Store, start: date, end: date, today: date | None = None) -> Facts:
    """The units decided from ``start`` to ``end`` (local days, both included): past days
    kept (built now where missing, their rows then in hand), today from the units."""
    today = today or datetime.now().astimezone().date()
    # Today is read from the units even when kept: a view opened before midnight still
    # calls today a day the site sync has kept since.
    kept = kept_in(store, start, end, today)
    with store.read() as session:  # after what is kept: every code it holds is known
        codes = load_codes(session, store)
    past = days_of(start, min(end, today - timedelta(days=1)))
    missing = [day for day in past if day not in kept.units]
    parts = _tallied(store, missing, codes) if missing else {}
    rest = [day for day in missing if day not in parts]
    in_hand = [*parts.values(), *(build_days(store, rest, codes) if rest else [])]
    if start <= today <= end:
        with store.read() as session:
            in_hand.append(_columns(session, today, codes))
    return Facts(_joined(in_hand), codes, kept)


def build_days(store: Store, days: list[date], codes: Codes) -> list[dict[str, Column]]:
    """Columns for past ``days``, kept for next time."""
    built = []
    for day in days:
        with store.read() as session:
            columns = _columns(session, day, codes)
        tally = packed(of_rows(columns, _triage(codes)))
        rows = len(columns["day"])
        with store.unit() as session:
            session.merge(FactDay(day=day, rows=rows, columns=_pack(columns), built_at=utcnow()))
            session.merge(FactTally(day=day, units=rows, tallies=tally))
        built.append(columns)
    return built


def _tallied(store: Store, days: list[date], codes: Codes) -> dict[date, dict[str, Column]]:
    """Of ``days``, those kept as columns by a release before tallies: their tallies worked
    out from the columns (not from the units again), and kept."""
    found = {}
    with store.unit() as session:  # the write lock: no day forgotten meanwhile
        kept = session.execute(select(FactDay.day, FactDay.columns).where(FactDay.day.in_(days)))
        for day, blob in kept.all():
            columns = found[day] = _unpack(blob)
            tally = packed(of_rows(columns, _triage(codes)))
            session.merge(FactTally(day=day, units=len(columns["day"]), tallies=tally))
    return found


def _read_days(store: Store, days: list[date], codes: Codes) -> list[dict[str, Column]]:
    """The rows of kept ``days``; a day forgotten since (a late event changed it) is built
    again. Codes given meanwhile (another window, ``station report``) are learnt."""
    with store.read() as session:
        blobs = dict(
            session.execute(select(FactDay.day, FactDay.columns).where(FactDay.day.in_(days))).all()
        )
    with store.read() as session:
        for dimension, values in load_codes(session, store).by_value.items():
            codes.by_value.setdefault(dimension, {}).update(values)
    missing = [day for day in days if day not in blobs]
    return [_unpack(blob) for blob in blobs.values()] + (
        build_days(store, missing, codes) if missing else []
    )


def _triage(codes: Codes) -> int:
    """The disposition code of a unit sent to triage (-1: none yet)."""
    return codes.by_value.get("disposition", {}).get(TRIAGE, -1)


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """Local days ``start`` to ``end`` as stored (naive UTC) times: from the first's
    midnight to the midnight after the last, each with the offset of its own date."""

    def midnight(of: date) -> datetime:
        return datetime.combine(of, time()).astimezone(UTC).replace(tzinfo=None)

    return midnight(start), midnight(end + timedelta(days=1))


# The columns a unit's facts come from: the ``DIMENSIONS`` in order, then the measures.
# likely: nearly every unit is decided, so the day is found by its time's index; by the
# status index, building a day read every unit of the store, years of them.
_FACTS_SQL = f"""
SELECT u.bench, u.operator, u.sku, i.category, i.supplier, r.channel, l.stated_reason,
       u.found_reason, u.grade,
       CASE WHEN u.status = '{UnitStatus.TRIAGE}' THEN '{TRIAGE}' ELSE u.disposition END,
       CAST(strftime('%H', u.finished_at) AS INTEGER) * 60
         + CAST(strftime('%M', u.finished_at) AS INTEGER),
       CAST(round((julianday(u.finished_at) - julianday(u.started_at)) * 86400) AS INTEGER),
       coalesce(i.unit_value_cents, 0),
       u.suggested_disposition IS NOT NULL AND u.disposition != u.suggested_disposition,
       u.approved_by IS NOT NULL,
       coalesce(u.refund_eligible, 0)
FROM return_unit u
LEFT JOIN item i ON i.sku = u.sku
LEFT JOIN rma_line l ON l.id = u.rma_line_id
LEFT JOIN rma r ON r.number = l.rma_number
WHERE u.finished_at >= ? AND u.finished_at < ?
  AND likely(u.status IN ('{UnitStatus.DECIDED}', '{UnitStatus.TRIAGE}'))
"""


def _columns(session: Session, day: date, codes: Codes) -> dict[str, Column]:
    """One day's units as columns, this store's and the other benches' of the site: read as
    plain rows, coded a column at a time."""
    since, until = bounds(day, day)
    rows = [
        *session.connection()
        .exec_driver_sql(_FACTS_SQL, (since.isoformat(" "), until.isoformat(" ")))
        .fetchall(),
        *site_rows(session, since, until),
    ]
    count = len(rows)
    by_column = list(zip(*rows, strict=True)) if rows else [()] * 16
    columns: dict[str, Column] = {}
    for position, name in enumerate(DIMENSIONS):
        columns[name] = _coded(codes, name, by_column[position])
    minutes = np.asarray(by_column[10], dtype=np.int32)  # of the UTC day
    columns["day"] = np.full(count, day.toordinal(), dtype=np.int32)
    columns["hour"] = (minutes + _utc_offset_minutes(day)) % 1440 // 60
    for position, name in enumerate(("seconds", "value_cents", "overridden", "approved", "refund")):
        columns[name] = np.asarray(by_column[11 + position], dtype=np.int32)
    return columns


def _coded(codes: Codes, dimension: str, values: tuple[str | None, ...]) -> Column:
    # each value looked up once; a dict, not a sort of the day's strings
    number = {value: codes.code(dimension, value) for value in dict.fromkeys(values)}
    return np.fromiter(map(number.__getitem__, values), dtype=np.int32, count=len(values))


def _utc_offset_minutes(day: date) -> int:
    """The local clock's offset from UTC on ``day`` (at noon: away from the change of
    summer time, which happens at night), in minutes: some zones are half an hour off."""
    offset = datetime.combine(day, time(12)).astimezone().utcoffset()
    return int(offset.total_seconds() // 60) if offset else 0


def _pack(columns: dict[str, Column]) -> bytes:
    """The columns as one block of int32, one row per column, in ``COLUMNS`` order: read
    back without parsing, a day in a few microseconds."""
    return np.stack([columns[name] for name in COLUMNS]).astype(np.int32).tobytes()


def _unpack(blob: bytes) -> dict[str, Column]:
    block = np.frombuffer(blob, dtype=np.int32).reshape(len(COLUMNS), -1)
    return {name: block[n] for n, name in enumerate(COLUMNS)}


def _joined(parts: list[dict[str, Column]]) -> dict[str, Column]:
    if not parts:
        return {name: np.zeros(0, dtype=np.int32) for name in COLUMNS}
    return {name: np.concatenate([part[name] for part in parts]) for name in COLUMNS}
