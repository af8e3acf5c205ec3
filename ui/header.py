"""The strip across the top: which bench, who is signed in, and the status lights."""

from dataclasses import replace

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QWidget

from devices.print_queue import PrinterReach, Tried
from devices.serial_scanner import ScannerState
from station.operators import SignedIn
from sync.cycle import SyncState, SyncStatus
from sync.hub.replicate import SiteState
from ui.models import local_time
from ui.style import LIGHT_COLOURS, Light

# Offline and waiting are the ERP light's amber: the bench works on, and the events wait.
LIGHTS = {
    SyncStatus.ONLINE: Light.OK,
    SyncStatus.OFFLINE: Light.BUSY,
    SyncStatus.WAITING: Light.BUSY,
}


UNBROKEN_CHARS = 16


class Fitting(QLabel):
    """Header text on one line where the strip has room, wrapped where it has not: a long
    state ("online, 12 pending, 3 rejected, last sync 14:02:11") must not widen the window
    past a 1366-pixel bench screen, and a short one should not wrap for nothing."""

    def __init__(self, text: str = "") -> None:
        super().__init__(text)
        self.setWordWrap(True)

    def sizeHint(self) -> QSize:
        # A wrapping label asks for a width of its own choosing; the header asks for one line.
        metrics = self.fontMetrics()
        return QSize(metrics.horizontalAdvance(self.text()) + 2, metrics.height())

    def minimumSizeHint(self) -> QSize:
        # A word or two ("Store: ok") is never broken: only a long state gives way.
        if len(self.text()) <= UNBROKEN_CHARS:
            return self.sizeHint()
        return super().minimumSizeHint()


