"""The table models: valid Qt models (pytest-qt's model tester) showing the right rows."""

from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.modeltest import ModelTester

from station.feedback import Tone
from station.recording import RAW_KEPT
from station.returns.bench import ReturnsBench
from station.rulepack import load_rulepack
from station.scans import Scan
from station.settings import Settings
from station.store.engine import Store
from ui.models import LabelJobModel, ScanLogModel, StoreTableModel, TriageQueueModel
from ui.style import TONE_COLOURS

pytestmark = pytest.mark.gui

RESTOCK = ("RMA-10004", "5907725452020", "@YES", "@NO", "@SKIP", "@NO", "@GRADE-A")
TRIAGE = ("4000000000006", "@TRIAGE")


def work_a_shift(store: Store, photos: Path) -> None:
    """A restock, a parcel sent to triage with notes, and a misread barcode."""
    bench = ReturnsBench(store, Settings(), load_rulepack(), photos)
    codes = ("BADGE-1001", *RESTOCK, "@CONFIRM", "@CONFIRM", "5901234123458", *TRIAGE)
    for second, code in enumerate(codes):
        bench.handle(Scan(code, at=float(second)))
    bench.save_notes("no paperwork\nin the box")
    bench.handle(Scan("@CONFIRM", at=100.0))


def models(store: Store, bench: str = "BENCH-01") -> list[StoreTableModel]:
    return [
        TriageQueueModel(store, bench),
        LabelJobModel(store, bench, printer_set=True),
        ScanLogModel(store, bench),
    ]


def column(model: StoreTableModel, name: str) -> list[str]:
    index = model.headers.index(name)
    return [model.data(model.index(row, index)) for row in range(model.rowCount())]


def test_empty_models_are_valid(qtmodeltester: ModelTester, store: Store) -> None:
    for model in models(store):
        model.refresh()
        qtmodeltester.check(model)
        assert model.rowCount() == 0
        assert model.columnCount() == len(model.headers)
        assert model.rowCount(model.index(0, 0)) == 0


def test_models_after_a_shift(qtmodeltester: ModelTester, store: Store, tmp_path: Path) -> None:
    work_a_shift(store, tmp_path)
    triage, labels, scans = models(store)
    for model in (triage, labels, scans):
        model.refresh()
        qtmodeltester.check(model)

    assert column(triage, "Scanned") == ["4000000000006"]
    assert column(triage, "Notes") == ["no paperwork in the box"]
    assert column(triage, "LPN") == ["LPN-BENCH-01-000002"]
    assert column(labels, "LPN") == ["LPN-BENCH-01-000002", "LPN-BENCH-01-000001"]
    assert labels.queued == 2
    assert column(scans, "Scanned")[:3] == ["@CONFIRM", "@TRIAGE", "4000000000006"]
    outcomes = column(scans, "Outcome")
    rejected = outcomes.index("rejected")
    assert column(scans, "Scanned")[rejected] == "5901234123458"
    assert column(scans, "Message")[rejected].startswith("Check digit wrong in 5901234123458")
    brush = scans.data(scans.index(rejected, 0), Qt.ItemDataRole.ForegroundRole)
    assert brush.color().name() == TONE_COLOURS[Tone.BAD]
    assert scans.data(scans.index(0, 0), Qt.ItemDataRole.ForegroundRole) is None
    assert scans.headerData(1, Qt.Orientation.Horizontal) == "Outcome"
    assert scans.data(QModelIndex()) is None


def test_label_jobs_are_per_bench(store: Store, tmp_path: Path) -> None:
    work_a_shift(store, tmp_path)
    _triage, labels, scans = models(store, bench="BENCH-02")
    labels.refresh()
    scans.refresh()
    assert (labels.rowCount(), labels.queued, scans.rowCount()) == (0, 0, 0)


def test_a_table_out_of_sight_counts_and_reads_its_rows_when_it_comes_into_sight(
    store: Store, tmp_path: Path
) -> None:
    work_a_shift(store, tmp_path)
    triage, labels, scans = models(store)
    for model in (triage, labels, scans):
        model.sight(False)
        model.refresh()
    # Out of sight, no rows are read, but the counts beside the tables are current.
    assert (triage.rowCount(), labels.rowCount(), scans.rowCount()) == (0, 0, 0)
    assert (triage.waiting, labels.queued) == (1, 2)
    scans.sight(True)  # its tab is opened
    assert column(scans, "Scanned")[:2] == ["@CONFIRM", "@TRIAGE"]
    before = scans.rowCount()
    ReturnsBench(store, Settings(), load_rulepack(), tmp_path).handle(Scan("@YES", at=200.0))
    scans.sight(True)  # already in sight and read: nothing is read again until a refresh
    assert scans.rowCount() == before
    scans.refresh()
    assert scans.rowCount() == before + 1


def test_the_scan_log_shows_the_start_of_a_huge_read_and_says_it_was_cut(
    store: Store, tmp_path: Path
) -> None:
    bench = ReturnsBench(store, Settings(), load_rulepack(), tmp_path)
    bench.handle(Scan("A" * 50_000_000, at=1.0))
    bench.handle(Scan("RMA-1\ud800", at=2.0))
    scans = ScanLogModel(store, "BENCH-01")
    scans.refresh()
    assert column(scans, "Scanned") == [
        "RMA-1\\ud800",
        "A" * RAW_KEPT + "… (50,000,000 chars)",
    ]
    assert column(scans, "Outcome") == ["rejected", "rejected"]


def test_a_scan_the_station_failed_on_shows_red(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bench = ReturnsBench(store, Settings(), load_rulepack(), tmp_path)

    def broken(_: Scan) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(bench.classifier, "classify", broken)
    bench.handle(Scan("RMA-10004", at=1.0))
    scans = ScanLogModel(store, "BENCH-01")
    scans.refresh()
    assert column(scans, "Outcome") == ["failed"]
    brush = scans.data(scans.index(0, 0), Qt.ItemDataRole.ForegroundRole)
    assert brush.color().name() == TONE_COLOURS[Tone.BAD]
