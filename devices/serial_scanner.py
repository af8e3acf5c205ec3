"""Serial and USB-CDC barcode scanners, read on a thread of their own.

pyserial's ``readline`` can block past its timeout while bytes keep dribbling in, so the
framing is ours: a scan ends at CR, LF or CRLF, or, for scanners set up without a
suffix, when the line goes quiet for ``frame_gap``. A scan longer than ``max_length`` is
cut one byte past it (``read_limit``, where every device cuts a read) and still
delivered, so the bench rejects it aloud rather than losing it. An AIM symbology
identifier (``]C1``, ``]E0``, ``]d2``…) is read into the scan and kept in its text; GS
(0x1D) passes through.

An unplugged scanner makes reads fail; the reader then reports ``disconnected``, closes
the port, and opens it again every ``retry`` seconds until it is back. A scan is handed
over exactly once: the bytes of one already framed are gone from the buffer.
"""

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

import serial

from station.scans import Scan, read_limit
from station.worker import Worker

log = logging.getLogger("station.devices.scanner")
TERMINATORS = b"\r\n"
AIM = re.compile(rb"\][A-Za-z][0-9A-Za-z]")


class ScannerState(StrEnum):
    """Whether the scanner's port is open; said to ``on_state`` each time it changes."""

    CONNECTED = "connected"
    DISCONNECTED = "disconnected"


class Port(Protocol):
    """What the reader needs of a pyserial port (and what a test double must offer)."""

    def read(self, size: int = 1) -> bytes: ...

    @property
    def in_waiting(self) -> int: ...

    def close(self) -> None: ...


@dataclass
class Framer:
    """Turns a byte stream into scans; ``feed`` and ``tick`` return the finished ones."""

    max_length: int
    frame_gap: float
    _buffer: bytearray = field(default_factory=bytearray)
    _last_byte_at: float = 0.0
    _overflowing: bool = False

    def feed(self, data: bytes, now: float) -> list[bytes]:
        frames = []
        for byte in data:
            if byte in TERMINATORS:
                frames.extend(self._finish())
                self._overflowing = False
            elif self._overflowing:
                continue  # the rest of an over-long read: its start was delivered, cut
            else:
                self._buffer.append(byte)
                if len(self._buffer) >= read_limit(self.max_length):
                    frames.extend(self._finish())
                    self._overflowing = True
        if data:
            self._last_byte_at = now
        return frames

    def tick(self, now: float) -> list[bytes]:
        """Finish a scan from a scanner without a suffix once the line has gone quiet."""
        if self._buffer and now - self._last_byte_at >= self.frame_gap:
            return self._finish()
        return []

    def flush(self) -> list[bytes]:
        """What was read of a scan when the port went away: delivered, to be judged."""
        return self._finish()

    def _finish(self) -> list[bytes]:
        if not self._buffer:
            return []
        frame = bytes(self._buffer)
        self._buffer.clear()
        return [frame]


def to_scan(frame: bytes) -> Scan:
    """A framed read as a ``Scan``: bytes kept one for one (latin-1), symbology noted."""
    aim = AIM.match(frame)
    return Scan(
        frame.decode("latin-1"),
        source="serial",
        symbology=aim.group().decode("ascii") if aim else None,
    )


Opener = Callable[[str], Port]


def open_port(url: str, baudrate: int) -> Port:
    """A pyserial port; ``url`` may be a device path or a ``serial_for_url`` URL."""
    port: Port = serial.serial_for_url(url, baudrate=baudrate, timeout=0.02, exclusive=True)
    return port


class SerialScanner:
    """A scanner on a serial port, read by its own thread.

    ``on_scan`` and ``on_state`` run on the reader thread; a GUI must hand them over to
    its own thread. States: ``connected``, ``disconnected``.
    """

    def __init__(
        self,
        url: str,
        on_scan: Callable[[Scan], None],
        on_state: Callable[[ScannerState], None] = lambda _state: None,
        *,
        baudrate: int = 9600,
        max_length: int = 512,
        frame_gap: float = 0.05,
        retry: float = 0.5,
    ) -> None:
        self.url = url
        self.on_scan = on_scan
        self.on_state = on_state
        self.baudrate = baudrate
        self.max_length = max_length
        self.frame_gap = frame_gap
        self.state = ScannerState.DISCONNECTED
        self._worker = Worker(
            f"scanner {url}", self._session, interval=retry, log=log, failed=f"scanner {url} failed"
        )

    def start(self) -> None:
        self._worker.start()

    def stop(self, timeout: float = 2.0) -> None:
        self._worker.stop(timeout)

    def _session(self) -> float | None:
        """Open the port and read it until it goes away; then open it again at once, or
        after ``retry`` seconds if it could not be opened."""
        try:
            port = open_port(self.url, self.baudrate)
        except (serial.SerialException, OSError) as exc:
            log.debug("scanner %s not there: %s", self.url, exc)
            return None
        self._set_state(ScannerState.CONNECTED)
        try:
            self._read(port)
        finally:
            port.close()
            self._set_state(ScannerState.DISCONNECTED)
        return 0.0

    def _read(self, port: Port) -> None:
        framer = Framer(self.max_length, self.frame_gap)
        try:
            while not self._worker.stopping():
                data = port.read(max(1, port.in_waiting))
                now = time.monotonic()
                for frame in framer.feed(data, now) + framer.tick(now):
                    self.on_scan(to_scan(frame))
        except (serial.SerialException, OSError) as exc:
            log.warning("scanner %s went away: %s", self.url, exc)
            for frame in framer.flush():
                self.on_scan(to_scan(frame))

    def _set_state(self, state: ScannerState) -> None:
        if state != self.state:
            self.state = state
            self.on_state(state)
