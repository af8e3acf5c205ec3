"""What a bench trades with the site hub beside its events, each round of the site sync:
what it waits for a supervisor's answer to and the work it claims go up (whole, when they
changed; the claims renewed besides), the answers and settlements its supervisor gave go
up, and the site's feed comes down, a page at a time by the marks the hub hands out (kept
in ``sync_cursor.mark`` with the page they cover), into the bench's replica
(``site_event``, ``site_approval``, ``site_claim``, ``site_conflict``, ``site_rulepack``,
``site_serial``) and its own list of operators: a bench away from the hub signs people in
with its last copy. Past days that other benches' units came for have their figures built
again here, on the sync's thread.

The hub's answers to this bench's own items are then applied to its store from the
replica, not from the page: a bench stopped between the two applies them at its next
round, and an answer applied already matches nothing that still waits.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlalchemy import delete, select
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from station.checkin.site_parcels import keep_parcels
from station.errors import KnownError
from station.outbox import SITE_ONLY
from station.recording import utcnow
from station.returns.inspection import Inspection
from station.site_approvals import answers_of, asked_of
from station.site_claims import RENEW, claims_of
from station.site_conflicts import resolutions_of
from station.site_feed import TABLES, Feed
from station.site_rulepack import in_force
from station.states import ApprovalState
from station.store.engine import Store
from station.store.schema import (
    Operator,
    SiteAnswer,
    SiteApproval,
    SiteClaim,
    SiteConflict,
    SiteEvent,
    SiteResolution,
    SiteRulepack,
    SiteSerial,
    SyncCursor,
)
from station.supervisor import approvals, site_queue
from station.supervisor.kept_days import forget_days
from sync.hub.wire import HubWire

log = logging.getLogger("station.sync.hub")
MARKS = {table: f"hub:{table}" for table in TABLES}  # the feed's table → sync_cursor entity
ANSWERED = (ApprovalState.APPROVED, ApprovalState.REFUSED)
Given = TypeVar("Given", SiteAnswer, SiteResolution)
# The tables whose commits change what this bench waits for, claims or has answered.
ASKING_TABLES = frozenset({"return_unit", "receipt", "received", "site_answer", "site_resolution"})


@dataclass
class Exchanged:
    events: int = 0  # other benches' events the feed brought
    approvals: int = 0  # the site's approvals changed in the replica
    operators: int = 0  # the site's operators added, changed or removed here
    conflicts: int = 0  # conflicts between benches the hub found
    rulepack: str | None = None  # the version of a rule pack the site put in force
    applied: list[str] = field(default_factory=list)  # the hub's answers applied here
    # Past days that other benches' units came for: their figures built again, here.
    days: set[date] = field(default_factory=set)


class Exchange:
    def __init__(self, store: Store, bench: str, inspection: Inspection) -> None:
        self.store, self.bench, self.inspection = store, bench, inspection
        self._asked: dict[str, object] | None = None  # the body the hub took last
        self._claimed: dict[str, object] | None = None
        self._claimed_at = 0.0  # monotonic: claims are renewed every RENEW

    def __call__(self, wire: HubWire) -> Exchanged:
        self._ask(wire)
        self._claim(wire)
        self._send_answers(wire)
        done = Exchanged()
        ended = self._pull(wire, done)
        if done.rulepack is not None:  # what waits for approval is judged by the new pack
            with self.store.read() as session:
                pack = in_force(session, self.inspection.pack)
            self.inspection = replace(self.inspection, pack=pack)
        if ended:
            # A claim of this bench ended by the hub (taken over, lapsed) while the bench
            # still works on it: said again now, so the clash is found this round.
            self._claimed = None
            self._claim(wire)
            self._pull(wire, done)
        done.applied = self._apply_answers()
        self._build_days(done.days)
        return done

    def _build_days(self, days: set[date]) -> None:
        """The site's figures of past days that new units came for, built on this thread:
        the supervisor view then opens on kept figures, not on a long read of the replica
        in the window's thread (a bench joining a site brings months of them)."""
        today = datetime.now().astimezone().date()
        past = sorted(day for day in days if day < today)
        if past:
            # numpy, for the figures: loaded when past days first come, not at the start.
            from station.supervisor.facts import build_days, load_codes  # noqa: PLC0415

            with self.store.read() as session:
                codes = load_codes(session, self.store)
            build_days(self.store, past, codes)

    def _pull(self, wire: HubWire, done: Exchanged) -> bool:
        """The feed, page after page, into the replica; True when the hub ended one of this
        bench's claims."""
        ended = False
        while True:
            page = wire.feed(self._marks())
            with self.store.unit() as session:
                done.events += len(page.events)
                done.days |= _keep_events(session, page)
                done.approvals += _keep_approvals(session, page)
                done.operators += _keep_operators(session, page)
                for row in page.claims:
                    session.merge(SiteClaim(**row))
                    ended |= row["bench"] == self.bench and row["released_at"] is not None
                for row in page.conflicts:
                    session.merge(SiteConflict(**row))
                done.conflicts += len(page.conflicts)
                for row in page.rulepacks:
                    session.merge(SiteRulepack(**row))
                    done.rulepack = row["version"]
                for row in page.serials:
                    session.merge(SiteSerial(**row))
                for table, mark in page.marks.items():
                    session.merge(
                        SyncCursor(entity=MARKS[table], mark=mark, since=None, pulled_at=utcnow())
                    )
            if not page.more:
                return ended

    def _ask(self, wire: HubWire) -> None:
        with self.store.read() as session:
            body = asked_of(self.bench, approvals.waiting(session, self.inspection))
        if body != self._asked:
            wire.put_waiting(body)
            self._asked = body

    def _claim(self, wire: HubWire) -> None:
        with self.store.read() as session:
            body = claims_of(session, self.bench)
        due = time.monotonic() - self._claimed_at >= RENEW.total_seconds()
        if body != self._claimed or due:
            wire.put_claims(body)
            self._claimed, self._claimed_at = body, time.monotonic()

    def _send_answers(self, wire: HubWire) -> None:
        self._send(SiteAnswer, answers_of, wire.post_answers, lambda a: f"an answer to {a.what}")
        self._send(
            SiteResolution, resolutions_of, wire.post_resolutions,
            lambda r: f"how conflict {r.conflict_id} was settled",
        )  # fmt: skip

    def _send(
        self,
        table: type[Given],
        body_of: Callable[[str, list[Given]], dict[str, Any]],
        post: Callable[[dict[str, Any]], dict[int, str | None]],
        what: Callable[[Given], str],
    ) -> None:
        """A supervisor's words given here that the hub has not had yet: sent, then each
        marked sent, or refused with the hub's reason (said on screen)."""
        with self.store.read() as session:
            unsent = list(
                session.scalars(
                    select(table)
                    .where(table.sent_at.is_(None), table.refused.is_(None))
                    .order_by(table.id)
                )
            )
        if not unsent:
            return
        verdicts = post(body_of(self.bench, unsent))
        with self.store.unit() as session:
            for given in unsent:
                row = session.get_one(table, given.id)  # a supervisor's word is never deleted
                row.sent_at, row.refused = utcnow(), verdicts.get(given.id)
                if row.refused:
                    log.warning("the hub refused %s: %s", what(row), row.refused)

    def _marks(self) -> dict[str, str]:
        with self.store.read() as session:
            cursors = {
                c.entity: c.mark
                for c in session.scalars(
                    select(SyncCursor).where(SyncCursor.entity.in_(MARKS.values()))
                )
            }
        return {table: cursors.get(entity) or "" for table, entity in MARKS.items()}

    def _apply_answers(self) -> list[str]:
        with self.store.read() as session:
            answered = list(
                session.scalars(
                    select(SiteApproval).where(
                        SiteApproval.bench == self.bench, SiteApproval.state.in_(ANSWERED)
                    )
                )
            )
            still = {(w.kind, w.key, w.basis) for w in approvals.waiting(session, self.inspection)}
        applied = []
        for row in answered:
            if (row.kind, row.key, row.basis) not in still:
                continue
            try:
                said = site_queue.apply(self.store, self.inspection, row)
            except KnownError as exc:  # the bench moved on between the two reads
                log.info("the hub's answer to %s was not applied: %s", row.what, exc)
                continue
            log.info("the hub's answer from %s applied: %s", row.answered_at_bench, said)
            applied.append(said)
        return applied


