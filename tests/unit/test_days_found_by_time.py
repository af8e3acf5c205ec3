"""Reading some days of a store with years of units reads those days' units only: each
query over a range of days finds them by the index on their time, not by their status
(nearly every unit is decided, so the status index leads to every unit of the store); the
forecast finds the RMAs shipped in its days by their ship date."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

from sqlalchemy import event

from station.store.engine import Store
from station.supervisor.drill import units_behind
from station.supervisor.facts import build_days, load_codes
from station.supervisor.forecast import announced, transit_days
from station.supervisor.kpis import Filters

DAY = date(2026, 11, 20)


@contextmanager
def plans(store: Store, table: str = "return_unit") -> Iterator[list[str]]:
    """How SQLite reads ``table`` (or the units, ``u``) for each statement run meanwhile."""
    said: list[str] = []
    read = (f" {table} ", " u ") if table == "return_unit" else (f" {table} ",)

    def explain(_connection: Any, cursor: Any, sql: str, parameters: Any, *_: Any) -> None:
        if sql.lstrip().upper().startswith("SELECT") and table in sql:
            plan = cursor.connection.execute(f"EXPLAIN QUERY PLAN {sql}", parameters)
            said.extend(row[3] for row in plan if any(t in f"{row[3]} " for t in read))

    event.listen(store.engine, "before_cursor_execute", explain)
    try:
        yield said
    finally:
        event.remove(store.engine, "before_cursor_execute", explain)


def test_a_days_facts_are_built_from_that_days_units(store: Store) -> None:
    with store.read() as session:
        codes = load_codes(session, store)
    with plans(store) as said:
        build_days(store, [DAY], codes)
    assert said and all("ix_return_unit_finished_at" in plan for plan in said), said


def test_the_units_behind_a_figure_are_those_of_its_range(store: Store) -> None:
    with plans(store) as said, store.read() as session:
        units_behind(session, Filters(DAY - timedelta(days=6), DAY), "disposition", "RESTOCK")
    assert said and all("ix_return_unit_finished_at" in plan for plan in said), said


def test_the_forecast_reads_the_rmas_shipped_in_its_days(store: Store) -> None:
    for table in ("rma", "return_unit"):
        with plans(store, table) as said, store.read() as session:
            announced(session, DAY, DAY + timedelta(days=14))
            transit_days(session, DAY)
        assert said and not [plan for plan in said if plan.startswith("SCAN")], said
    with plans(store, "rma") as said, store.read() as session:
        announced(session, DAY, DAY + timedelta(days=14))
    assert said and "ix_rma_coming" in said[0], said
