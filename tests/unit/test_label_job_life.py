"""The life of a label job: every move it can make, and the ones it must not."""

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from station import label_jobs
from station.label_jobs import PrinterShare
from station.states import LabelJobState
from station.store.engine import Store
from station.store.schema import LabelJob

NOW = datetime(2026, 3, 2, 9, 30)
BENCH = "BENCH-01"
MAIN = PrinterShare(BENCH, leaving=frozenset({"bin"}))


def queue(store: Store, *purposes: str, bench: str = BENCH) -> list[int]:
    with store.unit() as session:
        for n, purpose in enumerate(purposes):
            label_jobs.queue_label(session, bench=bench, template=purpose, data={"lpn": f"L{n}"})
    with store.read() as session:
        return list(session.scalars(select(LabelJob.id).order_by(LabelJob.id)))


def job(store: Store, job_id: int) -> LabelJob:
    with store.read() as session:
        found = session.get(LabelJob, job_id)
        assert found is not None
        return found


def stored_status(store: Store, job_id: int) -> str:
    """The text on disk, as the store held it before the states were typed."""
    with store.read() as session:
        status: str = session.execute(
            text("SELECT status FROM label_job WHERE id = :id"), {"id": job_id}
        ).scalar_one()
        return status


def test_a_queued_job_waits_for_its_printer(store: Store) -> None:
    (queued,) = queue(store, "return-unit")
    got = job(store, queued)
    assert (got.status, got.attempts, got.bench, got.data) == (
        LabelJobState.QUEUED,
        0,
        BENCH,
        {"lpn": "L0"},
    )
    assert stored_status(store, queued) == "queued"


def test_the_next_due_is_the_oldest_queued_job_the_printer_takes(store: Store) -> None:
    unit, bin_label, triage = queue(store, "return-unit", "bin", "triage")
    queue(store, "return-unit", bench="BENCH-02")
    small = PrinterShare(BENCH, purposes=frozenset({"bin"}))
    with store.unit() as session:
        assert _next(session, MAIN) == unit
        assert _next(session, small) == bin_label
        label_jobs.claim(session, unit)
        assert _next(session, MAIN) == triage, "a job being sent is not due again"


def test_a_job_waiting_for_its_next_try_is_not_due_before_it(store: Store) -> None:
    (queued,) = queue(store, "return-unit")
    with store.unit() as session:
        label_jobs.claim(session, queued)
        label_jobs.not_sent(session, queued, "printer cannot be reached", NOW)
    with store.read() as session:
        assert label_jobs.next_due(session, MAIN, NOW + timedelta(seconds=1)) is None
        assert _next(session, MAIN, NOW + timedelta(seconds=2)) == queued


def _next(session: Session, share: PrinterShare, now: datetime = NOW) -> int | None:
    due = label_jobs.next_due(session, share, now)
    return due.id if due else None


def test_claimed_then_printed(store: Store) -> None:
    (queued,) = queue(store, "return-unit")
    with store.unit() as session:
        label_jobs.claim(session, queued)
    assert (job(store, queued).status, job(store, queued).attempts) == (LabelJobState.SENDING, 1)
    assert stored_status(store, queued) == "sending"
    with store.unit() as session:
        label_jobs.printed(session, queued, NOW)
    got = job(store, queued)
    assert (got.status, got.printed_at, got.last_error) == (LabelJobState.PRINTED, NOW, None)
    assert stored_status(store, queued) == "printed"


def test_a_printer_away_queues_the_job_again_later_each_time_longer(store: Store) -> None:
    (queued,) = queue(store, "return-unit")
    waits = []
    for _ in range(10):
        with store.unit() as session:
            label_jobs.claim(session, queued)
            label_jobs.not_sent(session, queued, "printer cannot be reached", NOW)
        got = job(store, queued)
        assert (got.status, got.last_error) == (LabelJobState.QUEUED, "printer cannot be reached")
        assert got.next_attempt_at is not None
        waits.append((got.next_attempt_at - NOW).total_seconds())
    assert waits == [2, 4, 8, 16, 32, 64, 128, 256, 300, 300]
    assert job(store, queued).attempts == 10


def test_a_sending_broken_off_is_unsure(store: Store) -> None:
    (queued,) = queue(store, "return-unit")
    with store.unit() as session:
        label_jobs.claim(session, queued)
        label_jobs.unsure(session, queued, "the printer stopped answering part way")
    got = job(store, queued)
    assert (got.status, got.last_error) == (
        LabelJobState.UNSURE,
        "the printer stopped answering part way",
    )
    assert stored_status(store, queued) == "unsure"


