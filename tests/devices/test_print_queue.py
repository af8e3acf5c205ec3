"""The print queue against a loopback TCP printer on 127.0.0.1: down, up, exactly once."""

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fake_printer import LoopbackPrinter
from sqlalchemy import select

from devices.print_queue import PrinterReach, PrintQueue, PrintWorker
from devices.printers import (
    CupsPrinter,
    FolderPrinter,
    RawTcpPrinter,
    SerialPrinter,
    host_status,
    printer_for,
)
from station.label_jobs import queue_label
from station.recording import utcnow
from station.states import LabelJobState
from station.store.engine import Store
from station.store.schema import LabelJob


def render(job: LabelJob) -> bytes:
    """A stand-in label: this layer moves bytes; the labels' own tests check what they say."""
    return f"^XA^FD{job.data['lpn']}^FS^XZ".encode()


def queue(store: Store, *lpns: str) -> None:
    with store.unit() as session:
        for lpn in lpns:
            queue_label(session, bench="BENCH-01", template="return-unit", data={"lpn": lpn})


def statuses(store: Store) -> list[tuple[str, int]]:
    with store.read() as session:
        return [
            (j.status, j.attempts) for j in session.scalars(select(LabelJob).order_by(LabelJob.id))
        ]


@pytest.fixture
def printer() -> Iterator[LoopbackPrinter]:
    started = LoopbackPrinter()
    yield started
    started.close()


def test_queued_jobs_print_once_each_in_order(store: Store, printer: LoopbackPrinter) -> None:
    queue(store, "LPN-A", "LPN-B")
    sent = PrintQueue(store, "BENCH-01", RawTcpPrinter("127.0.0.1", printer.port), render)
    assert sent.run_once() == 2
    assert printer.wait_jobs(2) == [b"^XA^FDLPN-A^FS^XZ", b"^XA^FDLPN-B^FS^XZ"]
    assert statuses(store) == [(LabelJobState.PRINTED, 1), (LabelJobState.PRINTED, 1)]
    assert sent.run_once() == 0
    assert len(printer.jobs) == 2


def test_a_printer_that_is_down_keeps_the_job_queued_then_prints_it_once(
    store: Store, printer: LoopbackPrinter
) -> None:
    port = printer.port
    printer.close()  # the printer is switched off
    queue(store, "LPN-C")
    down = PrintQueue(store, "BENCH-01", RawTcpPrinter("127.0.0.1", port, timeout=1), render)
    now = utcnow()
    assert down.run_once(now) == 0
    with store.read() as session:
        job = session.scalars(select(LabelJob)).one()
        assert (job.status, job.attempts) == (LabelJobState.QUEUED, 1)
        assert job.last_error is not None and "cannot be reached" in job.last_error
        assert job.next_attempt_at is not None and job.next_attempt_at > now
    assert down.run_once(now) == 0, "not before its next try"
    again = LoopbackPrinter()  # switched on again, here on a new port
    try:
        up = PrintQueue(store, "BENCH-01", RawTcpPrinter("127.0.0.1", again.port), render)
        assert up.run_once(now + timedelta(minutes=6)) == 1
        assert again.wait_jobs(1) == [b"^XA^FDLPN-C^FS^XZ"]
        assert statuses(store) == [(LabelJobState.PRINTED, 2)]
    finally:
        again.close()


def test_a_job_left_sending_by_a_crash_is_never_sent_again_on_its_own(
    store: Store, printer: LoopbackPrinter
) -> None:
    queue(store, "LPN-D")
    with store.unit() as session:
        session.scalars(select(LabelJob)).one().status = LabelJobState.SENDING
    PrintQueue(store, "BENCH-01", RawTcpPrinter("127.0.0.1", printer.port), render).run_once()
    assert statuses(store) == [(LabelJobState.UNSURE, 0)]
    assert printer.jobs == []


def test_a_folder_printer_writes_whole_files(store: Store, tmp_path: Path) -> None:
    queue(store, "LPN-E")
    folder = printer_for(f"folder:{tmp_path / 'out'}")
    assert isinstance(folder, FolderPrinter)
    assert PrintQueue(store, "BENCH-01", folder, render).run_once() == 1
    written = list((tmp_path / "out").iterdir())
    assert [f.read_bytes() for f in written] == [b"^XA^FDLPN-E^FS^XZ"]


