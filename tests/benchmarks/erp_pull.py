"""``make bench``: a fresh station pulling a 10,000-item catalogue from a live Tryton, then
the delta after 100 items changed there.

Prints one JSON object per line:
- ``erp_pull_full``: ``sync.pull.pull_all`` into an empty store, from a Tryton holding the
  demo catalogue topped up to 10,000 items, each with an EAN (locations and RMAs ride
  along, as they do at a station);
- ``erp_pull_delta``: the next ``pull_all``, after the list price of 100 items spread over
  the catalogue was changed in Tryton. Target: 1 s. ``applied`` is the item rows it read,
  which must be the 100 changed, not the catalogue.

The delta pull is given ``overlap=0`` rather than the station's 2 minutes. The overlap
re-reads whatever Tryton stamped in the 2 minutes before the last pull; at a station that
is the few rows changed around then, but here the whole catalogue was seeded less than a
minute before the full pull, so the default would time a re-read of all 10,000 items, a
cost no steady-state delta pays. Seeding is over before the full pull starts, so nothing
stamped before its cursor is missed by dropping the overlap.

The server (about 45 s to initialise and seed, plus about 30 s to add the items) runs on
127.0.0.1 in a temporary folder and is stopped at the end, on error too.
"""

import json
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from live_erp import running
from sqlalchemy import func, select

from demo.erp_seed import BATCH
from station.gtin import with_check_digit
from station.store.engine import Store, open_store
from station.store.schema import Gtin, Item
from sync.pull import pull_all
from sync.tryton.connector import Tryton
from sync.tryton.rpc import Client

ITEMS = 10_000
CHANGED = 100
TARGET_S = 1.0
NEW_PRICE = Decimal("123.45")


def bench_item(number: int, category: int) -> dict[str, Any]:
    """A template with one variant and its EAN, as ``demo.erp_seed`` makes the demo's."""
    unit = 1  # "Unit", made by the product module
    # "20" starts an in-store (restricted circulation) GTIN: none of the demo's is one.
    ean = with_check_digit(f"20{number:010d}")
    return {
        "name": f"Bench item {number}",
        "code": f"BENCH-{number:05d}",
        "type": "goods",
        "default_uom": unit,
        "cost_price_method": "fixed",
        "list_price": Decimal(1000 + number % 9000) / 100,
        "salable": True,
        "sale_uom": unit,
        "purchasable": True,
        "purchase_uom": unit,
        "categories": [["add", [category]]],
        "products": [["create", [{"identifiers": [["create", [{"type": "ean", "code": ean}]]]}]]],
    }


def top_up(admin: Client) -> list[int]:
    """The catalogue brought to ``ITEMS`` variants; the templates added, in order."""
    have: int = admin.model("product.product", "search_count", [])
    categories: list[int] = admin.model("product.category", "search", [], 0, None, None)
    made: list[int] = []
    for first in range(0, ITEMS - have, BATCH):
        batch = range(first, min(first + BATCH, ITEMS - have))
        made += admin.model(
            "product.template",
            "create",
            [bench_item(n, categories[n % len(categories)]) for n in batch],
        )
    return made


def count(store: Store, model: type) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def main() -> int:
    with tempfile.TemporaryDirectory() as folder, running(Path(folder) / "erp") as erp:
        admin = Client(erp.admin)
        templates = top_up(admin)
        store = open_store(Path(folder) / "station.db")
        station = Client(erp.station)  # the station's own, least-privileged login
        station.login()  # once, before the clock: argon2 costs about 0.1 s

        started = time.perf_counter()
        full = {p.entity: p.rows for p in pull_all(Tryton(station), store)}
        full_s = time.perf_counter() - started
        assert full["item"] == count(store, Item) == ITEMS, full
        assert count(store, Gtin) >= ITEMS

        changed = templates[:: len(templates) // CHANGED][:CHANGED]
        admin.model("product.template", "write", changed, {"list_price": NEW_PRICE})
        codes = {r["code"] for r in admin.model("product.template", "read", changed, ["code"])}

        started = time.perf_counter()
        delta = {p.entity: p.rows for p in pull_all(Tryton(station, timedelta(0)), store)}
        delta_s = time.perf_counter() - started
        with store.read() as session:
            repriced = set(
                session.scalars(
                    select(Item.sku).where(
                        Item.sku.in_(codes), Item.unit_value_cents == int(NEW_PRICE * 100)
                    )
                )
            )
        store.close()

    print(json.dumps({"bench": "erp_pull_full", "items": ITEMS, "seconds": round(full_s, 3)}))
    print(
        json.dumps(
            {
                "bench": "erp_pull_delta",
                "changed": CHANGED,
                "items": ITEMS,
                "seconds": round(delta_s, 3),
                "applied": delta["item"],
                "target_s": TARGET_S,
                "within_target": delta_s <= TARGET_S,
            }
        )
    )
    # After the figures, so that a wrong delta still shows what it cost.
    assert repriced == codes, f"{len(repriced)} of {CHANGED} changes arrived"
    assert delta["item"] == CHANGED, f"the delta read {delta['item']} items, not {CHANGED}"
    return 0


if __name__ == "__main__":
    sys.exit(main())
