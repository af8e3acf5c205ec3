"""The spike rule finds a planted spike and stays quiet on noise of the same volume."""

from datetime import date, timedelta

import numpy as np
import pytest

from demo.history import write_history
from station.rulepack import RulePack
from station.store.engine import Store
from station.supervisor.facts import COLUMNS, Codes, Facts, load_facts
from station.supervisor.spikes import Rule, find_spikes

TODAY = date(2026, 11, 27)
ITEMS = [f"SKU-{n:02d}" for n in range(30)]


def facts_of(units: list[tuple[date, str]]) -> Facts:
    """Returns of the given items on the given days, nothing else known about them."""
    codes = Codes({})
    columns = {name: np.zeros(len(units), dtype=np.int32) for name in COLUMNS}
    columns["day"] = np.array([day.toordinal() for day, _ in units], dtype=np.int32)
    columns["sku"] = np.array([codes.code("sku", sku) for _, sku in units], dtype=np.int32)
    for dimension in ("supplier", "stated"):
        codes.code(dimension, "")  # every unit has none: never an alert
    return Facts(columns, codes)


def usual_days(rng: np.random.Generator) -> list[tuple[date, str]]:
    """29 days of about 3 returns a day of each of 30 items."""
    return [
        (TODAY - timedelta(days=back), sku)
        for back in range(29)
        for sku in ITEMS
        for _ in range(rng.poisson(3))
    ]


def test_a_planted_spike_is_found_and_explained() -> None:
    rng = np.random.default_rng(7)
    units = usual_days(rng) + [(TODAY, "SKU-07")] * 25
    (spike,) = find_spikes(facts_of(units), TODAY)
    assert (spike.kind, spike.key, spike.day) == ("sku", "SKU-07", TODAY)
    usual = sum(1 for day, sku in units if sku == "SKU-07" and day < TODAY) / 28
    assert spike.mean == pytest.approx(usual)
    assert spike.count == 25 + sum(
        1 for day, sku in units[:-25] if sku == "SKU-07" and day == TODAY
    )
    assert spike.z >= Rule().z
    assert spike.why(Rule()).startswith(f"sku SKU-07: {spike.count} returns on 27 Nov against ")


def test_the_same_volume_as_noise_raises_nothing() -> None:
    rng = np.random.default_rng(7)
    extra = [(TODAY - timedelta(days=int(rng.integers(29))), ITEMS[int(rng.integers(30))])
             for _ in range(25)]  # fmt: skip
    assert find_spikes(facts_of(usual_days(rng) + extra), TODAY) == []


def test_a_quiet_item_needs_the_minimum_count() -> None:
    units = [(TODAY, "SKU-00")] * 9  # never returned before, 9 today: z is high, count is not
    assert find_spikes(facts_of(units), TODAY) == []
    assert [s.key for s in find_spikes(facts_of([*units, (TODAY, "SKU-00")]), TODAY)] == ["SKU-00"]


def test_the_history_generator_plants_spikes_the_rule_finds(store: Store, pack: RulePack) -> None:
    written = write_history(store, pack, days=40, units=6_000, today=TODAY)
    assert written.units == sum(s.extra for s in written.spikes) + 6_000
    for planted in written.spikes:
        facts = load_facts(store, planted.day - timedelta(days=28), planted.day, today=TODAY)
        found = {(s.kind, s.key) for s in find_spikes(facts, planted.day)}
        assert (planted.kind, planted.key) in found, planted
