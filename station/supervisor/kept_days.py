"""Forgetting the supervisor's figures kept for past days (``fact_day``, their tallies
and their months' in ``fact_tally`` and ``fact_month``) once what they were built from
changes: history written after them, or units another bench of the site
sends late. Apart from ``station.supervisor.facts`` so that a writer (the site sync, on
the window's process) need not load numpy to say so."""

from datetime import date

from sqlalchemy import delete
from sqlalchemy.orm import Session

from station.store.schema import FactDay, FactMonth, FactTally


def forget_days(session: Session, start: date, end: date) -> None:
    """Kept days from ``start`` to ``end`` no longer tell the truth: built again when read."""
    session.execute(delete(FactDay).where(FactDay.day >= start, FactDay.day <= end))
    session.execute(delete(FactTally).where(FactTally.day >= start, FactTally.day <= end))
    # the months of those days: a month kept is the sum of its days
    session.execute(
        delete(FactMonth).where(FactMonth.month >= start.replace(day=1), FactMonth.month <= end)
    )
