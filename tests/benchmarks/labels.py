"""``make bench``: the time to make one label, as ZPL and as PDF (targets 1 ms and 50 ms)."""

import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from devices.label_pdf import render_pdf
from devices.label_zpl import render_zpl
from devices.labels import load_template

DATA = {
    "lpn": "LPN-BENCH-01-000042",
    "sku": "AP-1007",
    "item": "Running shorts, cream, M",
    "gtin": "05907725452020",
    "grade": "A",
    "rma": "RMA-10004",
    "disposition": "Restock",
    "destination": "LOC-RESTOCK",
    "reason": "Size or fit",
    "date": "2026-11-27",
}


def mean_ms(make: Callable[[int], object], count: int) -> float:
    started = time.perf_counter()
    for number in range(count):
        make(number)
    return round((time.perf_counter() - started) / count * 1000, 3)


def main() -> int:
    template = load_template("unit")
    zpl = mean_ms(lambda _n: render_zpl(template, DATA, 203), 500)
    with tempfile.TemporaryDirectory() as folder:
        pdf = mean_ms(lambda n: render_pdf(template, DATA, 203, Path(folder) / f"{n}.pdf"), 50)
    print(json.dumps({"bench": "zpl_label", "mean_ms": zpl, "n": 500, "target_ms": 1}))
    print(json.dumps({"bench": "pdf_label", "mean_ms": pdf, "n": 50, "target_ms": 50}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
