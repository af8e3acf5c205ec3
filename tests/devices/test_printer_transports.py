"""The other ways to a label printer: a serial line (a real pseudo-terminal), pyserial's
``socket://`` against the loopback 9100 printer, and a CUPS queue through ``lp``."""

import os
import pty
import socket
import stat
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fake_printer import LoopbackPrinter
from sqlalchemy import select

from devices.print_queue import PrintQueue
from devices.printers import CupsPrinter, NotSent, RawTcpPrinter, SerialPrinter, Unsure
from station.label_jobs import queue_label
from station.states import LabelJobState
from station.store.engine import Store
from station.store.schema import LabelJob

JOB = b"^XA^CI28^FO50,50^A0N,40,40^FDLPN-BENCH-01-000001^FS^XZ"


@pytest.fixture
def line() -> Iterator[tuple[int, str]]:
    """A serial line: the printer's end (a pty master) and the port the station opens."""
    master, slave = pty.openpty()
    yield master, os.ttyname(slave)
    os.close(master)
    os.close(slave)


def read_all(fd: int, size: int) -> bytes:
    received = b""
    while len(received) < size:
        received += os.read(fd, size - len(received))
    return received


def test_a_serial_printer_gets_the_job_byte_for_byte(line: tuple[int, str]) -> None:
    master, port = line
    SerialPrinter(port, baud=9600).send(JOB)
    assert read_all(master, len(JOB)) == JOB


def test_a_serial_printer_answers_its_status_on_the_line(line: tuple[int, str]) -> None:
    master, port = line

    def printer() -> None:
        assert read_all(master, 3) == b"~HS"
        os.write(master, LoopbackPrinter.READY)

    answering = threading.Thread(target=printer)
    answering.start()
    assert SerialPrinter(port, timeout=2).status() == "ready"
    answering.join(2)


def test_a_missing_serial_port_sends_nothing(tmp_path: Path) -> None:
    with pytest.raises(NotSent, match="cannot be opened"):
        SerialPrinter(str(tmp_path / "ttyGone")).send(JOB)
    assert SerialPrinter(str(tmp_path / "ttyGone"), timeout=0.2).status() == "unknown"


def test_socket_urls_reach_a_network_printer_through_the_serial_code() -> None:
    printer = LoopbackPrinter()
    try:
        through = SerialPrinter(f"socket://127.0.0.1:{printer.port}")
        through.send(JOB)
        assert printer.wait_jobs(1) == [JOB]
        assert through.status() == "ready"
    finally:
        printer.close()


@pytest.mark.parametrize(
    "connect",
    [
        lambda port: RawTcpPrinter("127.0.0.1", port, timeout=1.0),
        lambda port: SerialPrinter(f"socket://127.0.0.1:{port}", timeout=1.0),
    ],
    ids=["tcp", "socket-url"],
)
def test_a_printer_that_trickles_its_status_is_given_up_on_at_the_deadline(
    connect: Callable[[int], RawTcpPrinter | SerialPrinter],
) -> None:
    # One byte every 0.2 s: each read gets a byte well within any per-read timeout, so
    # only an overall deadline ends the call (the whole answer would take 18 s).
    printer = LoopbackPrinter(trickle=0.2)
    try:
        asked = connect(printer.port)
        started = time.monotonic()
        said = asked.status()
        took = time.monotonic() - started
    finally:
        printer.close()
    assert said == "unknown"
    assert took < 1.5


def test_a_printer_that_takes_no_bytes_leaves_the_job_unsure_at_the_deadline() -> None:
    # It answers the connection, then reads nothing: the job stops at the socket buffers.
    with socket.create_server(("127.0.0.1", 0)) as deaf:
        printer = RawTcpPrinter("127.0.0.1", deaf.getsockname()[1], timeout=0.5)
        started = time.monotonic()
        with pytest.raises(Unsure, match="broke off while receiving"):
            printer.send(b"^XA" + bytes(16 * 1024 * 1024) + b"^XZ")
        assert time.monotonic() - started < 1.0


@pytest.fixture
def lp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """CUPS' ``lp`` as a script that keeps what it is given: the spooler itself is CUPS's
    business; this layer owes it the right command and the bytes untouched."""
    spool = tmp_path / "spool"
    spool.mkdir()
    script = tmp_path / "bin" / "lp"
    script.parent.mkdir()
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$@" > {spool}/args\n'
        f"cat > {spool}/job\n"
        'case "$2" in Offline) echo "lp: The printer or class does not exist." >&2; exit 1;; esac\n'
        'echo "request id is $2-17 (1 file(s))"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{script.parent}{os.pathsep}{os.environ['PATH']}")
    return spool


def test_a_cups_queue_gets_the_zpl_raw(lp: Path, store: Store) -> None:
    with store.unit() as session:
        queue_label(session, bench="BENCH-01", template="return-unit", data={"lpn": "LPN-1"})
    sent = PrintQueue(store, "BENCH-01", CupsPrinter("Zebra_Bench_1"), lambda _job: JOB)
    assert sent.run_once() == 1
    assert (lp / "job").read_bytes() == JOB
    assert (lp / "args").read_text().split() == [
        "-d",
        "Zebra_Bench_1",
        "-o",
        "raw",
        "-t",
        "station",
        "label",
    ]
    with store.read() as session:
        assert session.scalars(select(LabelJob.status)).one() == LabelJobState.PRINTED


@pytest.mark.usefixtures("lp")
def test_a_cups_queue_that_refuses_leaves_the_job_queued_with_why(store: Store) -> None:
    with store.unit() as session:
        queue_label(session, bench="BENCH-01", template="return-unit", data={"lpn": "LPN-1"})
    assert PrintQueue(store, "BENCH-01", CupsPrinter("Offline"), lambda _job: JOB).run_once() == 0
    with store.read() as session:
        job = session.scalars(select(LabelJob)).one()
    assert job.status == LabelJobState.QUEUED
    assert job.last_error is not None and "does not exist" in job.last_error


def test_without_cups_installed_nothing_is_sent(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(NotSent, match="no lp command"):
        CupsPrinter("Zebra").send(JOB)
