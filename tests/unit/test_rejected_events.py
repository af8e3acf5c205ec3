"""The exception queue: a supervisor sends a rejected event again, or marks it handled."""

import pytest
from sqlalchemy import select, update

from station.errors import NotAllowed, Refusal
from station.operators import Role, SignedIn
from station.outbox import UnexpectedReturn
from station.recording import emit, utcnow
from station.rejected_events import (
    RefusedBy,
    count_refused,
    mark_handled,
    rejected_events,
    send_again,
)
from station.states import RefusalStatus
from station.store.engine import Store
from station.store.schema import AuditEntry, OutboxEvent, SiteRefusal

SAM = SignedIn("Sam Supervisor", "BADGE-3001", Role.SUPERVISOR)
INES = SignedIn("Ines Inspector", "BADGE-1001", Role.INSPECTOR)


@pytest.fixture
def rejected(store: Store) -> int:
    with store.unit() as session:
        emit(session, UnexpectedReturn(sku="GONE-1"))
        session.execute(
            update(OutboxEvent).values(
                status="rejected", attempts=3, last_error="the ERP has no product GONE-1"
            )
        )
    (event,) = rejected_events(store)
    return event.seq


def statuses(store: Store) -> list[tuple[str, int]]:
    with store.read() as session:
        return [(e.status, e.attempts) for e in session.scalars(select(OutboxEvent))]


def test_the_queue_lists_what_the_erp_refused_with_its_message(store: Store, rejected: int) -> None:
    (event,) = rejected_events(store)
    assert (event.seq, event.kind, event.message) == (
        rejected,
        "unexpected_return",
        "the ERP has no product GONE-1",
    )


def test_a_supervisor_sends_it_again_audited(store: Store, rejected: int) -> None:
    send_again(store, rejected, SAM, "BENCH-01")
    assert statuses(store) == [("pending", 0)]
    assert rejected_events(store) == []
    with store.read() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "event_sent_again")
        ).one()
    assert entry.operator == "BADGE-3001"
    assert entry.detail["rejected_with"] == "the ERP has no product GONE-1"


def test_handled_needs_a_note_and_is_never_sent(store: Store, rejected: int) -> None:
    with pytest.raises(Refusal, match="Say how"):
        mark_handled(store, rejected, SAM, "BENCH-01", "  ")
    mark_handled(store, rejected, SAM, "BENCH-01", "booked by hand in the ERP")
    assert statuses(store) == [("handled", 3)]
    with pytest.raises(Refusal, match="no longer"):
        send_again(store, rejected, SAM, "BENCH-01")


def test_only_a_supervisor_settles_an_event(store: Store, rejected: int) -> None:
    with pytest.raises(NotAllowed, match="supervisor only"):
        send_again(store, rejected, INES, "BENCH-01")
    with pytest.raises(NotAllowed):
        mark_handled(store, rejected, None, "BENCH-01", "why not")
    assert statuses(store) == [("rejected", 3)]


@pytest.fixture
def refused(store: Store) -> int:
    """An event the site's hub refused, as the site sync sets it aside."""
    with store.unit() as session:
        emit(session, UnexpectedReturn(sku="GONE-1"))
        seq = session.scalars(select(OutboxEvent.seq)).one()
        session.add(
            SiteRefusal(
                seq=seq, why="subject must be text of 1 to 40 characters",
                refused_at=utcnow(), tries=1, status=RefusalStatus.REFUSED,
            )
        )  # fmt: skip
    return seq


def test_the_hubs_refusal_is_in_the_queue_and_handled_there_never_sent(
    store: Store, refused: int
) -> None:
    (event,) = rejected_events(store)
    assert (event.seq, event.by, event.attempts) == (refused, RefusedBy.HUB, 1)
    with pytest.raises(NotAllowed):
        mark_handled(store, refused, INES, "BENCH-01", "why not", by=RefusedBy.HUB)
    mark_handled(store, refused, SAM, "BENCH-01", "a known fault of 2.3", by=RefusedBy.HUB)
    assert rejected_events(store) == [] and count_refused(store) == 0
    with store.read() as session:
        assert session.get(SiteRefusal, refused).status is RefusalStatus.HANDLED  # kept
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "event_handled")
        ).one()
    assert entry.detail["refused_by"] == "site hub"
    assert entry.detail["why"] == "a known fault of 2.3"
    # Its ERP life is its own: the handling says nothing of it.
    assert statuses(store) == [("pending", 0)]
    with pytest.raises(Refusal, match="no longer"):
        send_again(store, refused, SAM, "BENCH-01", by=RefusedBy.HUB)
