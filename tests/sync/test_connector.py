"""The sync cycle against a small upstream held in memory: no Tryton, no network. It pulls
pages of an entity across cursors and resumes after a page cut off, and pushes the
bench's events through every answer an upstream can give, showing that the cycle needs
nothing of an upstream but the ``Connector`` interface."""

import logging
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from station.operators import Role, SignedIn
from station.outbox import (
    DispositionDecided,
    EventKind,
    OutboxRecord,
    PutawayDone,
    ReceiptClosed,
    UnexpectedReturn,
)
from station.recording import emit
from station.rejected_events import mark_handled
from station.states import OutboxStatus
from station.store.engine import Store, open_store
from station.store.schema import Location, OutboxEvent, SyncCursor
from sync.connector import (
    Cursor,
    Later,
    Likeness,
    LogInAgain,
    Outgoing,
    Page,
    Rejected,
    RetryLater,
)
from sync.cycle import SyncStatus, SyncWorker, run_cycle
from sync.pull import ROWS_PER_UNIT
from sync.push import BASE_WAIT, Pusher

PAGE = 2
T0 = datetime(2026, 3, 2, 8, 0)
SUPERVISOR = SignedIn("Sam Supervisor", "BADGE-3001", Role.SUPERVISOR)
REFUSED = "the shelf has no such bin"  # the exception queue has it without its kind


@dataclass
class Shelf:
    """An upstream in memory: bins that change at given times, and a script of answers to
    the events pushed to it (an answer per try; done once the script runs out)."""

    bins: list[dict[str, Any]] = field(default_factory=list)
    answers: dict[str, list[Exception]] = field(default_factory=dict)
    cut_off_at_page: int | None = None  # the upstream goes away when asked for this page
    page: int = PAGE  # rows per page
    fail_at_bin: str | None = None  # the station fails (once) while applying this bin
    applied: list[int] = field(default_factory=list)  # rows per apply, in order
    logged_in: bool = False
    refuse_login: bool = False
    asked: list[Cursor] = field(default_factory=list)  # each page asked for, after what
    pushed: list[tuple[str, bool, int]] = field(default_factory=list)  # event, fresh, alike
    taken: list[str] = field(default_factory=list)  # what the upstream holds, in order
    expected: list[list[str]] = field(default_factory=list)  # each round's events, told ahead

    entities: ClassVar = ("location",)
    kinds: ClassVar = frozenset(
        {
            EventKind.UNEXPECTED_RETURN,
            EventKind.DISPOSITION_DECIDED,
            EventKind.RECEIPT_CLOSED,
            EventKind.PUTAWAY_DONE,
        }
    )

    def change(self, code: str, name: str, at: datetime) -> None:
        found = [row for row in self.bins if row["code"] == code]
        if found:
            found[0].update(name=name, changed_at=at)
        else:
            self.bins.append(
                {"id": len(self.bins) + 1, "code": code, "name": name, "changed_at": at}
            )

    def log_in(self) -> None:
        if self.refuse_login:
            raise LogInAgain("the shelf refuses the station's password")
        self.logged_in = True

    def pull(self, entity: str, after: Cursor, counting: bool) -> Iterator[Page]:
        assert entity == "location" and self.logged_in
        last_id, newest, applied = after.last_id, after.since, 0
        while True:
            self.asked.append(Cursor(after.since, last_id, after.pulled_at))
            if self.cut_off_at_page == len(self.asked):
                raise RetryLater("the shelf went away mid-pull")
            changed = [
                row
                for row in self.bins
                if row["id"] > last_id and (after.since is None or row["changed_at"] > after.since)
            ]
            rows = changed[: self.page]
            if not rows:
                break
            last_id = rows[-1]["id"]
            newest = max([newest or T0, *(row["changed_at"] for row in rows)])
            total = applied + len(changed) if counting else None
            applied += len(rows)
            yield Page(rows, self._apply, Cursor(after.since, last_id, after.pulled_at), total)
        yield Page([], self._apply, Cursor(newest, 0, T0))

    def _apply(self, session: Session, rows: list[dict[str, Any]]) -> None:
        self.applied.append(len(rows))
        failing = [row for row in rows if row["code"] == self.fail_at_bin]
        if failing:
            self.fail_at_bin = None
            raise OSError("the station's disk hiccups")
        _apply_bins(session, rows)

    def likeness(self, event: OutboxRecord) -> Likeness | None:
        """Units moved are counted upstream, by item: a retry must know how many went."""
        return (event.sku,) if isinstance(event, DispositionDecided) else None

    def expect(self, events: Sequence[OutboxRecord]) -> None:
        self.expected.append([name_of(e.to_payload()) for e in events])

    def push(self, event: Outgoing) -> None:
        if not self.logged_in:
            raise LogInAgain("the shelf's session is gone")
        name = name_of(event.record.to_payload())
        self.pushed.append((name, event.fresh, event.sent_alike))
        script = self.answers.get(name, [])
        if script:
            answer = script.pop(0)
            if isinstance(answer, LogInAgain):
                self.logged_in = False
            raise answer
        if event.record.kind == EventKind.PUTAWAY_DONE and "close" not in self.taken:
            raise Later("its receipt is not closed upstream yet")
        self.taken.append(name)