def test_printer_urls() -> None:
    tcp = printer_for("tcp://127.0.0.1:9100")
    assert isinstance(tcp, RawTcpPrinter) and tcp.name == "127.0.0.1:9100"
    serial_printer = printer_for("serial:/dev/ttyUSB0", baud=19200)
    assert isinstance(serial_printer, SerialPrinter) and serial_printer.baud == 19200
    cups = printer_for("cups:Zebra_Bench_1")
    assert isinstance(cups, CupsPrinter) and cups.queue == "Zebra_Bench_1"
    with pytest.raises(ValueError, match="tcp://, serial:, cups: or folder:"):
        printer_for("lpt1")


def test_the_worker_prints_what_is_queued_while_the_bench_goes_on(
    store: Store, printer: LoopbackPrinter
) -> None:
    printed = threading.Event()
    worker = PrintWorker(
        PrintQueue(store, "BENCH-01", RawTcpPrinter("127.0.0.1", printer.port), render),
        interval=0.05,
        on_tried=lambda tried: printed.set() if tried.reach is PrinterReach.TAKING else None,
    )
    worker.start()
    try:
        queue(store, "LPN-F")
        assert printed.wait(5)
        assert printer.wait_jobs(1) == [b"^XA^FDLPN-F^FS^XZ"]
    finally:
        worker.stop()
    assert statuses(store) == [(LabelJobState.PRINTED, 1)]


def test_the_printer_says_how_it_is(printer: LoopbackPrinter) -> None:
    assert RawTcpPrinter("127.0.0.1", printer.port).status() == "ready"
    out_of_paper = LoopbackPrinter(LoopbackPrinter.READY.replace(b"030,0,0", b"030,1,0"))
    try:
        assert RawTcpPrinter("127.0.0.1", out_of_paper.port).status() == "paper out"
    finally:
        out_of_paper.close()
    port = printer.port
    printer.close()
    assert RawTcpPrinter("127.0.0.1", port, timeout=1).status() == "unknown"
    assert printer.jobs == [], "a status question is not a label"


@pytest.mark.parametrize(
    ("edit", "state"),
    [
        ((b"030,0,0,1218", b"030,0,1,1218"), "paused"),
        ((b"001,0,0,0", b"001,0,1,0"), "head open"),
        ((b"001,0,0,0", b"001,0,0,1"), "ribbon out"),
        ((b"\x02", b""), "unknown"),
    ],
)
def test_host_status_flags(edit: tuple[bytes, bytes], state: str) -> None:
    assert host_status(LoopbackPrinter.READY.replace(*edit)) == state


def test_two_printers_share_the_bench_by_label_and_wait_apart(store: Store) -> None:
    """Bin labels go to a 2x1 printer; the rest to the main one. One printer away holds up
    only its own labels."""
    main, small = LoopbackPrinter(), LoopbackPrinter()
    try:
        with store.unit() as session:
            for purpose, lpn in (
                ("return-unit", "LPN-U"),
                ("bin", "BIN-A01-01"),
                ("triage", "LPN-T"),
            ):
                queue_label(session, bench="BENCH-01", template=purpose, data={"lpn": lpn})
        first = PrintQueue(
            store,
            "BENCH-01",
            RawTcpPrinter("127.0.0.1", main.port),
            render,
            leaving=frozenset({"bin"}),
        )
        second_port = small.port
        small.close()  # the small printer is switched off
        second = PrintQueue(
            store,
            "BENCH-01",
            RawTcpPrinter("127.0.0.1", second_port, timeout=1),
            render,
            purposes=frozenset({"bin"}),
        )
        assert second.run_once() == 0
        assert first.run_once() == 2
        assert main.wait_jobs(2) == [b"^XA^FDLPN-U^FS^XZ", b"^XA^FDLPN-T^FS^XZ"]
        assert [s for s, _ in statuses(store)] == [
            LabelJobState.PRINTED,
            LabelJobState.QUEUED,
            LabelJobState.PRINTED,
        ]
    finally:
        main.close()
