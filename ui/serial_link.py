"""A serial scanner's reads, handed from its reader thread to the GUI thread.

Signals:
    scan_received(object): a ``Scan`` read by the serial scanner.
    state_changed(str): ``connected`` or ``disconnected``.
"""

from PySide6.QtCore import QObject, Signal

from devices.serial_scanner import SerialScanner
from station.scans import Scan
from station.setting_keys import MAX_SCAN_LENGTH, SERIAL_BAUD, SERIAL_FRAME_GAP_MS, SERIAL_PORT
from station.settings import Settings


class SerialScannerLink(QObject):
    scan_received = Signal(object)
    state_changed = Signal(str)

    def __init__(self, settings: Settings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Emitted from the reader thread; Qt queues them to this object's (GUI) thread.
        self.scanner = SerialScanner(
            settings[SERIAL_PORT],
            self._scanned,
            self.state_changed.emit,
            baudrate=settings[SERIAL_BAUD],
            max_length=settings[MAX_SCAN_LENGTH],
            frame_gap=settings[SERIAL_FRAME_GAP_MS] / 1000,
        )

    def _scanned(self, scan: Scan) -> None:
        self.scan_received.emit(scan)

    def start(self) -> None:
        self.scanner.start()

    def stop(self) -> None:
        self.scanner.stop()