class StatusLight(QWidget):
    """A coloured dot and a word, e.g. ● Printer 2 queued."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = Light.OFF
        self._name = name
        self._dot = QLabel("●")
        self.text = Fitting(name)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 0, 8, 0)
        layout.setSpacing(5)
        layout.addWidget(self._dot)
        layout.addWidget(self.text)

    def set(self, state: Light, detail: str, tooltip: str = "") -> None:
        # Set at every scan, mostly to what it already says: a new style sheet or tooltip
        # costs the window's thread several milliseconds each, so only a change is set.
        if state is not self.state or not self._dot.styleSheet():
            self._dot.setStyleSheet(f"color: {LIGHT_COLOURS[state]}; font-size: 15pt;")
        self.state = state
        self.text.setText(f"{self._name}: {detail}")
        if tooltip != self.toolTip():
            self.setToolTip(tooltip)


class Header(QFrame):
    def __init__(self, bench: str, scanner: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("header")
        self.bench = QLabel(bench)
        self.bench.setObjectName("bench")
        self.operator = Fitting()
        self.mode = Fitting("Mode: Returns")
        self.store = StatusLight("Store")
        self.scanner = StatusLight("Scanner")
        self.printer = StatusLight("Printer")
        self.erp = StatusLight("ERP")
        self.site = StatusLight("Site")  # shown once the bench replicates to a site hub
        self.site.hide()
        # The printers set at this bench, each as its last try left it; none: no printer set.
        self._printers: dict[str, Tried] = {}
        self._queued = 0
        self._unsure = 0
        self._erp_state: SyncState | None = None
        # A pull of more than a page (the first of the day, or after a long time offline)
        # shows how far it got; the bench works on meanwhile.
        self.pulling = QProgressBar()
        self.pulling.setMaximumWidth(220)
        self.pulling.hide()
        self.show_wedge_only(scanner)
        self.erp.set(Light.OFF, "not configured", "ERP sync is not set up at this bench")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        layout.setSpacing(18)
        for widget in (self.bench, self.operator, self.mode):
            layout.addWidget(widget)
        layout.addStretch(1)
        for light in (self.store, self.scanner, self.printer, self.erp, self.site):
            layout.addWidget(light)
        layout.addWidget(self.pulling)

    def show_mode(self, title: str, switches: str) -> None:
        """The mode shown, and the keys that switch, e.g. ``F6 returns, F7 receiving``."""
        self.mode.setText(f"Mode: {title} ({switches})")

    def show_operator(self, operator: SignedIn | None) -> None:
        if operator is None:
            self.operator.setText("Nobody signed in")
        else:
            self.operator.setText(f"{operator.name} ({operator.role.value})")

    def show_store(self, ok: bool, detail: str = "") -> None:
        if ok:
            self.store.set(Light.OK, "ok", "The last write to the local database succeeded")
        else:
            self.store.set(Light.BAD, "NOT RECORDING", detail)

    def show_wedge_only(self, wedge: str) -> None:
        self.scanner.set(Light.OK, wedge, "Keyboard-wedge scanner: scans arrive as fast key bursts")

    def show_serial_scanner(self, state: str, wedge: str) -> None:
        if state == ScannerState.CONNECTED:
            self.scanner.set(Light.OK, f"{wedge} + serial", "The serial scanner is connected")
        else:
            self.scanner.set(
                Light.BAD,
                f"{wedge}; serial unplugged",
                "The serial scanner is not answering; it is picked up again when it returns",
            )

    def show_printer(self, queued: int, unsure: int = 0) -> None:
        """``unsure``: labels whose sending broke off; a person checks the printer."""
        self._queued, self._unsure = queued, unsure
        self._draw_printer()

    def show_printers_set(self, names: list[str]) -> None:
        """The bench's printers, not tried yet."""
        self._printers = {name: Tried(name, PrinterReach.UNTRIED, "") for name in names}
        self._draw_printer()

    def show_printer_tried(self, tried: Tried) -> None:
        self._printers[tried.printer] = tried
        self._draw_printer()

    def _draw_printer(self) -> None:
        queued = f"{self._queued} queued"
        away = [t for t in self._printers.values() if t.reach is PrinterReach.UNREACHABLE]
        if self._unsure:
            # They are never sent again on their own: red until a person says what printed.
            self.printer.set(
                Light.BAD,
                f"{self._unsure} may not have printed, {queued}",
                "A label's sending broke off: check the printer, then Print again… under the "
                "Label jobs tab",
            )
        elif not self._printers:
            # Nothing will print: red once a label waits, so the operator sets a printer.
            self.printer.set(
                Light.BAD if self._queued else Light.OFF,
                f"no printer set, {queued}",
                "No label printer is set for this bench (Settings): labels wait in the queue",
            )
        elif away:
            self.printer.set(
                Light.BAD,
                f"unreachable: {away[0].why}, {queued}",
                "; ".join(f"Printer {t.printer} cannot be reached: {t.why}" for t in away)
                + ". Labels wait in the queue and print when it answers.",
            )
        else:
            self.printer.set(
                Light.BUSY if self._queued else Light.OK,
                queued,
                "Label jobs waiting for the printer",
            )

    def show_erp(self, state: SyncState) -> None:
        self._erp_state = state
        when = local_time(state.last_sync) if state.last_sync else "never"
        text = f"{state.state.value}, {state.pending} pending"
        light = LIGHTS.get(state.state, Light.BAD)
        tooltip = state.detail or "Sync with the ERP"
        if state.rejected:
            # Until a supervisor settles them these events never reach the ERP: the light
            # stays red however well the link itself goes.
            text += f", {state.rejected} rejected"
            light = Light.BAD
            tooltip = (
                f"{state.rejected} event(s) the ERP rejected wait for a supervisor: "
                f"Bench \N{RIGHTWARDS ARROW} Exception queue. {state.detail}"
            ).strip()
        self.erp.set(light, f"{text}, last sync {when}", tooltip)
        self.pulling.hide()  # the cycle is over

    def show_site(self, state: SiteState) -> None:
        """The replication to the site hub: online, or what waits and why."""
        when = local_time(state.last_taken) if state.last_taken else "never"
        text = f"{state.state.value}, {state.waiting} to send, last {when}"
        tooltip = state.detail or "Every event of this bench is kept at the site hub"
        light = LIGHTS.get(state.state, Light.BAD)
        if state.conflicts:
            count = f"{state.conflicts} conflict{'' if state.conflicts == 1 else 's'}"
            text += f", {count}"
            tooltip += (
                f". {count} between benches of the site wait for a supervisor: "
                "Bench \N{RIGHTWARDS ARROW} Exception queue."
            )
            light = Light.BAD if light is Light.BAD else Light.BUSY
        if state.refused:
            # As the ERP's rejections: never at the site until a supervisor settles them.
            text += f", {state.refused} refused"
            tooltip += (
                f". {state.refused} event(s) the hub refused wait for a supervisor: "
                "Bench \N{RIGHTWARDS ARROW} Exception queue."
            )
            light = Light.BAD
        self.site.set(light, text, tooltip)
        self.site.show()

    def show_rejected(self, rejected: int) -> None:
        """Events settled between two sync cycles: the count now, not at the next cycle."""
        if self._erp_state is not None:
            self.show_erp(replace(self._erp_state, rejected=rejected))

    def show_pull(self, entity: str, done: int, total: int) -> None:
        self.pulling.setRange(0, max(total, 1))
        self.pulling.setValue(done)
        self.pulling.setFormat(f"Pulling {entity}s: {done} of {total}")
        self.pulling.setVisible(done < total)
