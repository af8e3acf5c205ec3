"""The station's modes, one record each: a bench, its screen and tables, and the command
that reaches it. The window keeps them in a table and looks the current one up, so a third
mode is one more entry; and it opens in the mode where the bench left off."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from station.checkin.bench import CheckinBench
from station.commands import MODES, Command
from station.receiving.bench import ReceivingBench
from station.recording import last_mode
from station.returns.bench import ReturnsBench
from ui.checkin_screen import CheckinScreen
from ui.models import LabelJobModel, StoreTableModel
from ui.receiving_screen import ReceivingScreen
from ui.returns_screen import ReturnsScreen

TITLES = {"checkin": "Check-in"}  # a mode's name as the header and the menu say it
AnyBench = ReturnsBench | ReceivingBench | CheckinBench
AnyScreen = ReturnsScreen | ReceivingScreen | CheckinScreen


@dataclass(frozen=True)
class Mode:
    """One way the station works: a bench, its screen and tables, the command that reaches it.

    The window keeps one per mode in a table and looks the current one up; a third mode is
    one more entry.
    """

    bench: AnyBench
    screen: AnyScreen
    draw: Callable[[], None]  # a fresh view of the bench, shown on its screen
    on_key: Callable[[str, int], None]  # a key pressed (its text, its code) in this mode
    tables: tuple[StoreTableModel, ...]  # counted on every redraw, read when in sight
    labels: LabelJobModel  # the queue the header's printer light counts

    @property
    def name(self) -> str:
        """What ``MODE-<name>`` switches to and the audit remembers: returns, receiving."""
        return self.bench.mode

    @property
    def title(self) -> str:
        return TITLES.get(self.name, self.name.capitalize())

    @property
    def command(self) -> Command:
        """The command barcode that switches to this mode, and its key."""
        code = f"MODE-{self.name.upper()}"
        return next(command for command in MODES if command.code == code)


def starting_mode(modes: Mapping[str, Mode]) -> str:
    """Where the bench left off: the mode with work open, else the mode last switched to,
    else the first. Work is open in one mode at most: a busy bench refuses to switch."""
    busy = next((name for name, mode in modes.items() if mode.bench.busy()), None)
    if busy is not None:
        return busy
    first = next(iter(modes.values()))
    with first.bench.store.read() as session:
        last = last_mode(session, first.bench.bench_id)
    return last if last is not None and last in modes else first.name
