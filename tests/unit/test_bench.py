"""What both benches write the same way: an audit entry signed at the bench, and a photo."""

import hashlib
import itertools
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from fake_photos import photo_at
from receiving_data import ASN, add_test_receipt
from sqlalchemy import select

import station.bench
from station.feedback import Tone
from station.operators import PIN_LOCKOUT, by_badge
from station.receiving.bench import ReceivingBench
from station.recording import audit_work, utcnow
from station.returns.bench import ReturnsBench
from station.rulepack import RulePack, load_rulepack
from station.scans import Scan
from station.settings import Settings
from station.store.engine import Store
from station.store.schema import AuditEntry, Photo, PinFailure, ReturnUnit

_clock = itertools.count(1000, 2)
AnyBench = ReturnsBench | ReceivingBench
BenchAt = tuple[AnyBench, str, str]  # a bench waiting for a photo, its badge, subject


def scan(bench: AnyBench, *raws: str) -> None:
    for raw in raws:
        bench.handle(Scan(raw, at=float(next(_clock))))


def returns_wanting_a_photo(store: Store, photos: Path) -> BenchAt:
    bench = ReturnsBench(store, Settings(), load_rulepack(), photos)
    scan(bench, "BADGE-1001", "4000000000006", "@TRIAGE")
    assert bench.mem.unit_id is not None
    return bench, "BADGE-1001", bench.mem.unit_id


def receiving_wanting_a_photo(store: Store, photos: Path) -> BenchAt:
    goods = add_test_receipt(store, date.today())
    bench = ReceivingBench(store, Settings(), photos, date.today)
    scan(bench, "BADGE-2001", ASN, "@NEW-LPN", goods.over_ok.gtin, "@DAMAGED")
    with store.read() as session:
        damaged = bench.goods.pending_damage(session)
    assert damaged is not None
    return bench, "BADGE-2001", str(damaged.id)


BENCHES = pytest.mark.parametrize(
    "wanting", [returns_wanting_a_photo, receiving_wanting_a_photo], ids=["returns", "receiving"]
)


def audited(store: Store, action: str) -> list[AuditEntry]:
    with store.read() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


@BENCHES
def test_a_photo_is_kept_and_audited_the_same_way_at_both_benches(
    wanting: Callable[[Store, Path], BenchAt], store: Store, tmp_path: Path
) -> None:
    bench, badge, subject = wanting(store, tmp_path / "photos")
    photo = photo_at(tmp_path / "Damage.JPG")

    said = bench.add_photo(photo)

    assert (said.tone, said.message) == (Tone.GOOD, "Photo added (Damage.JPG).")
    with store.read() as session:
        (kept,) = session.scalars(select(Photo))
        kept_path, sha256 = Path(kept.path), kept.sha256
    assert kept_path.parent.parent == tmp_path / "photos" and kept_path.suffix == ".jpg"
    assert kept_path.read_bytes() == photo.read_bytes()
    assert sha256 == hashlib.sha256(photo.read_bytes()).hexdigest()
    (entry,) = audited(store, "photo_added")
    assert (entry.bench, entry.operator, entry.subject) == ("BENCH-01", badge, subject)
    assert entry.detail == {"file": kept_path.name}


@BENCHES
def test_a_photo_that_cannot_be_read_is_neither_kept_nor_audited(
    wanting: Callable[[Store, Path], BenchAt], store: Store, tmp_path: Path
) -> None:
    bench, _, _ = wanting(store, tmp_path / "photos")

    said = bench.add_photo(tmp_path / "gone.jpg")

    assert said.tone is Tone.BAD and said.message.startswith("The photo was not kept:")
    with store.read() as session:
        assert list(session.scalars(select(Photo))) == []
    assert audited(store, "photo_added") == []


@BENCHES
def test_a_file_that_is_not_a_photo_is_refused_with_why_and_not_kept(
    wanting: Callable[[Store, Path], BenchAt], store: Store, tmp_path: Path
) -> None:
    bench, _, _ = wanting(store, tmp_path / "photos")
    notes = tmp_path / "passwd.jpg"
    notes.write_text("root:x:0:0:root:/root:/bin/bash\n")

    said = bench.add_photo(notes)

    assert said.tone is Tone.BAD
    assert said.message.startswith("The photo was not kept: passwd.jpg is not a photo")
    assert not any((tmp_path / "photos").rglob("*.*"))
    with store.read() as session:
        assert list(session.scalars(select(Photo))) == []
    assert audited(store, "photo_added") == []


def test_the_bench_signs_an_audit_entry_with_its_id_and_operator(
    store: Store, pack: RulePack, tmp_path: Path
) -> None:
    bench = ReturnsBench(store, Settings().with_values(bench__id="BENCH-07"), pack, tmp_path)
    scan(bench, "BADGE-1001")
    with store.unit() as session:
        bench.audit(session, "checked", "shelf 4", note="by the operator")
        bench.audit(session, "checked", "shelf 5", by="BADGE-9001")
    entries = audited(store, "checked")
    assert [(e.bench, e.operator, e.subject, e.detail) for e in entries] == [
        ("BENCH-07", "BADGE-1001", "shelf 4", {"note": "by the operator"}),
        ("BENCH-07", "BADGE-9001", "shelf 5", {}),
    ]


