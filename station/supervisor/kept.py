"""The past days of a range as the supervisor's figures read them from the store: each
day's units, and the tallies the range adds up. A whole past month's tallies are summed
once and kept (``fact_month``); the range's other days are read one by one. Four years
are then some fifty tallies to add, not fifteen hundred.

Apart from ``station.supervisor.facts``: what is kept, and how it is read, not what a
fact is."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from station.store.engine import Store
from station.store.schema import FactMonth, FactTally
from station.supervisor.tally import packed, summed


@dataclass(frozen=True)
class Kept:
    store: Store
    units: dict[date, int]  # every kept day of the range: its units
    tallies: dict[date, bytes]  # the days in none of ``months``
    months: dict[date, tuple[date, bytes]]  # a whole month's first day: its last, its tallies

    def only(self, first: date, last: date) -> "Kept":
        """The days from ``first`` to ``last``: a month the range cuts counts its days."""
        months = {m: kept for m, kept in self.months.items() if first <= m and kept[0] <= last}
        units = {day: n for day, n in self.units.items() if first <= day <= last}
        alone = [day for day in units if not _within(day, months)]
        tallies = {day: self.tallies[day] for day in alone if day in self.tallies}
        cut = [day for day in alone if day not in self.tallies]  # in a month of ``self``
        if cut:
            with self.store.read() as session:
                tallies |= _day_tallies(session, cut)
        return Kept(self.store, _told(units, tallies, months), tallies, months)

    def blobs(self) -> list[bytes]:
        return [*self.tallies.values(), *(blob for _, blob in self.months.values())]


def kept_in(store: Store, start: date, end: date, today: date) -> Kept:
    """The kept days from ``start`` to ``end`` before ``today``; a whole month of them
    with its tallies kept summed (summed now, and kept, where not yet)."""
    with store.read() as session:
        units = dict(
            session.execute(
                select(FactTally.day, FactTally.units).where(
                    FactTally.day >= start, FactTally.day <= end, FactTally.day < today
                )
            ).all()
        )
        whole = {
            first: last
            for first, last in _months(start, min(end, today - timedelta(days=1)))
            if all(day in units for day in days_of(first, last))
        }
        months = {
            month: (whole[month], blob)
            for month, blob in session.execute(
                select(FactMonth.month, FactMonth.tallies).where(FactMonth.month.in_(whole))
            )
        }
    for first, last in whole.items():
        if first not in months and (blob := _summed_month(store, first, last)):
            months[first] = (last, blob)
    with store.read() as session:
        tallies = _day_tallies(session, [day for day in units if not _within(day, months)])
    return Kept(store, _told(units, tallies, months), tallies, months)


def _summed_month(store: Store, first: date, last: date) -> bytes | None:
    """The month's days' tallies summed, and kept; None if a day was forgotten since (its
    units changed): the month is then read day by day until built again."""
    with store.unit() as session:  # the write lock: no day forgotten meanwhile
        days = _day_tallies(session, list(days_of(first, last)))
        if len(days) < (last - first).days + 1:
            return None
        blob = packed(summed(list(days.values())))
        session.merge(FactMonth(month=first, tallies=blob))
    return blob


def _day_tallies(session: Session, days: list[date]) -> dict[date, bytes]:
    rows = session.execute(select(FactTally.day, FactTally.tallies).where(FactTally.day.in_(days)))
    return dict(rows.all())


def _told(
    units: dict[date, int], tallies: dict[date, bytes], months: dict[date, tuple[date, bytes]]
) -> dict[date, int]:
    """The days whose tallies were read: a day forgotten meanwhile (its units changed) is
    not kept any more, so that it is built again, not left out of the figures."""
    return {day: n for day, n in units.items() if day in tallies or _within(day, months)}


def _within(day: date, months: dict[date, tuple[date, bytes]]) -> bool:
    month = months.get(day.replace(day=1))
    return month is not None and day <= month[0]


def _months(start: date, end: date) -> Iterator[tuple[date, date]]:
    """The whole calendar months from ``start`` to ``end``: first and last day."""
    first = start if start.day == 1 else (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    while True:
        following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
        last = following - timedelta(days=1)
        if last > end:
            return
        yield first, last
        first = following


def days_of(first: date, last: date) -> Iterator[date]:
    """Every day from ``first`` to ``last``."""
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)