def test_a_job_no_label_can_carry_fails_without_an_attempt(store: Store) -> None:
    (queued,) = queue(store, "return-unit")
    with store.unit() as session:
        label_jobs.failed(session, queued, "label not made: bad check digit")
    got = job(store, queued)
    assert (got.status, got.attempts, got.last_error) == (
        LabelJobState.FAILED,
        0,
        "label not made: bad check digit",
    )
    assert stored_status(store, queued) == "failed"
    with store.read() as session:
        assert label_jobs.next_due(session, MAIN, NOW) is None


def test_jobs_left_sending_by_a_stopped_station_are_unsure_for_their_printer_only(
    store: Store,
) -> None:
    unit, bin_label = queue(store, "return-unit", "bin")
    with store.unit() as session:
        label_jobs.claim(session, unit)
        label_jobs.claim(session, bin_label)
    with store.unit() as session:
        label_jobs.strand(session, MAIN)
    assert (job(store, unit).status, job(store, unit).last_error) == (
        LabelJobState.UNSURE,
        label_jobs.STRANDED,
    )
    assert job(store, bin_label).status is LabelJobState.SENDING, "the other printer's"


def test_an_unsure_job_is_queued_again_only_when_a_person_asks(store: Store) -> None:
    first, second, printed = queue(store, "return-unit", "triage", "return-unit")
    with store.unit() as session:
        for job_id in (first, second, printed):
            label_jobs.claim(session, job_id)
        label_jobs.unsure(session, first, "broke off")
        label_jobs.unsure(session, second, "broke off")
        label_jobs.printed(session, printed, NOW)
    with store.read() as session:
        assert label_jobs.unsure_jobs(session, BENCH) == [first, second]
        assert label_jobs.unsure_jobs(session, "BENCH-02") == []
        assert label_jobs.next_due(session, MAIN, NOW) is None, "never sent again on its own"
    with store.unit() as session:
        label_jobs.requeue(session, [first, printed])
    assert (job(store, first).status, job(store, first).next_attempt_at) == (
        LabelJobState.QUEUED,
        None,
    )
    assert job(store, second).status is LabelJobState.UNSURE, "not asked for"
    assert job(store, printed).status is LabelJobState.PRINTED, "no longer unsure: left alone"


@pytest.mark.parametrize(
    ("move", "state"),
    [
        (lambda s, j: label_jobs.printed(s, j, NOW), LabelJobState.QUEUED),
        (lambda s, j: label_jobs.not_sent(s, j, "away", NOW), LabelJobState.QUEUED),
        (lambda s, j: label_jobs.unsure(s, j, "broke off"), LabelJobState.QUEUED),
        (label_jobs.claim, LabelJobState.SENDING),
        (lambda s, j: label_jobs.failed(s, j, "bad data"), LabelJobState.SENDING),
        (label_jobs.claim, LabelJobState.PRINTED),
    ],
    ids=[
        "printed-unsent",
        "retry-unsent",
        "unsure-unsent",
        "claim-twice",
        "fail-while-sending",
        "claim-printed",
    ],
)
def test_a_move_from_the_wrong_state_is_refused(
    store: Store, move: Callable[[Session, int], None], state: LabelJobState
) -> None:
    (queued,) = queue(store, "return-unit")
    with store.unit() as session:
        session.get_one(LabelJob, queued).status = state
    with pytest.raises(ValueError, match="is not"), store.unit() as session:
        move(session, queued)
    assert job(store, queued).status is state


def test_the_screen_counts_and_lists_a_bench_s_jobs(store: Store) -> None:
    first, second, third = queue(store, "return-unit", "triage", "bin")
    queue(store, "return-unit", bench="BENCH-02")
    with store.unit() as session:
        label_jobs.claim(session, second)
        label_jobs.unsure(session, second, "broke off")
    with store.read() as session:
        assert label_jobs.count(session, BENCH, LabelJobState.QUEUED) == 2
        assert label_jobs.count(session, BENCH, LabelJobState.UNSURE) == 1
        assert label_jobs.count(session, BENCH, LabelJobState.PRINTED) == 0
        assert [j.id for j in label_jobs.recent(session, BENCH, 10)] == [third, second, first]
        assert [j.id for j in label_jobs.recent(session, BENCH, 2)] == [third, second]


def test_the_last_label_of_a_bench_is_the_one_a_reprint_copies(store: Store) -> None:
    with store.read() as session:
        assert label_jobs.last_label(session, BENCH) is None
    _first, last = queue(store, "return-unit", "triage")
    queue(store, "bin", bench="BENCH-02")
    with store.read() as session:
        found = label_jobs.last_label(session, BENCH)
        assert found is not None and found.id == last
