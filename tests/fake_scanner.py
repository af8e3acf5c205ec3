"""A serial scanner played on a real pseudo-terminal, for the device and window tests."""

import os
import pty
import time
from pathlib import Path

BYTE_AT_9600 = 10 / 9600  # 8N1: ten bit times a byte


class FakeScannerPort:
    """The scanner's end of a pseudo-terminal, reachable at a stable path like /dev/serial/by-id."""

    def __init__(self, link: Path) -> None:
        self.link = link
        self.master = -1
        self.plug_in()

    def plug_in(self) -> None:
        self.master, slave = pty.openpty()
        self._slave = slave
        self.link.symlink_to(os.ttyname(slave))

    def unplug(self) -> None:
        self.link.unlink()
        os.close(self.master)
        os.close(self._slave)

    def send(self, data: bytes, paced: bool = False) -> None:
        if not paced:
            os.write(self.master, data)
            return
        for byte in data:  # as a 9600-baud scanner puts them on the wire
            os.write(self.master, bytes([byte]))
            time.sleep(BYTE_AT_9600)
