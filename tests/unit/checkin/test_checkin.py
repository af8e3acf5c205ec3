"""The dock's check-in: one scan of a parcel's code marks it arrived and prints its tag;
no RMA found tags it for triage; a second scan of one parcel is refused; the backlog the
bench shows is ordered by what waiting costs."""

import itertools

import pytest
from sqlalchemy import select

from station.checkin.bench import CheckinBench
from station.feedback import Tone
from station.returns.bench import ReturnsBench
from station.rulepack import RulePack
from station.scans import Scan
from station.settings import Settings
from station.store.engine import Store
from station.store.schema import AuditEntry, LabelJob, Parcel

_clock = itertools.count(1000, 10)


@pytest.fixture
def dock(store: Store, pack: RulePack) -> CheckinBench:
    bench = CheckinBench(store, Settings({"bench.id": "DOCK-1"}), lambda: pack)
    assert bench.handle(Scan("BADGE-2001", at=float(next(_clock)))).tone is Tone.GOOD
    return bench


def scan(bench: CheckinBench, code: str) -> tuple[Tone, str]:
    said = bench.handle(Scan(code, at=float(next(_clock))))
    return said.tone, said.message


def test_a_tracking_number_checks_its_rma_in_and_prints_a_tag(dock: CheckinBench) -> None:
    assert scan(dock, "TBA067832201915") == (
        Tone.GOOD, "RMA-10004 checked in, tagged PCL-DOCK-1-000001. Next parcel."
    )  # fmt: skip
    with dock.store.read() as session:
        parcel = session.get_one(Parcel, "PCL-DOCK-1-000001")
        job = session.scalars(select(LabelJob).order_by(LabelJob.id.desc())).first()
        audited = session.scalars(select(AuditEntry.action)).all()
    assert (parcel.rma_number, parcel.scanned, parcel.bench) == (
        "RMA-10004", "TBA067832201915", "DOCK-1"
    )  # fmt: skip
    assert parcel.operator == "BADGE-2001" and parcel.pulled_at is None
    assert job is not None and job.template == "parcel"
    assert job.data["tag"] == "PCL-DOCK-1-000001" and job.data["rma"] == "RMA-10004"
    assert "parcel_checked_in" in audited


def test_an_order_number_or_an_rma_checks_in_too_and_no_rma_means_triage(
    dock: CheckinBench,
) -> None:
    assert scan(dock, "WEB-0684112")[1].startswith("RMA-10012 checked in")
    assert scan(dock, "RMA-10001")[1].startswith("RMA-10001 checked in")
    tone, said = scan(dock, "1Z999AA10123456784")
    assert tone is Tone.WARN
    assert (
        said
        == "No RMA found for 1Z999AA10123456784: tagged PCL-DOCK-1-000003 for triage. Next parcel."
    )
    with dock.store.read() as session:
        job = session.scalars(select(LabelJob).order_by(LabelJob.id.desc())).first()
    assert job is not None and job.data["note"] == "No RMA found: to triage"


def test_a_parcel_scanned_twice_is_refused_and_print_prints_its_tag_again(
    dock: CheckinBench,
) -> None:
    assert scan(dock, "@PRINT") == (
        Tone.BAD, "No parcel tag printed here yet: scan a parcel first."
    )  # fmt: skip
    scan(dock, "TBA067832201915")
    scan(dock, "RMA-10012")  # another parcel in between
    tone, said = scan(dock, "TBA067832201915")
    assert tone is Tone.WARN
    assert said == (
        "TBA067832201915 was checked in already, tagged PCL-DOCK-1-000001: "
        "PRINT prints its tag again."
    )
    assert scan(dock, "@PRINT") == (Tone.GOOD, "Tag PCL-DOCK-1-000001 printing again.")
    with dock.store.read() as session:
        tags = session.scalars(select(LabelJob).where(LabelJob.template == "parcel")).all()
        assert len(tags) == 3 and len(session.scalars(select(Parcel)).all()) == 2


def test_an_item_barcode_is_not_a_parcel_and_a_command_does_nothing(dock: CheckinBench) -> None:
    assert scan(dock, "5907725452020") == (
        Tone.BAD,
        "That is an item barcode: at the check-in, scan the parcel's tracking number, RMA "
        "or order number.",
    )
    assert scan(dock, "@GRADE-A")[0] is Tone.BAD


