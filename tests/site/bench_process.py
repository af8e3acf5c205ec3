"""One bench of a site, in a process of its own, for the site's fault tests: the real
core scanning parcels to triage (an outbox event each) while it replicates to the hub as
the window does, until the hub has taken every event; then it prints its outbox's event
ids as JSON and ends. Run as ``python bench_process.py STORE BENCH HUB_URL TOKEN EVENTS``.
"""

import json
import sys
import time
from pathlib import Path

from sqlalchemy import select

from station.returns.bench import ReturnsBench
from station.rulepack import load_rulepack
from station.scans import Scan
from station.settings import Settings
from station.store.engine import open_store
from station.store.schema import OutboxEvent
from sync.hub.replicate import SiteWorker, waiting
from sync.hub.wire import HubWire

TAKEN_WITHIN_S = 120


def main(file: Path, bench: str, hub: str, token: str, events: int) -> None:
    store = open_store(file)
    settings = Settings().with_values(bench__id=bench)
    returns = ReturnsBench(store, settings, load_rulepack(), file.parent / "photos")
    worker = SiteWorker(lambda: HubWire(hub, token), store, bench, lambda _state: None)
    worker.start()
    returns.handle(Scan("BADGE-1001"))
    for number in range(events):
        for raw in (f"SN{bench}X{number:05d}", "@TRIAGE", "@CONFIRM"):
            returns.handle(Scan(raw))
    deadline = time.monotonic() + TAKEN_WITHIN_S
    while waiting(store) and time.monotonic() < deadline:
        time.sleep(0.05)
    worker.stop()
    with store.read() as session:
        ids = list(session.scalars(select(OutboxEvent.event_id)))
    print(json.dumps({"waiting": waiting(store), "events": ids}), flush=True)
    store.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
