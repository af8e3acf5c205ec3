"""A serial scanner on a real pseudo-terminal: framing, AIM prefixes, unplug and return."""

import os
import queue
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_scanner import FakeScannerPort

from devices.serial_scanner import Framer, SerialScanner, to_scan
from station.scans import Scan


class Reader:
    def __init__(self, url: str) -> None:
        self.scans: queue.Queue[Scan] = queue.Queue()
        self.states: queue.Queue[str] = queue.Queue()
        self.scanner = SerialScanner(url, self.scans.put, self.states.put, retry=0.05)

    def next_scan(self) -> Scan:
        return self.scans.get(timeout=3)

    def wait_state(self, state: str) -> None:
        while self.states.get(timeout=5) != state:
            pass


@pytest.fixture
def reader(port: FakeScannerPort) -> Iterator[Reader]:
    started = Reader(str(port.link))
    started.scanner.start()
    started.wait_state("connected")
    yield started
    started.scanner.stop()


@pytest.mark.parametrize("paced", [False, True], ids=["burst", "9600-baud"])
def test_scans_arrive_whole_with_their_symbology(
    port: FakeScannerPort, reader: Reader, paced: bool
) -> None:
    port.send(b"RMA-10004\r", paced)
    port.send(b"]E05907725452020\r\n", paced)
    port.send(b"]C1010950110102091710LOT7\x1d21S\r", paced)
    first, second, third = reader.next_scan(), reader.next_scan(), reader.next_scan()
    assert (first.raw, first.symbology, first.source) == ("RMA-10004", None, "serial")
    assert (second.raw, second.symbology) == ("]E05907725452020", "]E0")
    assert (third.raw, third.symbology) == ("]C1010950110102091710LOT7\x1d21S", "]C1")
    assert reader.scans.empty(), "CRLF is one end of a scan, not two"


def test_unplugged_and_back_no_scan_lost_or_doubled(port: FakeScannerPort, reader: Reader) -> None:
    port.send(b"SCAN-0001\rSCAN-0002\r")
    assert [reader.next_scan().raw for _ in range(2)] == ["SCAN-0001", "SCAN-0002"]
    port.unplug()
    reader.wait_state("disconnected")
    port.plug_in()
    reader.wait_state("connected")
    port.send(b"SCAN-0003\r")
    assert reader.next_scan().raw == "SCAN-0003"
    time.sleep(0.2)
    assert reader.scans.empty()


def test_a_scanner_that_is_not_there_yet_is_picked_up_when_it_comes(tmp_path: Path) -> None:
    link = tmp_path / "ttyLate"
    late = Reader(str(link))
    late.scanner.start()
    try:
        time.sleep(0.2)
        assert late.scanner.state == "disconnected"
        port = FakeScannerPort(link)
        late.wait_state("connected")
        port.send(b"LPN-BENCH-01-000001\r")
        assert late.next_scan().raw == "LPN-BENCH-01-000001"
        port.unplug()
    finally:
        late.scanner.stop()


def test_framing_without_a_suffix_ends_when_the_line_goes_quiet() -> None:
    framer = Framer(max_length=512, frame_gap=0.05)
    assert framer.feed(b"59077254", now=1.0) == []
    assert framer.feed(b"52020", now=1.01) == []
    assert framer.tick(now=1.03) == []
    assert framer.tick(now=1.07) == [b"5907725452020"]


def test_an_over_long_read_is_cut_and_delivered_not_lost() -> None:
    framer = Framer(max_length=8, frame_gap=0.05)
    frames = framer.feed(b"ABCDEFGHIJKLMN\rOK-1\r", now=1.0)
    assert frames == [b"ABCDEFGHI", b"OK-1"]


def test_every_byte_survives_into_the_scan_text() -> None:
    raw = bytes(range(256))
    assert [ord(ch) for ch in to_scan(raw).raw] == list(range(256))


def test_station_devices_scan_test_prints_what_the_bench_reads(
    port: FakeScannerPort, tmp_path: Path
) -> None:
    command = [sys.executable, "-m", "app", "devices", "scan-test"]
    command += ["--port", str(port.link), "--count", "2"]
    env = {**os.environ, "STATION_CONFIG": str(tmp_path / "station.toml")}
    (tmp_path / "station.toml").write_text("")
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    assert child.stdout is not None
    assert child.stdout.readline().startswith("[connected]")
    port.send(b"]C10109501101020917\x1d21SN12345\r5901234123458\r")
    output, _ = child.communicate(timeout=10)
    gs1, bad = [line for line in output.splitlines() if not line.startswith("[")]
    assert "symbology=]C1  gs1" in gs1 and "gtin=09501101020917" in gs1 and "serial=SN12345" in gs1
    assert "rejected" in bad and "expected 7" in bad
    assert child.returncode == 0


def test_station_devices_list_runs() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "app", "devices", "list"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert done.stdout.strip()
