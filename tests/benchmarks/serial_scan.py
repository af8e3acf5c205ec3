"""``make bench``: from the last byte of a scan on the serial line to the scan in hand.

A scanner is played on a pseudo-terminal; each scan's CR is written, and the time until
the reader thread hands the framed scan over is taken, 500 times. Target p99: 20 ms.
"""

import json
import os
import pty
import queue
import statistics
import sys
import time

from devices.serial_scanner import SerialScanner
from station.scans import Scan

SCANS = 500


def main() -> int:
    master, slave = pty.openpty()
    arrived: queue.Queue[tuple[Scan, float]] = queue.Queue()
    states: queue.Queue[str] = queue.Queue()
    scanner = SerialScanner(
        os.ttyname(slave), lambda scan: arrived.put((scan, time.perf_counter())), states.put
    )
    scanner.start()
    assert states.get(timeout=5) == "connected"
    took = []
    for number in range(SCANS):
        os.write(master, f"LPN-BENCH-01-{number:06d}".encode())
        time.sleep(0.002)  # the body of the scan is on the line; now its last byte
        sent = time.perf_counter()
        os.write(master, b"\r")
        _scan, received = arrived.get(timeout=5)
        took.append(received - sent)
    scanner.stop()
    os.close(master)
    os.close(slave)
    ordered = sorted(took)
    print(
        json.dumps(
            {
                "bench": "serial_scan",
                "p50_ms": round(statistics.median(took) * 1000, 3),
                "p99_ms": round(ordered[round(0.99 * (len(ordered) - 1))] * 1000, 3),
                "n": len(took),
                "target_p99_ms": 20,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
