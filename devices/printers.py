"""Where label bytes go: a raw TCP 9100 printer, a serial port, a CUPS queue, or a folder.

Raw TCP has no job acknowledgement, so what is known is told apart from what is not:
a printer that cannot be reached got nothing and the job may simply be tried again; a
connection that breaks while the bytes are going out may have printed, and no automatic
retry may print that label a second time.

Every call to a printer has one deadline for the whole of it: a printer that trickles a
byte now and then would otherwise keep a per-read timeout from ever running out.
"""

import os
import re
import socket
import subprocess
import time
import uuid
from pathlib import Path
from typing import Protocol

import serial


class NotSent(Exception):
    """Nothing reached the printer: trying again cannot print the label twice."""


class Unsure(Exception):
    """The bytes went out, or part of them, without the printer taking them whole."""


class Deadline:
    """One overall time limit for a device call; each read or write gets what is left."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        """Seconds left, more than none; TimeoutError (an OSError) once they are spent."""
        left = self.end - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no answer within {self.seconds:g} s")
        return left


class Printer(Protocol):
    name: str

    def send(self, job: bytes) -> None:
        """Deliver one job; NotSent or Unsure when it could not."""


class RawTcpPrinter:
    """AppSocket / JetDirect: one job per connection, ended by closing our side."""

    def __init__(self, host: str, port: int = 9100, timeout: float = 5.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.name = f"{host}:{port}"

    def send(self, job: bytes) -> None:
        deadline = Deadline(self.timeout)
        try:
            connection = socket.create_connection((self.host, self.port), deadline.left())
        except OSError as exc:
            raise NotSent(f"printer {self.name} cannot be reached: {exc}") from exc
        with connection:
            try:
                connection.settimeout(deadline.left())  # sendall's limit is for all of it
                connection.sendall(job)
                connection.shutdown(socket.SHUT_WR)  # the printer sees the end of the job
            except OSError as exc:
                raise Unsure(f"printer {self.name} broke off while receiving: {exc}") from exc

    def status(self) -> str:
        """What the printer says of itself (``~HS``): ready, paper out, paused, head open,
        ribbon out; ``unknown`` when it does not answer within the timeout, which many
        printers do when in an error state, so silence is not taken for "offline"."""
        deadline = Deadline(self.timeout)
        try:
            with socket.create_connection((self.host, self.port), deadline.left()) as connection:
                connection.settimeout(deadline.left())
                connection.sendall(b"~HS")
                answer = b""
                while answer.count(b"\x03") < 3:
                    connection.settimeout(deadline.left())
                    chunk = connection.recv(1024)
                    if not chunk:
                        break
                    answer += chunk
        except OSError:
            return "unknown"
        return host_status(answer)


class SerialPrinter:
    """A printer on a serial port, or on anything pyserial opens by URL: ``socket://``
    (raw TCP through the same code), ``rfc2217://`` (a serial port server)."""

    def __init__(self, url: str, baud: int = 9600, timeout: float = 5.0) -> None:
        self.url, self.baud, self.timeout = url, baud, timeout
        self.name = url

    def _open(self) -> serial.SerialBase:
        return serial.serial_for_url(
            self.url, baudrate=self.baud, timeout=self.timeout, write_timeout=self.timeout
        )

    def send(self, job: bytes) -> None:
        try:
            port = self._open()
        except (serial.SerialException, OSError, ValueError) as exc:
            raise NotSent(f"printer {self.name} cannot be opened: {exc}") from exc
        with port:
            try:
                port.write(job)
                port.flush()
            except (serial.SerialException, OSError) as exc:
                raise Unsure(f"printer {self.name} broke off while receiving: {exc}") from exc

    def status(self) -> str:
        """``~HS`` on the line, as on TCP; ``unknown`` when nothing answers in time."""
        deadline = Deadline(self.timeout)
        try:
            with self._open() as port:
                port.write(b"~HS")
                port.flush()
                return host_status(_answer(port, deadline))
        except (serial.SerialException, OSError, ValueError):
            return "unknown"