def test_another_badge_signs_the_next_clerk_in(dock: CheckinBench) -> None:
    assert scan(dock, "BADGE-2002")[0] is Tone.GOOD
    assert dock.operator is not None and dock.operator.name == "Chloe Martin"


def test_the_view_shows_the_backlog_losing_most_first_and_todays_check_ins(
    dock: CheckinBench,
) -> None:
    for code in ("RMA-10001", "RMA-10012", "1Z999AA10123456784", "RMA-10004"):
        scan(dock, code)
    view = dock.view()
    assert [w.rma for w in view.backlog] == ["RMA-10012", "RMA-10004", "RMA-10001", None]
    assert view.waiting == 4
    assert view.losing_cents == pytest.approx(sum(w.losing_cents for w in view.backlog))
    assert view.arrived[0].scanned == "RMA-10004"  # the newest first


def returns_scan(bench: ReturnsBench, code: str) -> tuple[Tone, str]:
    said = bench.handle(Scan(code, at=float(next(_clock))))
    return said.tone, said.message


def test_the_returns_bench_says_what_to_pull_next_and_its_tag_pulls_it(
    dock: CheckinBench, bench: ReturnsBench
) -> None:
    scan(dock, "RMA-10004")
    scan(dock, "RMA-10012")
    returns_scan(bench, "BADGE-1001")
    assert bench.view().next_parcel == (
        "Next parcel to pull: PCL-DOCK-1-000002 (RMA-10012), worth about €372, "
        "losing about €2 a day."
    )
    assert returns_scan(bench, "PCL-DOCK-1-000002") == (
        Tone.GOOD, "RMA-10012: scan the item to confirm it."
    )  # fmt: skip
    with bench.store.read() as session:
        pulled = session.get_one(Parcel, "PCL-DOCK-1-000002")
        assert pulled.pulled_at is not None and pulled.pulled_by == "BENCH-01"
    assert dock.view().waiting == 1
    assert returns_scan(bench, "PCL-DOCK-1-000099") == (
        Tone.BAD, "No parcel is tagged PCL-DOCK-1-000099 at this station."
    )  # fmt: skip


def test_a_unit_started_from_its_rma_pulls_its_parcel_and_a_tag_with_no_rma_goes_to_triage(
    dock: CheckinBench, bench: ReturnsBench
) -> None:
    scan(dock, "TBA067832201915")  # RMA-10004
    scan(dock, "1Z999AA10123456784")  # no RMA
    for code in ("BADGE-1001", "RMA-10004", "5907725452020"):
        returns_scan(bench, code)
    assert bench.busy()
    with bench.store.read() as session:
        assert session.get_one(Parcel, "PCL-DOCK-1-000001").pulled_at is not None
    returns_scan(bench, "@CANCEL")
    returns_scan(bench, "@CANCEL")
    tone, said = returns_scan(bench, "PCL-DOCK-1-000002")
    assert tone is Tone.WARN and said.startswith("PCL-DOCK-1-000002 came with no RMA")
    assert returns_scan(bench, "@TRIAGE")[1].startswith("Unexpected return: add notes")
    assert bench.view().next_parcel is None  # the backlog is empty


def test_a_second_box_of_one_rma_is_tagged_as_such_and_its_worth_counted_once(
    dock: CheckinBench, bench: ReturnsBench
) -> None:
    scan(dock, "TBA067832201915")  # RMA-10004 by its tracking number
    tone, said = scan(dock, "RMA-10004")  # the same RMA again: a second box
    assert tone is Tone.WARN
    assert said == (
        "RMA-10004 has a parcel waiting already (PCL-DOCK-1-000001): this one is tagged "
        "PCL-DOCK-1-000002 as a second box of it. Next parcel."
    )
    view = dock.view()
    first, second = sorted(view.backlog, key=lambda w: w.tag)
    assert first.worth_cents > 0 and second.worth_cents == 0
    assert view.worth_cents == first.worth_cents
    for code in ("BADGE-1001", "RMA-10004", "5907725452020"):  # started from the RMA
        returns_scan(bench, code)
    with bench.store.read() as session:
        assert session.get_one(Parcel, "PCL-DOCK-1-000001").pulled_at is not None
        assert session.get_one(Parcel, "PCL-DOCK-1-000002").pulled_at is None  # not opened
