"""A bench that scans unexpected returns into triage as fast as it can, until killed.

It prints ``ACK <serial>`` only after the bench answered green for the CONFIRM, that is
after the unit of work holding the unit, its event and its label job committed.
"""

import sys
from pathlib import Path

from station.feedback import Tone
from station.returns.bench import ReturnsBench
from station.returns.view import Step
from station.rulepack import load_rulepack
from station.scans import Scan
from station.settings import Settings
from station.store.engine import open_store


def main(database: str, first: int) -> None:
    store = open_store(Path(database))
    settings = Settings({"scanner.duplicate_window_ms": 0})
    bench = ReturnsBench(store, settings, load_rulepack(), Path(database).parent / "photos")
    bench.handle(Scan("BADGE-1001"))
    if bench.step() is Step.TRIAGE:  # killed mid-return last time: start clean
        bench.handle(Scan("@CANCEL"))
        bench.handle(Scan("@CONFIRM"))  # the cancel asked to be confirmed
    print("READY", flush=True)
    number = first
    while True:
        serial = f"SNKILL{number:08d}"
        for raw in (serial, "@TRIAGE", "@CONFIRM"):
            feedback = bench.handle(Scan(raw))
            assert feedback.tone in (Tone.GOOD, Tone.WARN), feedback.message
        print("ACK", serial, flush=True)
        number += 1


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
