"""Every scan gets its row in the scan log, however bad, and no scan raises out of a bench:
a lone surrogate, a read of megabytes, a bug inside the workflow, a PIN typed at F2."""

import hashlib
import itertools
import logging

import pytest
from sqlalchemy import func, select

from station.feedback import Tone
from station.recording import RAW_KEPT, scanned
from station.returns.bench import ReturnsBench
from station.scans import Scan
from station.states import ScanOutcome
from station.store.engine import Store
from station.store.schema import AuditEntry, ReturnUnit, ScanRecord

_clock = itertools.count(5000, 2)


def take(bench: ReturnsBench, raw: str, source: str = "wedge") -> Tone:
    return bench.handle(Scan(raw, source=source, at=float(next(_clock)))).tone


def logged(store: Store) -> list[ScanRecord]:
    with store.read() as session:
        return list(session.scalars(select(ScanRecord).order_by(ScanRecord.id)))


def test_a_lone_surrogate_is_logged_as_a_rejected_scan(store: Store, bench: ReturnsBench) -> None:
    said = bench.handle(Scan("RMA-1\ud800"))

    assert said.tone is Tone.BAD and said.stored
    (row,) = logged(store)
    assert (row.raw, row.outcome, row.raw_length) == ("RMA-1\\ud800", ScanOutcome.REJECTED, 6)


def test_a_gs1_code_with_an_empty_value_is_logged_as_unreadable(
    store: Store, bench: ReturnsBench
) -> None:
    said = bench.handle(Scan("010590123412345730|10X"))

    assert said.message == "Unreadable GS1 code: AI 30 has no value."
    (row,) = logged(store)
    assert (row.outcome, row.message) == (ScanOutcome.REJECTED, said.message)


def test_a_read_of_megabytes_is_logged_by_its_start_length_and_hash(
    store: Store, bench: ReturnsBench
) -> None:
    raw = "RMA-" + "7" * 5_000_000

    said = bench.handle(Scan(raw))

    assert said.tone is Tone.BAD and said.message.startswith("Scan too long (5000004 characters")
    assert len(said.message) < 200  # the duplicate note and the screen name it by its start
    (row,) = logged(store)
    assert row.raw == raw[:RAW_KEPT]
    assert row.raw_length == len(raw)
    assert row.raw_sha256 == hashlib.sha256(raw.encode()).hexdigest()
    assert scanned(row) == raw[:RAW_KEPT] + "… (5,000,004 chars)"


def test_a_read_the_log_keeps_whole_says_nothing_was_cut(store: Store, bench: ReturnsBench) -> None:
    take(bench, "\x07" * RAW_KEPT)

    (row,) = logged(store)
    assert scanned(row) == row.raw == "\\x07" * RAW_KEPT


def test_a_scan_the_bench_breaks_on_is_logged_as_failed_and_changes_nothing(
    store: Store,
    bench: ReturnsBench,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with store.read() as session:
        units_before = session.scalar(select(func.count()).select_from(ReturnUnit))
    take(bench, "BADGE-1001")
    take(bench, "4000000000006")  # no RMA has it: TRIAGE would open an unexpected return
    memory = bench.mem

    def broken(*_: object, **__: object) -> None:
        raise KeyError("a bug in the workflow")

    monkeypatch.setattr(bench, "audit", broken)  # after the unit is made and remembered
    with caplog.at_level(logging.ERROR, logger="station.bench"):
        said = bench.handle(Scan("@TRIAGE", at=float(next(_clock))))

    assert said.tone is Tone.BAD and said.stored
    assert said.message.startswith("The station failed on this scan and changed nothing")
    assert bench.mem == memory and bench.operator is not None
    row = logged(store)[-1]
    assert (row.raw, row.outcome, row.operator) == ("@TRIAGE", ScanOutcome.FAILED, "BADGE-1001")
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(ReturnUnit)) == units_before
    (record,) = [r for r in caplog.records if r.exc_info]
    assert "@TRIAGE" in record.getMessage() and "a bug in the workflow" in caplog.text


def test_a_classifier_that_breaks_still_gets_the_scan_logged(
    store: Store, bench: ReturnsBench, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_: Scan) -> None:
        raise ValueError("a bug in the classifier")

    monkeypatch.setattr(bench.classifier, "classify", broken)

    assert take(bench, "RMA-10004") is Tone.BAD
    (row,) = logged(store)
    assert (row.raw, row.outcome) == ("RMA-10004", ScanOutcome.FAILED)


@pytest.mark.parametrize(
    ("pin", "source", "signed_in"),
    [
        ("1111", "keyboard", "BADGE-1001"),  # typed at F2
        ("9999", "keyboard", None),
        ("482913", "wedge", "BADGE-1002"),  # typed so fast on the sign-in page it was a scan
        ("0000", "wedge", None),
    ],
)
def test_digits_typed_with_nobody_signed_in_are_a_pin_never_logged(
    store: Store, bench: ReturnsBench, pin: str, source: str, signed_in: str | None
) -> None:
    take(bench, f" {pin} ", source=source)

    assert bench.operator is None if signed_in is None else bench.operator.badge == signed_in
    (row,) = logged(store)
    assert row.raw == "PIN" and pin not in row.message
    assert row.outcome is (ScanOutcome.ACCEPTED if signed_in else ScanOutcome.REFUSED)
    with store.read() as session:
        details = [str(e.detail) + e.subject for e in session.scalars(select(AuditEntry))]
    assert not any(pin in detail for detail in details)


@pytest.mark.parametrize(("code", "source"), [("96385074", "wedge"), ("1111", "serial")])
def test_digits_scanned_with_nobody_signed_in_are_a_code_not_a_pin(
    store: Store, bench: ReturnsBench, code: str, source: str
) -> None:
    take(bench, code, source=source)  # a GTIN-8 at the wedge; nobody types at a serial port

    (row,) = logged(store)
    assert (row.raw, row.outcome) == (code, ScanOutcome.REFUSED)


def test_a_pin_at_f2_past_the_lockout_is_logged_too(store: Store, bench: ReturnsBench) -> None:
    for _ in range(6):
        take(bench, "9999", source="keyboard")

    rows = logged(store)
    assert [r.raw for r in rows] == ["PIN"] * 6
    assert rows[-1].message.startswith("Too many wrong PINs")


def test_a_pin_the_bench_breaks_on_is_masked_in_both_logs(
    store: Store,
    bench: ReturnsBench,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*_: object) -> None:
        raise RuntimeError("a bug in the PIN check")

    monkeypatch.setattr("station.bench.by_pin", broken)
    with caplog.at_level(logging.ERROR, logger="station.bench"):
        assert take(bench, "482913", source="keyboard") is Tone.BAD

    (row,) = logged(store)
    assert (row.raw, row.outcome) == ("PIN attempt (6 digits)", ScanOutcome.FAILED)
    assert "482913" not in caplog.text and "PIN attempt (6 digits)" in caplog.text
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(ScanRecord)) == 1