def _answer(port: serial.SerialBase, deadline: Deadline) -> bytes:
    """The three ``~HS`` strings, or what came before the line went quiet or closed."""
    answer = b""
    while answer.count(b"\x03") < 3:
        port.timeout = deadline.left()
        try:
            chunk = port.read(port.in_waiting or 1)
        except serial.SerialException:  # a socket:// printer hangs up once it has answered
            break
        if not chunk:
            break
        answer += chunk
    return answer


class CupsPrinter:
    """A CUPS queue, fed the ZPL untouched (``lp -o raw``). CUPS says nothing of the label
    printer itself, so there is no status; a queue that refuses the job got nothing."""

    _ACCEPTED = re.compile(r"request id is (\S+)")

    def __init__(self, queue: str, timeout: float = 10.0) -> None:
        self.queue, self.timeout = queue, timeout
        self.name = f"CUPS queue {queue}"

    def send(self, job: bytes) -> None:
        try:
            done = subprocess.run(
                ["lp", "-d", self.queue, "-o", "raw", "-t", "station label"],
                input=job,
                capture_output=True,
                timeout=self.timeout,
                check=False,
            )
        except FileNotFoundError as exc:
            raise NotSent("CUPS is not installed here (no lp command)") from exc
        except subprocess.TimeoutExpired as exc:
            raise Unsure(f"{self.name} did not answer in {self.timeout:.0f} s") from exc
        said = (done.stdout + done.stderr).decode(errors="replace").strip()
        if done.returncode != 0 or not self._ACCEPTED.search(said):
            raise NotSent(f"{self.name} refused the job: {said or done.returncode}")


def host_status(answer: bytes) -> str:
    """The state in a ``~HS`` answer: three STX…ETX strings of comma-separated flags."""
    strings = [part.split(b"\x03")[0] for part in answer.split(b"\x02")[1:]]
    if len(strings) < 2:
        return "unknown"
    first, second = strings[0].split(b","), strings[1].split(b",")
    if len(first) < 3 or len(second) < 4:
        return "unknown"
    # Zebra ZPL II guide, ~HS: string 1 b = paper out, c = paused; string 2 o = head up,
    # p = ribbon out.
    for flag, meaning in (
        (first[1], "paper out"),
        (second[2], "head open"),
        (second[3], "ribbon out"),
        (first[2], "paused"),
    ):
        if flag.strip() == b"1":
            return meaning
    return "ready"


class FolderPrinter:
    """Jobs written as files, for sites that print from elsewhere (and for tests)."""

    def __init__(self, folder: Path, suffix: str = ".zpl") -> None:
        self.folder, self.suffix = folder, suffix
        self.name = str(folder)

    def send(self, job: bytes) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            name = f"{uuid.uuid4()}{self.suffix}"
            partial = self.folder / f".{name}.part"
            with partial.open("wb") as file:
                file.write(job)
                file.flush()
                os.fsync(file.fileno())
            partial.rename(self.folder / name)  # a reader never sees half a job
        except OSError as exc:
            raise NotSent(f"folder {self.folder} cannot take the job: {exc}") from exc


def printer_for(url: str, baud: int = 9600) -> Printer:
    """``tcp://host:port``, ``serial:<port or pyserial URL>``, ``cups:<queue>`` or
    ``folder:/path``, as written in the settings."""
    if url.startswith("tcp://"):
        host, _, port = url.removeprefix("tcp://").rpartition(":")
        return RawTcpPrinter(host, int(port)) if host else RawTcpPrinter(port)
    if url.startswith("serial:"):
        return SerialPrinter(url.removeprefix("serial:"), baud)
    if url.startswith("cups:"):
        return CupsPrinter(url.removeprefix("cups:"))
    if url.startswith("folder:"):
        return FolderPrinter(Path(url.removeprefix("folder:")))
    raise ValueError(f"printer '{url}': use tcp://, serial:, cups: or folder:")
