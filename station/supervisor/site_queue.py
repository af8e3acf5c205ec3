"""The site's one approvals queue as a bench's supervisor view sees it: what waits at
this store's benches, and what waits at the other benches of the site (the replica of the
hub's queue, ``site_approval``, kept by the site sync).

An answer to another bench's item is written here first (``site_answer``) and the site
sync takes it to the hub, which checks the supervisor's role again; the hub's answer comes
back down to the asking bench, which applies it to its own store as if given there
(``apply``), so its operator carries on at the next scan.
"""

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from station.errors import Refusal
from station.operators import Role, SignedIn, require
from station.recording import audit, utcnow
from station.returns.inspection import Inspection
from station.states import ApprovalState
from station.store.engine import Store
from station.store.schema import SiteAnswer, SiteApproval
from station.supervisor import approvals
from station.supervisor.approvals import Waiting

REFUSALS_SHOWN_FOR = timedelta(hours=1)


def waiting(session: Session, inspection: Inspection, bench: str) -> list[Waiting]:
    """Everything waiting for a supervisor on the site, as this bench knows it, oldest
    first: its own store's, then the other benches' not yet answered from here."""
    answered_here = {
        (a.bench, a.kind, a.key, a.basis)
        for a in session.scalars(select(SiteAnswer).where(SiteAnswer.refused.is_(None)))
    }
    others = [
        Waiting(
            row.kind, row.key, row.bench, row.operator, row.since, row.what, row.basis,
            at_hub=True,
        )
        for row in session.scalars(
            select(SiteApproval).where(
                SiteApproval.state == ApprovalState.WAITING, SiteApproval.bench != bench
            )
        )
        if (row.bench, row.kind, row.key, row.basis) not in answered_here
    ]  # fmt: skip
    return sorted(approvals.waiting(session, inspection) + others, key=lambda w: w.since)


def answer(
    store: Store,
    inspection: Inspection,
    item: Waiting,
    who: SignedIn | None,
    *,
    approve: bool,
    at_bench: str,
) -> str:
    """Approve or refuse ``item``, here or through the hub; returns what was done."""
    if not item.at_hub:
        return approvals.answer(store, inspection, item, who, approve=approve, at_bench=at_bench)
    supervisor = require(who, Role.SUPERVISOR, action="answer an approval")
    with store.unit() as session:
        session.add(
            SiteAnswer(
                bench=item.bench, kind=item.kind, key=item.key, basis=item.basis,
                what=item.what, approve=approve, supervisor=supervisor.badge,
                answered_at=utcnow(),
            )
        )  # fmt: skip
        audit(
            session, bench=at_bench, operator=supervisor.badge,
            action="approved" if approve else "refused", subject=item.key, what=item.what,
            from_bench=item.bench, through="hub",
        )  # fmt: skip
    verdict = "Approved" if approve else "Refused"
    return f"{verdict}: {item.what}. Sent to {item.bench} through the hub."


def refused_lately(session: Session, now: datetime) -> list[SiteAnswer]:
    """Answers given here that the hub refused in the last hour, newest first."""
    return list(
        session.scalars(
            select(SiteAnswer)
            .where(
                SiteAnswer.refused.is_not(None),
                SiteAnswer.answered_at > now - REFUSALS_SHOWN_FOR,
            )
            .order_by(SiteAnswer.answered_at.desc())
        )
    )


def apply(store: Store, inspection: Inspection, row: SiteApproval) -> str:
    """The hub's answer to one of this bench's items, applied as given here by the
    supervisor the hub names (it checked the role); returns what was done, in words."""
    with store.read() as session:
        item = next(
            (
                w
                for w in approvals.waiting(session, inspection)
                if (w.kind, w.key, w.basis) == (row.kind, row.key, row.basis)
            ),
            None,
        )
    if item is None:
        raise Refusal(f"the {row.kind} {row.key} no longer waits here")
    who = SignedIn(row.answered_by_name or "", row.answered_by or "", Role.SUPERVISOR)
    at_bench = row.answered_at_bench or row.bench
    said = approvals.answer(
        store, inspection, item, who, approve=row.state is ApprovalState.APPROVED,
        at_bench=at_bench,
    )  # fmt: skip
    return f"{who.name} at {at_bench}: {said}"
