"""The bench's serial scanner and printers, started again when their settings change.

The settings dialog saves new scanner and printer settings while the station runs; the
links are rebuilt with them at once, without a restart. Stopping a link joins its thread
and lets go of its port, which can take seconds (a printer in the middle of a label), so
the old links are stopped and the new ones started on a thread of their own, never on the
GUI thread. The new links are made on the GUI thread, so that their signals, emitted from
their device threads, are queued to it.
"""

import logging
import threading

from PySide6.QtCore import QObject

from station.setting_keys import SERIAL_PORT
from station.settings import Settings
from station.store.engine import Store
from ui.main_window import MainWindow
from ui.print_link import PrintLink, printer_set
from ui.serial_link import SerialScannerLink

log = logging.getLogger("station.ui.devices")


class DeviceLinks(QObject):
    def __init__(self, store: Store, window: MainWindow) -> None:
        super().__init__(window)
        self.store = store
        self.window = window
        self.scanner: SerialScannerLink | None = None
        self.printing: PrintLink | None = None
        self._switching: threading.Thread | None = None

    def start(self, settings: Settings) -> None:
        """The links the settings ask for, started (a restart of the ones running)."""
        old = (self.scanner, self.printing)
        for link in old:
            if link is not None:
                _quiet(link)
        self.scanner = SerialScannerLink(settings, self) if settings[SERIAL_PORT] else None
        if self.scanner is not None:
            self.window.attach_serial_scanner(self.scanner)
        elif old[0] is not None:
            self.window.detach_serial_scanner()
        self.printing = PrintLink(self.store, settings, self) if printer_set(settings) else None
        self.window.printers_changed(self.printing.printers if self.printing else [])
        if self.printing is not None:
            self.printing.printer_tried.connect(self.window.header.show_printer_tried)
            # Each try changes a job's attempts and last error: the Label jobs tab shows them.
            self.printing.printer_tried.connect(lambda _tried: self.window.show_label_jobs())
        before = self._switching
        new = (self.scanner, self.printing)

        def switch() -> None:
            if before is not None:
                before.join()  # one switch at a time, in the order the settings were saved
            for link in old:
                if link is not None:
                    link.stop()
                    link.deleteLater()  # posted to the GUI thread, which owns it
            for link in new:
                if link is not None:
                    link.start()
            log.info("scanner and printer links started with the settings saved")

        self._switching = threading.Thread(target=switch, name="device-links", daemon=True)
        self._switching.start()

    def stop(self) -> None:
        """At the end: wait for a switch under way, then stop what runs."""
        if self._switching is not None:
            self._switching.join()
        for link in (self.scanner, self.printing):
            if link is not None:
                link.stop()


def _quiet(link: SerialScannerLink | PrintLink) -> None:
    """Cut the old link's signals, so a late scan or print news of it is not taken."""
    if isinstance(link, SerialScannerLink):
        link.scan_received.disconnect()
        link.state_changed.disconnect()
    else:
        link.printer_tried.disconnect()