def _apply_bins(session: Session, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        found = session.get(Location, row["code"])
        if found is None:
            session.add(Location(code=row["code"], name=row["name"], kind="bin"))
        else:
            found.name = row["name"]


class HalfWait(random.Random):
    """Backoff at half its ceiling, to see it applied."""

    def random(self) -> float:
        return 0.5


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path / "station.db")
    yield opened
    opened.close()


def bins(store: Store) -> dict[str, str]:
    with store.read() as session:
        return {b.code: b.name for b in session.scalars(select(Location))}


def cursor(store: Store) -> tuple[datetime | None, int]:
    with store.read() as session:
        found = session.get(SyncCursor, "location")
        assert found is not None
        return found.since, found.last_id


# The events of the tests, each named: a unit moved (counted upstream, by item), a parcel
# with no RMA, a receipt closed and a plate put away (which waits on its close).
MADE = {
    "unit_moved": lambda name: DispositionDecided(
        rma="RMA-1", unit=name, sku="AP-1001", destination="LOC-RESTOCK"
    ),
    "parcel": lambda name: UnexpectedReturn(unit=name),
    "receipt_closed": lambda name: ReceiptClosed(
        receipt=name, asn="ASN-1", supplier="SUP-1", lines=[], discrepancies=[], putaways=[]
    ),
    "putaway_done": lambda name: PutawayDone(receipt=name, asn="ASN-1", bin="BIN-1", contents=[]),
}


def name_of(payload: dict[str, Any]) -> str:
    name: str = payload.get("unit") or payload["receipt"]
    return name


def emit_all(store: Store, *events: tuple[str, str]) -> None:
    with store.unit() as session:
        for kind, name in events:
            emit(session, MADE[kind](name))


def event_id(store: Store, name: str) -> str:
    with store.read() as session:
        events = session.scalars(select(OutboxEvent)).all()
        return next(e.event_id for e in events if name_of(e.payload) == name)


def outbox(store: Store) -> dict[str, tuple[str, int, str | None]]:
    with store.read() as session:
        return {
            name_of(e.payload): (e.status, e.attempts, e.last_error)
            for e in session.scalars(select(OutboxEvent))
        }


