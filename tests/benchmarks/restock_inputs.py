"""``make bench``: how many inputs a restockable return and a GS1 receipt line take.

Drives the real benches (``ReturnsBench``, ``ReceivingBench``) with the README walkthrough's
codes, counting every ``handle()`` (a scan) and ``press()`` / ``pick()`` (a key):

- the return: ``RMA-10004``, the running shorts' GTIN ``5907725452020``, the checklist
  answered the way that passes, ``@GRADE-A`` (the customer's reason, size or fit, stands
  when nothing was found against it), and the disposition confirmed.
  ``inputs`` counts everything but the checklist's answers (the inspector's judgement, one
  per question of the category); the badge at the start of the shift is not counted either;
- ``clicks``: the benches take every step by a scan or a key, so a step that could only be
  taken by the mouse would leave the return unfinished here: 0 when it reaches LOC-RESTOCK;
- ``receipt_line_scans``: a GS1-128 scan with GTIN, expiry, lot and count onto an open plate
  (ASN-200001's first line, as tests/gui/test_erp_loop.py scans it), put away: the scans
  up to the bin, the bin itself not counted (the plate, started once for several lines,
  neither).
Prints ``{"bench": "restock_inputs", "inputs", "clicks", "receipt_line_scans", …}``.
Targets: inputs ≤ 4, clicks 0, receipt_line_scans ≤ 2 (plus the bin).
"""

import json
import sys
import tempfile
from datetime import date
from pathlib import Path

from demo.master_data import load_demo_data
from station.feedback import Feedback, Tone
from station.gtin import to_gtin14
from station.receiving.bench import ReceivingBench
from station.receiving.view import RStep
from station.returns.bench import ReturnsBench
from station.returns.view import Step
from station.rulepack import load_rulepack
from station.scans import Scan
from station.settings import Settings
from station.store.engine import open_store

GS = "|"  # what a wedge scanner types for the GS1 group separator (scanner.gs1_separator)
TARGET_INPUTS, TARGET_CLICKS, TARGET_LINE_SCANS = 4, 0, 2


class Counted:
    """Scans and keys given to a bench, each checked to be taken."""

    def __init__(self, bench: ReturnsBench | ReceivingBench) -> None:
        self.bench = bench
        self.inputs: list[str] = []

    def scan(self, code: str) -> Feedback:
        self.inputs.append(code)
        return self._taken(code, self.bench.handle(Scan(code)))

    def key(self, code: str) -> Feedback:
        self.inputs.append(code)
        return self._taken(code, self.bench.press(code))

    @staticmethod
    def _taken(code: str, said: Feedback) -> Feedback:
        assert said.tone is not Tone.BAD, f"{code}: {said.message}"
        return said


def restock(folder: Path, settings: Settings) -> tuple[int, int, str]:
    """The README's first return; (inputs beyond the checklist, answers, destination)."""
    store = open_store(folder / "returns.db")
    load_demo_data(store, date.today())
    bench = ReturnsBench(store, settings, load_rulepack(), folder / "photos")
    bench.handle(Scan("BADGE-1001"))
    counted = Counted(bench)
    answers = 0
    for code in ("RMA-10004", "5907725452020"):
        counted.scan(code)
    said = None
    while said is None or bench.step() is not Step.IDENTIFY:
        view = bench.view()
        if view.step is Step.CHECKLIST:
            assert view.unit is not None and view.unit.category is not None
            questions = bench.pack.checklist(view.unit.category)
            asked = next(n for n, c in enumerate(view.unit.checklist) if c.answer is None)
            answers += 1
            said = counted.scan("@" + questions[asked].passing.upper())
            continue
        code = {Step.GRADE: "@GRADE-A", Step.REASON: "@CONFIRM", Step.DECIDE: "@CONFIRM"}
        assert view.step in code, f"the bench waits at {view.step}: {view.prompt}"
        said = counted.scan(code[view.step])
    store.close()
    return len(counted.inputs) - answers, answers, said.message


def receipt_line(folder: Path, settings: Settings) -> int:
    """ASN-200001's first line by one GS1 scan onto an open plate, then put away."""
    store = open_store(folder / "receiving.db")
    load_demo_data(store, date.today())
    bench = ReceivingBench(store, settings, folder / "photos")
    for code in ("BADGE-2001", "ASN-200001", "@NEW-LPN"):
        Counted(bench).scan(code)
    counted = Counted(bench)
    counted.scan(f"01{to_gtin14('87422146')}17301231" + f"10LHAZASZ{GS}30101")
    counted.scan("@PUTAWAY")
    assert bench.step() is RStep.PUTAWAY
    suggested = bench.view().suggested_bin
    assert suggested is not None
    Counted(bench).scan(suggested)  # the bin, not counted
    assert bench.step() is RStep.RECEIVE
    store.close()
    return len(counted.inputs)


def main() -> int:
    settings = Settings({"scanner.duplicate_window_ms": 0})
    with tempfile.TemporaryDirectory() as folder:
        inputs, answers, said = restock(Path(folder), settings)
        assert "LOC-RESTOCK" in said, said
        line = receipt_line(Path(folder), settings)
    clicks = 0  # every step above was a scan: none was left for the mouse
    print(json.dumps({
        "bench": "restock_inputs", "inputs": inputs, "clicks": clicks,
        "receipt_line_scans": line, "checklist_answers": answers,
        "target_inputs": TARGET_INPUTS, "target_receipt_line_scans": TARGET_LINE_SCANS,
        "within_target": inputs <= TARGET_INPUTS and clicks <= TARGET_CLICKS
        and line <= TARGET_LINE_SCANS,
    }))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
