"""The README's promises that can drift: the settings table and the demo walk-through."""

import itertools
from pathlib import Path

from station.feedback import Feedback, Tone
from station.returns.bench import ReturnsBench
from station.returns.view import Step
from station.scans import Scan
from station.settings import reference

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
_clock = itertools.count(0, 2)


def scan(bench: ReturnsBench, *raws: str) -> Feedback:
    said = Feedback.good("")
    for raw in raws:
        assert f"`{raw}`" in README, f"{raw} is not in the README"
        said = bench.handle(Scan(raw, at=float(next(_clock))))
    return said


def test_the_configuration_table_is_the_registry() -> None:
    assert reference() in README


def test_the_quick_start_walk_through(bench: ReturnsBench) -> None:
    scan(bench, "BADGE-1001", "RMA-10004", "5907725452020")
    scan(bench, "@YES", "@NO")
    bench.press("NO")
    bench.press("NO")
    graded = scan(bench, "@GRADE-A")  # the customer's reason stands: nothing found against it
    assert "as the customer said" in graded.message
    assert bench.press("CONFIRM").tone is Tone.GOOD
    last = bench.view().last
    assert last is not None
    assert last.destination == "LOC-RESTOCK"

    scan(bench, "7610912083911")
    assert len(bench.view().candidates) == 2
    bench.press("CANCEL")

    scan(bench, "RMA-10012", "4001954833795", "SNDL80MB9VSI")
    view = bench.view()
    assert view.unit is not None
    assert view.unit.policy_verdict == "pass"
    bench.press("CANCEL")
    bench.press("CANCEL")  # a return in progress is cancelled by a second Esc

    scan(bench, "4009999999995")
    assert bench.press("TRIAGE").tone is Tone.WARN
    assert bench.step() is Step.TRIAGE
    assert bench.press("CONFIRM").tone is Tone.GOOD


def test_the_demo_badges_and_pins(bench: ReturnsBench) -> None:
    assert "`BADGE-3001`" in README and "PIN 3333" in README and "PIN 1111" in README
    assert bench.sign_in_pin("1111").message == "Welcome, Ines Inspector."
    bench.sign_out()
    assert bench.sign_in_pin("3333").message == "Welcome, Sam Supervisor."