def test_work_is_audited_at_the_bench_that_works_it(store: Store, bench: ReturnsBench) -> None:
    scan(bench, "BADGE-1001", "4000000000006", "@TRIAGE")
    with store.unit() as session:
        unit = session.get(ReturnUnit, bench.mem.unit_id)
        assert unit is not None
        unit.bench = "BENCH-02"  # a unit started elsewhere, approved here
        audit_work(session, unit, "BADGE-3001", "approved", what="a costly write-off")
    (entry,) = audited(store, "approved")
    assert (entry.bench, entry.operator, entry.subject) == ("BENCH-02", "BADGE-3001", unit.id)
    assert entry.detail == {"what": "a costly write-off"}


WRONG_PINS = ("0001", "0002", "0003", "0004", "0005")


def pin_failures(store: Store) -> list[PinFailure]:
    with store.read() as session:
        return list(session.scalars(select(PinFailure).order_by(PinFailure.id)))


def test_the_pin_lockout_outlives_a_restart(store: Store, pack: RulePack, tmp_path: Path) -> None:
    bench = ReturnsBench(store, Settings(), pack, tmp_path)
    for wrong in WRONG_PINS:
        assert bench.sign_in_pin(wrong).message == "PIN not recognised."
    restarted = ReturnsBench(store, Settings(), pack, tmp_path)
    locked = restarted.sign_in_pin("1111")
    assert locked.tone is Tone.BAD and "Too many wrong PINs" in locked.message
    assert restarted.operator is None


def test_both_modes_count_the_station_s_wrong_pins_together(
    store: Store, pack: RulePack, tmp_path: Path
) -> None:
    returns = ReturnsBench(store, Settings(), pack, tmp_path)
    receiving = ReceivingBench(store, Settings(), tmp_path, date.today)
    for wrong in WRONG_PINS[:3]:
        returns.sign_in_pin(wrong)
    for wrong in WRONG_PINS[3:]:
        receiving.sign_in_pin(wrong)
    for bench, pin in ((receiving, "2222"), (returns, "1111")):
        assert "Too many wrong PINs" in bench.sign_in_pin(pin).message
        assert bench.operator is None
    assert [f.mode for f in pin_failures(store)] == ["returns"] * 3 + ["receiving"] * 2


def test_a_right_pin_ends_the_count_and_the_tries_stay_for_the_audit(
    store: Store, bench: ReturnsBench
) -> None:
    for wrong in WRONG_PINS[:4]:
        bench.sign_in_pin(wrong)
    assert bench.sign_in_pin("1111").tone is Tone.GOOD
    bench.sign_out()
    for wrong in WRONG_PINS[:4]:
        bench.sign_in_pin(wrong)
    assert bench.sign_in_pin("1111").tone is Tone.GOOD
    tries = pin_failures(store)
    assert [(f.bench, f.counted) for f in tries] == [("BENCH-01", False)] * 8


def test_the_lockout_ends_after_its_minutes(
    bench: ReturnsBench, monkeypatch: pytest.MonkeyPatch
) -> None:
    for wrong in WRONG_PINS:
        bench.sign_in_pin(wrong)
    later = utcnow() + PIN_LOCKOUT + timedelta(seconds=1)
    monkeypatch.setattr(station.bench, "utcnow", lambda: later)
    assert bench.sign_in_pin("1111").tone is Tone.GOOD


@pytest.mark.parametrize(
    "case",  # who, whether the bench switched to takes them, and which bench that is
    [
        ("BADGE-2001", False, "returns"),
        ("BADGE-1001", False, "receiving"),
        ("BADGE-3001", True, "returns"),
        ("BADGE-3001", True, "receiving"),
    ],
    ids=["clerk-to-returns", "inspector-to-receiving", "supervisor-to-returns", "to-receiving"],
)
def test_a_mode_switch_carries_over_only_an_operator_the_new_bench_s_roles_allow(
    store: Store, pack: RulePack, tmp_path: Path, case: tuple[str, bool, str]
) -> None:
    badge, carried, kept = case
    returns = ReturnsBench(store, Settings(), pack, tmp_path)
    receiving = ReceivingBench(store, Settings(), tmp_path, date.today)
    left, joined = (receiving, returns) if kept == "returns" else (returns, receiving)
    with store.read() as session:
        operator = by_badge(session, badge)
    left.operator = operator  # signed in where their role allows, by whatever way
    said = joined.adopt(left.hand_over())
    assert left.operator is None
    assert (joined.operator == operator) is carried
    if not carried:
        assert said is not None and said.tone is Tone.WARN
        assert f"may not work the {kept} bench" in said.message
