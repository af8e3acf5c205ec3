"""The generated history: written in bulk, as the store keeps what the benches write."""

from datetime import date

from sqlalchemy import inspect, select

from demo.history import REASONS, write_history
from station.rulepack import RulePack
from station.store.engine import Store
from station.store.schema import Item, RmaLine

TODAY = date(2026, 11, 27)


def _indexes(store: Store) -> set[str]:
    seen = inspect(store.engine)
    return {i["name"] for t in ("rma", "rma_line", "return_unit") for i in seen.get_indexes(t)}


def test_days_with_no_return_are_passed_over_and_the_indexes_come_back(
    store: Store, pack: RulePack
) -> None:
    before = _indexes(store)
    written = write_history(store, pack, days=30, units=3, today=TODAY)
    assert written.units >= 3  # the planted spikes come on top; most days have none
    assert _indexes(store) == before


def test_a_planted_spike_of_an_item_states_that_items_own_reasons(
    store: Store, pack: RulePack
) -> None:
    written = write_history(store, pack, days=20, units=2_000, today=TODAY)
    spike = next(s for s in written.spikes if s.kind == "sku")
    with store.read() as session:
        category = session.scalar(select(Item.category).where(Item.sku == spike.key))
        stated = set(session.scalars(select(RmaLine.stated_reason).where(RmaLine.sku == spike.key)))
    assert category is not None
    assert stated <= set(REASONS[category])
