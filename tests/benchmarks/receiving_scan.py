"""``make bench``: a 500-line receipt counted by GS1 scans at the receiving bench, in process.

Prints ``{"bench": "receiving_scan", "p50_ms", "p99_ms", "n", ...}``: the time from the raw
text of each GS1-128 scan (GTIN, expiry, lot, count) to its durable commit, on a receipt
whose lines are counted onto plates of 50 lines each that are put away as they fill.
Target: p99 within 1.5x the p99 of ``scan_to_commit`` measured in the same run.
"""

import json
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from scan_to_commit import figures, scan_to_commit

from demo.master_data import load_demo_data
from station.gtin import to_gtin14, with_check_digit
from station.receiving.bench import ReceivingBench
from station.scans import Scan
from station.settings import Settings
from station.store.engine import Store, open_store
from station.store.schema import (
    ExpectedLine,
    ExpectedReceipt,
    Gtin,
    Item,
    Location,
    PutawayRule,
    Supplier,
)

LINES = 500
PER_PLATE = 50
ASN = "ASN-500500"


def a_big_receipt(store: Store) -> list[str]:
    """500 lot-tracked items on one receipt, with bins enough to put them away; GS1 scans."""
    expiry = date.today() + timedelta(days=720)
    scans = []
    with store.unit() as session:
        session.add(Supplier(code="SUP-BENCH", name="Bench Supplies", over_pct=5, short_pct=5))
        session.add_all(
            Location(
                code=f"BIN-Z{n:03d}",
                name=f"Bench bin {n}",
                kind="bin",
                zone="BENCH",
                category="bench",
                capacity=100_000,
            )
            for n in range(LINES // PER_PLATE + 1)
        )
        session.add(PutawayRule(category="bench", zone="BENCH", rank=1))
        session.flush()
        session.add(
            ExpectedReceipt(
                number=ASN,
                po_number="PO-500500",
                supplier_code="SUP-BENCH",
                expected_on=date.today(),
                status="open",
            )
        )
        for n in range(LINES):
            sku, gtin = f"BENCH-{n:04d}", to_gtin14(with_check_digit(f"77{n:010d}"))
            session.add(
                Item(
                    sku=sku,
                    name=f"Bench item {n}",
                    category="bench",
                    unit_value_cents=1000,
                    supplier="Bench Supplies",
                    serial_tracked=False,
                    returnable=True,
                    lot_tracked=True,
                    min_shelf_life_days=90,
                )
            )
            session.flush()
            session.add(Gtin(gtin14=gtin, sku=sku))
            session.add(
                ExpectedLine(
                    receipt_number=ASN, line_no=n + 1, sku=sku, quantity=12, lot=f"L{n:05d}"
                )
            )
            scans.append(f"01{gtin}17{expiry:%y%m%d}10L{n:05d}|3012")
    return scans


def script(scans: list[str]) -> Iterator[tuple[str, bool]]:
    """Every scan of the receipt, and whether it is one of the GS1 reads being timed."""
    yield from (("BADGE-2001", False), (ASN, False))
    for first in range(0, len(scans), PER_PLATE):
        yield "@NEW-LPN", False
        for raw in scans[first : first + PER_PLATE]:
            yield raw, True
        yield "@PUTAWAY", False
        yield f"BIN-Z{first // PER_PLATE:03d}", False
    yield "@CLOSE", False


def receiving_scan(folder: Path) -> list[float]:
    store = open_store(folder / "receiving.db")
    load_demo_data(store, date.today())
    scans = a_big_receipt(store)
    bench = ReceivingBench(store, Settings({"scanner.duplicate_window_ms": 0}), folder / "photos")
    took = []
    for raw, timed in script(scans):
        started = time.perf_counter()
        said = bench.handle(Scan(raw))
        if timed:
            took.append(time.perf_counter() - started)
        assert said.tone.value in ("good", "warn"), f"{raw}: {said.message}"
    store.close()
    return took


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        returns = figures("scan_to_commit", scan_to_commit(Path(folder)))
        receiving = figures("receiving_scan", receiving_scan(Path(folder)))
    target = 1.5 * float(str(returns["p99_ms"]))
    receiving["target_p99_ms"] = round(target, 3)
    receiving["within_target"] = float(str(receiving["p99_ms"])) <= target
    print(json.dumps(receiving))
    return 0


if __name__ == "__main__":
    sys.exit(main())