def _keep_events(session: Session, page: Feed) -> set[date]:
    """The other benches' events into the replica; returns the days they came for."""
    if not page.events:
        return set()
    # A page read again after a crash before its mark was kept brings rows already here.
    session.execute(
        insert(SiteEvent).on_conflict_do_nothing(index_elements=["event_id"]), page.events
    )
    keep_parcels(session, page.events)  # the site's one backlog at the dock
    # A bench back from a day away brings units of past days: their kept figures no
    # longer tell the truth.
    days = {
        _local_day(event["created_at"])
        for event in page.events
        if event["kind"] not in SITE_ONLY  # a parcel at the dock is no figure of a day
    }
    for day in days:
        forget_days(session, day, day)
    return days


def _local_day(at: datetime) -> date:
    return at.replace(tzinfo=UTC).astimezone().date()


def _keep_approvals(session: Session, page: Feed) -> int:
    for row in page.approvals:
        known = session.scalar(
            select(SiteApproval).where(
                SiteApproval.bench == row["bench"],
                SiteApproval.kind == row["kind"],
                SiteApproval.key == row["key"],
            )
        )
        if known is None:
            session.add(SiteApproval(**row))
        else:
            for name, value in row.items():
                setattr(known, name, value)
    return len(page.approvals)


def _keep_operators(session: Session, page: Feed) -> int:
    """The site's operators into the bench's own list, which signs people in offline too."""
    for row in page.operators:
        known = session.scalar(select(Operator).where(Operator.badge == row["badge"]))
        if row["removed"]:
            session.execute(delete(Operator).where(Operator.badge == row["badge"]))
        elif known is None:
            session.add(Operator(**{k: v for k, v in row.items() if k != "removed"}))
        else:
            known.name, known.role, known.pin_hash = row["name"], row["role"], row["pin_hash"]
    return len(page.operators)
