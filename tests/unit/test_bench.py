"""What both benches write the same way: an audit entry signed at the bench, and a photo."""

import hashlib
import itertools
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from fake_photos import photo_at
from receiving_data import ASN, add_test_receipt
from sqlalchemy import select

from station.feedback import Tone
from station.receiving.bench import ReceivingBench
from station.recording import audit_work
from station.returns.bench import ReturnsBench
from station.rulepack import RulePack, load_rulepack
from station.scans import Scan
from station.settings import Settings
from station.store.engine import Store
from station.store.schema import AuditEntry, Photo, ReturnUnit

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
