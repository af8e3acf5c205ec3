"""A supervisor's day and hour are the bench's local ones, summer time and half-hour zones
included."""

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from station.store.engine import Store
from station.store.schema import ReturnUnit
from station.supervisor.facts import load_facts


@pytest.fixture
def zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    yield
    monkeypatch.undo()
    time.tzset()


def local(store: Store, tz: str, monkeypatch: pytest.MonkeyPatch, *at: datetime) -> None:
    """Units decided at these local clock times in zone ``tz``."""
    monkeypatch.setenv("TZ", tz)
    time.tzset()
    with store.unit() as session:
        for n, when in enumerate(at):
            stored = when.astimezone(UTC).replace(tzinfo=None)
            session.add(
                ReturnUnit(
                    id=f"z{n}", status="triage", bench="B1", operator="BADGE-1001",
                    started_at=stored, finished_at=stored, sku="AP-1004",
                    identified_by="5907284338711", lpn=f"LPN-z{n}",
                )
            )  # fmt: skip


@pytest.mark.usefixtures("zone")
def test_a_summer_midnight_falls_on_its_own_day(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    local(
        store,
        "Europe/Berlin",
        monkeypatch,
        datetime(2026, 7, 1, 0, 30),
        datetime(2026, 6, 30, 23, 30),
    )
    july = load_facts(store, date(2026, 7, 1), date(2026, 7, 1), today=date(2026, 11, 27))
    assert july.rows == 1 and july.columns["hour"].tolist() == [0]


@pytest.mark.usefixtures("zone")
def test_a_half_hour_zone_keeps_its_hours(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    local(store, "Asia/Kolkata", monkeypatch, datetime(2026, 11, 20, 10, 15))
    day = load_facts(store, date(2026, 11, 20), date(2026, 11, 20), today=date(2026, 11, 27))
    assert day.columns["hour"].tolist() == [10]
