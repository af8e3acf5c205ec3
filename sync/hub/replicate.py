"""The bench's outbox replicated up to the site hub, oldest first, by cursor.

Every event goes up, whatever its kind and whatever the ERP made of it: the hub keeps the
site's record of what each bench did. The hub takes a batch whole and answers after its
commit; only then does the bench move its cursor (the last outbox seq the hub took, kept
in ``sync_cursor`` as ``hub:outbox``). An answer lost on the way means the same batch is
sent again, and the events' UUIDs make that change nothing at the hub.

Unlike the ERP push there is no state per event: the hub refuses an event only when the
bench's own software is wrong (one it cannot read, a key too long for its column). Its
refusal names the event: that one goes to the exception queue (``site_refusal``), in the
same unit that moves the cursor past the rest of its batch, and the rest goes up again at
once; a supervisor's "send again" puts it in the next batch. A refusal that names no event
(the batch's own shape) stops replication, said in the header and the log.

Outbox rows are numbered as they are committed (one writer at a time holds the store's
write lock), so nothing committed later can appear behind the cursor.

``SiteWorker`` runs the rounds; a bench with a window also runs the ``Exchange`` each round
(approvals and answers up, the site's feed down: ``sync.hub.exchange``).
"""

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, delete, func, or_, select
from sqlalchemy.orm import Session

from station.errors import KnownError
from station.recording import utcnow
from station.rejected_events import count_refused
from station.site_batch import MOST_EVENTS, batch_of
from station.site_conflicts import count_open
from station.states import RefusalStatus
from station.store.engine import Store
from station.store.schema import OutboxEvent, SiteRefusal, SyncCursor
from station.worker import Worker
from sync.connector import LogInAgain, Rejected, RetryLater
from sync.cycle import SyncStatus
from sync.hub.exchange import ASKING_TABLES, Exchange
from sync.hub.wire import EventRefused, HubWire
from sync.push import backoff

log = logging.getLogger("station.sync.hub")
CURSOR = "hub:outbox"
INTERVAL_S = 1.0  # between rounds when nothing wakes it: a commit does (``on_committed``)


def replicate(store: Store, wire: HubWire, bench: str) -> int:
    """Sends every event not taken yet, a batch at a time; returns how many went. Raises
    the wire's answers (``RetryLater``, ``LogInAgain``, ``Rejected``) as they come: what
    went before stays went."""
    went = 0
    while True:
        with store.read() as session:
            taken = _taken(session)
            events = list(session.scalars(_to_send(taken).limit(MOST_EVENTS)))
        if not events:
            return went
        try:
            wire.post_events(batch_of(bench, events))
        except EventRefused as refused:
            if not 0 <= refused.place < len(events):
                raise  # names no event of this batch: the batch itself is at fault
            # Its place in this batch means nothing in the queue: the hub's words without it.
            why = refused.message.removeprefix(f"event {refused.place}: ")
            _set_aside(store, events[refused.place], why)
            continue
        with store.unit() as session:
            newest = max(e.seq for e in events)
            if newest > taken:
                session.merge(
                    SyncCursor(entity=CURSOR, since=None, last_id=newest, pulled_at=utcnow())
                )
            # Sent again by a supervisor, and taken now: out of the queue.
            session.execute(delete(SiteRefusal).where(SiteRefusal.seq.in_([e.seq for e in events])))
        went += len(events)


def _to_send(taken: int) -> Select[OutboxEvent]:
    """The events the hub has not taken: those past the cursor that it did not refuse, and
    those a supervisor sent again, oldest first."""
    set_aside = select(SiteRefusal.seq).where(SiteRefusal.status != RefusalStatus.AGAIN)
    again = select(SiteRefusal.seq).where(SiteRefusal.status == RefusalStatus.AGAIN)
    return (
        select(OutboxEvent)
        .where(or_(OutboxEvent.seq > taken, OutboxEvent.seq.in_(again)))
        .where(OutboxEvent.seq.not_in(set_aside))
        .order_by(OutboxEvent.seq)
    )


def _set_aside(store: Store, event: OutboxEvent, why: str) -> None:
    """The hub would not take ``event``: into the exception queue, said in the log."""
    log.warning("site sync: the hub refused %s event %d: %s", event.kind, event.seq, why)
    with store.unit() as session:
        refusal = session.get(SiteRefusal, event.seq)
        if refusal is None:
            session.add(
                SiteRefusal(
                    seq=event.seq, why=why, refused_at=utcnow(), tries=1,
                    status=RefusalStatus.REFUSED,
                )
            )  # fmt: skip
        else:  # sent again, refused again
            refusal.why, refusal.refused_at = why, utcnow()
            refusal.tries += 1
            refusal.status = RefusalStatus.REFUSED