def test_a_pull_goes_page_by_page_resumes_after_a_cut_and_then_reads_only_changes(
    store: Store,
) -> None:
    shelf = Shelf(cut_off_at_page=3)
    for n in range(1, 6):
        shelf.change(f"A-{n}", f"bin {n}", T0 + timedelta(minutes=n))
    pusher = Pusher(shelf)
    with pytest.raises(RetryLater, match="mid-pull"):
        run_cycle(pusher, store)
    assert bins(store) == {f"A-{n}": f"bin {n}" for n in range(1, 5)}  # two pages in
    assert cursor(store) == (None, 4)  # stored with the page it covers
    shelf.cut_off_at_page = None
    cycle = run_cycle(pusher, store)
    assert shelf.asked[3].last_id == 4  # resumed after the last page applied, not from 0
    assert [p.rows for p in cycle.pulled] == [1]
    assert len(bins(store)) == 5
    assert cursor(store) == (T0 + timedelta(minutes=5), 0)  # whole: the next reads changes
    shelf.change("A-2", "bin 2, relabelled", T0 + timedelta(minutes=9))
    shelf.change("B-1", "a new bin", T0 + timedelta(minutes=10))
    heard: list[tuple[str, int, int]] = []
    cycle = run_cycle(pusher, store, lambda *news: heard.append(news))
    assert [p.rows for p in cycle.pulled] == [2]
    assert bins(store)["A-2"] == "bin 2, relabelled" and bins(store)["B-1"] == "a new bin"
    assert heard == [("location", 2, 2), ("location", 2, 2)]  # counted, then the bar goes


def test_a_long_page_is_applied_a_few_rows_per_unit_and_its_cursor_stored_with_the_last(
    store: Store,
) -> None:
    # The window's scan waits on the store's one writer: a whole page in one unit held it
    # for 100 ms. A cut mid-page leaves the rows applied and reads the page again.
    shelf = Shelf(page=50, fail_at_bin="A-31")
    for n in range(1, 51):
        shelf.change(f"A-{n}", f"bin {n}", T0 + timedelta(minutes=n))
    pusher = Pusher(shelf)
    with pytest.raises(OSError, match="hiccups"):
        run_cycle(pusher, store)
    whole_units = 30 // ROWS_PER_UNIT  # the units before the one that failed are kept
    assert len(bins(store)) == whole_units * ROWS_PER_UNIT
    assert max(shelf.applied) == ROWS_PER_UNIT
    with store.read() as session:
        assert session.get(SyncCursor, "location") is None  # the page is not whole
    cycle = run_cycle(pusher, store)
    assert [p.rows for p in cycle.pulled] == [50] and len(bins(store)) == 50
    assert cursor(store) == (T0 + timedelta(minutes=50), 0)
    assert max(shelf.applied) == ROWS_PER_UNIT


def test_a_push_goes_oldest_first_through_every_answer(store: Store) -> None:
    shelf = Shelf(
        answers={
            "refused": [Rejected("Missing", "the shelf has no such bin")],
            "away": [RetryLater("the shelf is away"), LogInAgain("session expired")],
        }
    )
    emit_all(
        store,
        ("unit_moved", "first"),
        ("putaway_done", "putaway"),  # waits on the close behind it
        ("parcel", "refused"),
        ("receipt_closed", "close"),
        ("unit_moved", "second"),
    )
    pusher = Pusher(shelf, HalfWait())
    cycle = run_cycle(pusher, store)
    # The refused one goes to the exception queue and the rest go on; the one put off
    # goes in a second pass, once its close went.
    assert shelf.taken == ["first", "close", "second", "putaway"]
    assert (cycle.pushed.sent, cycle.pushed.rejected, cycle.pushed.waiting) == (4, 1, False)
    refused = event_id(store, "refused")
    assert cycle.pushed.problems == [f"unexpected_return {refused}: {REFUSED}"]
    assert shelf.expected == [["first", "putaway", "refused", "close", "second"]]  # oldest first
    assert ("first", True, 0) in shelf.pushed
    assert ("second", True, 1) in shelf.pushed  # one alike to it sent before it
    assert outbox(store)["refused"] == ("rejected", 1, REFUSED)
    assert cycle.pending == 0

    emit_all(store, ("parcel", "away"), ("parcel", "behind"))
    cycle = run_cycle(pusher, store)
    # The upstream away stops the round: the event backs off, the one behind waits untried.
    assert (cycle.pushed.sent, cycle.pushed.waiting, cycle.pending) == (0, True, 2)
    assert outbox(store)["away"] == ("pending", 1, "the shelf is away")
    assert outbox(store)["behind"] == ("pending", 0, None)
    with store.unit() as session:
        away = session.scalars(select(OutboxEvent).where(OutboxEvent.attempts == 1)).all()[-1]
        assert away.tried_at is not None and away.next_attempt_at is not None
        assert away.next_attempt_at - away.tried_at == BASE_WAIT / 2  # full jitter, halfway
        away.next_attempt_at = away.tried_at  # as if the wait were over

    with pytest.raises(LogInAgain):  # the whole round waits for a login; no event blamed
        run_cycle(pusher, store)
    assert outbox(store)["away"] == ("pending", 1, "the shelf is away")

    done = run_cycle(pusher, store)
    assert (done.pushed.sent, done.pending) == (2, 0)
    # Both were set out to be sent before: the upstream must look before it creates.
    assert shelf.pushed[-2:] == [("away", False, 0), ("behind", False, 0)]
    assert shelf.taken[-2:] == ["away", "behind"]


