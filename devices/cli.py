"""``station devices …``: what a technician runs at a bench to see its scanner work."""

import queue
import sys
from typing import TextIO

from serial.tools import list_ports

from devices.serial_scanner import SerialScanner
from station.scans import Classifier, Scan, printable
from station.setting_keys import MAX_SCAN_LENGTH, SERIAL_BAUD, SERIAL_FRAME_GAP_MS, SERIAL_PORT
from station.settings import Settings


def run(action: str, port: str | None, count: int, settings: Settings) -> int:
    if action == "list":
        return list_serial_ports(sys.stdout)
    return scan_test(port or settings[SERIAL_PORT], count, settings, sys.stdout)


def list_serial_ports(out: TextIO) -> int:
    ports = sorted(list_ports.comports(), key=lambda p: p.device)
    if not ports:
        print("No serial ports found.", file=out)
    for found in ports:
        print(f"{found.device}\t{found.description}\t{found.hwid}", file=out)
    return 0


def scan_test(url: str, count: int, settings: Settings, out: TextIO) -> int:
    """Print each scan as the bench would read it; stop after ``count`` (0: Ctrl+C)."""
    if not url:
        print("No scanner port: give --port or set scanner.serial_port.", file=out)
        return 2
    scans: queue.Queue[Scan] = queue.Queue()
    scanner = SerialScanner(
        url,
        scans.put,
        lambda state: print(f"[{state}] {url}", file=out, flush=True),
        baudrate=settings[SERIAL_BAUD],
        max_length=settings[MAX_SCAN_LENGTH],
        frame_gap=settings[SERIAL_FRAME_GAP_MS] / 1000,
    )
    classifier = Classifier(settings)
    scanner.start()
    seen = 0
    try:
        while count == 0 or seen < count:
            print(describe(classifier, scans.get()), file=out, flush=True)
            seen += 1
    except KeyboardInterrupt:
        pass
    finally:
        scanner.stop()
    return 0


def describe(classifier: Classifier, scan: Scan) -> str:
    read = classifier.classify(scan)
    parts = [f"{printable(scan.raw)}", f"symbology={scan.symbology or '-'}", read.kind.value]
    if read.rejected:
        parts.append(f"problem={read.problem}")
    else:
        parts.append(f"value={read.value}")
    parts += [
        f"{name}={value}"
        for name, value in (
            ("gtin", read.gtin),
            ("serial", read.serial),
            ("lot", read.lot),
            ("expiry", read.expiry),
        )
        if value
    ]
    return "  ".join(parts)