def waiting(store: Store) -> int:
    """Events the hub has not taken yet, but for those it refused (the exception queue's)."""
    with store.read() as session:
        left = session.scalar(
            select(func.count()).select_from(_to_send(_taken(session)).subquery())
        )
    return left or 0


def conflicts(store: Store) -> int:
    """Conflicts between benches of the site no supervisor has settled, as this bench's
    replica holds them."""
    with store.read() as session:
        return count_open(session)


def _taken(session: Session) -> int:
    cursor = session.get(SyncCursor, CURSOR)
    return cursor.last_id if cursor is not None else 0


@dataclass(frozen=True)
class SiteState:
    """How replication stands, as the header's Site light shows it."""

    state: SyncStatus  # online; offline (the hub is away, the bench works on); error
    waiting: int  # events the hub has not taken
    last_taken: datetime | None  # the end of the last round the hub answered
    detail: str  # why it waits or stopped; empty when online
    conflicts: int = 0  # between benches of the site, for a supervisor
    refused: int = 0  # events the hub refused, in the exception queue
    # Supervisors' answers from other benches applied this round, in words, for the screen.
    applied: tuple[str, ...] = ()
    rulepack: str | None = None  # a rule pack the site put in force this round: its version


class SiteWorker:
    """Replicates every ``INTERVAL_S`` on a thread of its own; waits with backoff while the
    hub is away; ``on_state`` hears each round (on the worker's thread)."""

    def __init__(
        self,
        connect: Callable[[], HubWire],
        store: Store,
        bench: str,
        on_state: Callable[[SiteState], None],
        *,
        exchange: Exchange | None = None,
        interval: float = INTERVAL_S,
        rng: random.Random | None = None,
    ) -> None:
        self.connect, self.store, self.bench, self.on_state = connect, store, bench, on_state
        # None: the bench's events only (the load tests' benches, which need no feed).
        self.exchange = exchange
        self.interval = interval
        self.rng = rng or random.Random()
        self.wire: HubWire | None = None
        self.misses = 0
        self.last_taken: datetime | None = None
        self._said = ""  # the last trouble logged: a hub away an hour is one line, not 3,600
        self._worker = Worker(
            "site sync", self.once, interval=interval, log=log, failed="site sync round failed"
        )

    def start(self) -> None:
        self.store.on_committed(self._committed)
        self._worker.start()

    def _committed(self, written: dict[str, int]) -> None:
        """An event, an approval asked or an answer given committed: to the hub now
        (within milliseconds on a LAN, not at the next round), unless the hub is away and
        the worker waits out its backoff."""
        wanted = {OutboxEvent.__tablename__, *(ASKING_TABLES if self.exchange else ())}
        if self.misses == 0 and not wanted.isdisjoint(written):
            self._worker.wake()

    def stop(self, timeout: float = 5.0) -> None:
        self._worker.stop(timeout)
        if self.wire is not None:
            self.wire.close()

    def once(self) -> float | None:
        """One round; returns the pause before the next when it is not the usual one."""
        pause: float | None = None
        status, detail = SyncStatus.ONLINE, ""
        applied: tuple[str, ...] = ()
        rulepack: str | None = None
        try:
            if self.wire is None:
                self.wire = self.connect()
            went = replicate(self.store, self.wire, self.bench)
            if self.exchange is not None:
                done = self.exchange(self.wire)
                applied, rulepack = tuple(done.applied), done.rulepack
        except RetryLater as exc:
            self.misses += 1
            wait = exc.after or backoff(self.misses, self.rng).total_seconds()
            status, detail = SyncStatus.OFFLINE, f"the hub is away: {exc}"
            pause = max(wait, self.interval)
        except (LogInAgain, Rejected, KnownError) as exc:
            # Asked again, but not every second: a token set anew is read at the next try.
            self.misses += 1
            status, detail = SyncStatus.ERROR, str(exc)
            pause = max(backoff(self.misses, self.rng).total_seconds(), self.interval)
            if self.wire is not None:
                self.wire.close()
            self.wire = None
        else:
            self.misses = 0
            self.last_taken = utcnow()
            if went:
                log.info("site sync: %d events taken by the hub", went)
        if detail and detail != self._said:
            log.warning("site sync: %s", detail)
        elif self._said and not detail:
            log.info("site sync: the hub takes this bench's events again")
        self._said = detail
        self.on_state(
            SiteState(
                status, waiting(self.store), self.last_taken, detail, conflicts(self.store),
                count_refused(self.store), applied, rulepack,
            )
        )  # fmt: skip
        return pause
