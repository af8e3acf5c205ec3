"""``make bench``: one bench back at the hub after holding 10,000 events.

A bench's store holds 10,000 events written while its link to the hub was cut (parcels on
no RMA sent to triage, written as the returns bench writes them, a hundred to a
transaction); then its site sync (``SiteWorker``, as the window runs it) starts against a
hub process over a PostgreSQL cluster of its own on this machine. ``seconds``: from the
worker's start to nothing left waiting (goal ≤ 30 s). ``lost`` and ``duplicated`` are
counted at the hub: both must be 0.
Prints ``{"bench": "site_catch_up", "events", "seconds", "lost", "duplicated"}``.
"""

import json
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent))
sys.path.append(str(Path(__file__).resolve().parent.parent))

from hub_process import running_hub
from site_push import at_the_hub, enrolled

from demo.master_data import load_demo_data
from hub.cluster import new_cluster
from station.outbox import UnexpectedReturn
from station.recording import emit
from station.store.engine import open_store
from sync.hub.replicate import SiteWorker, waiting
from sync.hub.wire import HubWire

EVENTS = 10_000
PER_UNIT = 100  # events a transaction
TARGET_S = 30.0
BENCH = "BENCH-01"


def main() -> None:
    cluster = new_cluster()
    try:
        with tempfile.TemporaryDirectory() as temporary:
            store = open_store(Path(temporary) / "station.db")
            load_demo_data(store, date.today())
            for start in range(0, EVENTS, PER_UNIT):
                with store.unit() as session:
                    for number in range(start, start + PER_UNIT):
                        emit(session, UnexpectedReturn(
                            unit=str(uuid.uuid4()), bench=BENCH, operator="BADGE-1001",
                            scanned=f"SNBACK{number:07d}", lpn=f"LPN-{BENCH}-{number:07d}",
                        ))  # fmt: skip
            assert waiting(store) == EVENTS
            token = enrolled(cluster.url(), [BENCH])[BENCH]
            with running_hub(cluster.url()) as hub:
                worker = SiteWorker(lambda: HubWire(hub.url, token), store, BENCH, lambda _: None)
                started = time.perf_counter()
                worker.start()
                while waiting(store):
                    time.sleep(0.02)
                seconds = time.perf_counter() - started
                worker.stop()
            total, duplicated = at_the_hub(cluster.url())
            store.close()
    finally:
        cluster.remove()
    print(json.dumps({
        "bench": "site_catch_up", "events": EVENTS, "seconds": round(seconds, 2),
        "events_per_s": round(EVENTS / seconds), "lost": EVENTS - (total - duplicated),
        "duplicated": duplicated, "target_s": TARGET_S, "within_target": seconds <= TARGET_S,
    }))  # fmt: skip


if __name__ == "__main__":
    main()