def test_the_worker_says_how_each_answer_left_the_bench(store: Store) -> None:
    shelf = Shelf(answers={"away": [RetryLater("the shelf is away")]}, refuse_login=True)
    worker = SyncWorker(lambda: shelf, store, lambda _state: None)
    refused = worker.once()
    assert (refused.state, refused.detail) == (
        SyncStatus.ERROR,
        "the shelf refuses the station's password",
    )
    shelf.refuse_login = False
    emit_all(store, ("parcel", "away"))
    away = worker.once()
    assert (away.state, away.pending, away.detail) == (SyncStatus.OFFLINE, 1, "the ERP went away")
    assert away.last_sync is not None
    shelf.answers["refused"] = [Rejected("Missing", "no such bin")]
    emit_all(store, ("parcel", "refused"))
    with store.unit() as session:  # the backoff over
        for event in session.scalars(select(OutboxEvent)):
            event.next_attempt_at = None
    rejected = worker.once()
    assert (rejected.state, rejected.pending, rejected.rejected) == (SyncStatus.ONLINE, 0, 1)


def test_a_rejected_event_is_counted_on_every_cycle_until_a_supervisor_settles_it(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    shelf = Shelf(answers={"refused": [Rejected("Missing", "no such bin")]})
    shelf.change("BIN-1", "Aisle 1", T0)
    worker = SyncWorker(lambda: shelf, store, lambda _state: None)
    emit_all(store, ("parcel", "refused"), ("parcel", "taken"))
    with caplog.at_level(logging.INFO, logger="station.sync"):
        met = worker.once()
        later = worker.once()
    assert (met.state, met.pending, met.rejected) == (SyncStatus.ONLINE, 0, 1)
    assert (later.state, later.pending, later.rejected) == (SyncStatus.ONLINE, 0, 1)
    told = [r.getMessage() for r in caplog.records if r.name == "station.sync"]
    assert told[0] == (
        "sync cycle: pulled 1 location; pushed 1, rejected 1; "
        f"unexpected_return {event_id(store, 'refused')}: no such bin; "
        "0 pending, 1 in the exception queue"
    )
    assert told[1] == (
        "sync cycle: pulled 0 location; pushed 0, rejected 0; 0 pending, 1 in the exception queue"
    )
    with store.read() as session:
        seq = session.scalars(
            select(OutboxEvent.seq).where(OutboxEvent.status == OutboxStatus.REJECTED)
        ).one()
    mark_handled(store, seq, SUPERVISOR, "BENCH-01", "booked by hand in the ERP")
    assert worker.once().rejected == 0


def test_a_cycle_that_stops_says_why_in_the_log(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    shelf = Shelf(cut_off_at_page=1)
    worker = SyncWorker(lambda: shelf, store, lambda _state: None)
    emit_all(store, ("parcel", "waits"))
    with caplog.at_level(logging.INFO, logger="station.sync"):
        worker.once()
    assert [r.getMessage() for r in caplog.records if r.name == "station.sync"] == [
        "sync cycle: 1 pending, 0 in the exception queue; offline: the shelf went away mid-pull"
    ]
