"""Labels the benches queue come out of a loopback printer as labels that scan back."""

import itertools
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
import zxingcpp
from fake_printer import LoopbackPrinter
from label_render import ZplJob
from PIL import Image
from sqlalchemy import select

from devices.label_jobs import zpl_renderer
from devices.print_queue import PrintQueue
from devices.printers import RawTcpPrinter
from station.receiving.bench import ReceivingBench
from station.returns.bench import ReturnsBench
from station.scans import Scan
from station.settings import Settings
from station.states import LabelJobState
from station.store.engine import Store
from station.store.schema import LabelJob

FOUR_BY_SIX = (101.6, 152.4)


@pytest.fixture
def printer() -> Iterator[LoopbackPrinter]:
    started = LoopbackPrinter()
    yield started
    started.close()


_clock = itertools.count(1000, 2)


def record(bench: ReturnsBench | ReceivingBench, *raws: str) -> None:
    """Scans two seconds apart, as an inspector makes them."""
    for raw in raws:
        bench.handle(Scan(raw, at=float(next(_clock))))


def test_a_restock_and_a_triage_print_labels_that_scan_back(
    bench: ReturnsBench,
    store: Store,
    printer: LoopbackPrinter,
    zpl_to_png: Callable[[Sequence[ZplJob]], list[Image.Image]],
) -> None:
    record(bench, "BADGE-1001", "RMA-10004", "5907725452020", "@YES", "@NO")
    record(bench, "@NO", "@NO", "@GRADE-A", "@CONFIRM")
    record(bench, "4009999999995", "@TRIAGE", "@CONFIRM")
    queue = PrintQueue(
        store, bench.bench_id, RawTcpPrinter("127.0.0.1", printer.port), zpl_renderer(203)
    )
    assert queue.run_once() == 2
    unit_zpl, triage_zpl = (job.decode() for job in printer.wait_jobs(2))
    with store.read() as session:
        lpns = [job.data["lpn"] for job in session.scalars(select(LabelJob).order_by(LabelJob.id))]
        assert [job.status for job in session.scalars(select(LabelJob))] == [
            LabelJobState.PRINTED,
            LabelJobState.PRINTED,
        ]
    unit_image, triage_image = zpl_to_png(
        [(unit_zpl, *FOUR_BY_SIX, 203), (triage_zpl, *FOUR_BY_SIX, 203)]
    )
    on_unit = {code.text for code in zxingcpp.read_barcodes(unit_image)}
    assert lpns[0] in on_unit
    # Where the unit goes travels with it: in big type and in bars for the putaway scan.
    assert "LOC-RESTOCK" in on_unit
    assert "^A0N,80,80^FB719,1,0,L,0^FH^FDLOC-RESTOCK^FS" in unit_zpl
    assert "5907725452020" in on_unit
    on_triage = {code.text for code in zxingcpp.read_barcodes(triage_image)}
    assert on_triage == {lpns[1]}


def test_a_receiving_plate_prints_a_label_that_scans_back(
    store: Store,
    tmp_path: Path,
    printer: LoopbackPrinter,
    zpl_to_png: Callable[[Sequence[ZplJob]], list[Image.Image]],
) -> None:
    receiving = ReceivingBench(store, Settings(), tmp_path / "photos")
    record(receiving, "BADGE-2001", "ASN-200001", "@NEW-LPN")
    queue = PrintQueue(
        store, receiving.bench_id, RawTcpPrinter("127.0.0.1", printer.port), zpl_renderer(203)
    )
    assert queue.run_once() == 1
    (zpl,) = (job.decode() for job in printer.wait_jobs(1))
    (image,) = zpl_to_png([(zpl, *FOUR_BY_SIX, 203)])
    assert {code.text for code in zxingcpp.read_barcodes(image)} == {receiving.view().plate}
    assert "ASN-200001" in zpl
