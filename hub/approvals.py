"""The site's one approvals queue, kept at the hub.

Each bench puts what it waits for, whole, whenever that changes: the hub adds what is new,
asks anew what changed (an answer holds only for what the supervisor saw), and withdraws
what the bench no longer lists (answered at the bench itself, or the work undone). An
answer the hub has given stays until the bench has pulled it and moved on.

A supervisor's answer given at any bench comes here; the hub checks the badge's role again
in the site's own operators (a bench's copy could be old, or tampered with) and that the
item still waits as it was shown. Every change is stamped with its transaction for the
feed, which carries the answer down to the asking bench.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub import operators
from hub.feed import stamp
from station.site_approvals import Answer, Asked
from station.states import ApprovalState
from station.store.schema import SiteApproval

ANSWERED = (ApprovalState.APPROVED, ApprovalState.REFUSED)


def put_waiting(session: Session, asked: Asked) -> int:
    """The bench's queue as it stands now; returns how many items changed."""
    rows = {
        (row.kind, row.key): row
        for row in session.scalars(
            select(SiteApproval).where(SiteApproval.bench == asked.bench).with_for_update()
        )
    }
    touched: list[SiteApproval] = []
    listed = set()
    for item in asked.waiting:
        listed.add((item["kind"], item["key"]))
        row = rows.get((item["kind"], item["key"]))
        if row is None:
            row = SiteApproval(bench=asked.bench, state=ApprovalState.WAITING, **item)
            session.add(row)
            touched.append(row)
        elif row.basis != item["basis"] or row.state is ApprovalState.WITHDRAWN:
            # A new question, or the same one back: whatever was answered before does not hold.
            for name, value in item.items():
                setattr(row, name, value)
            row.state = ApprovalState.WAITING
            row.answered_by = row.answered_by_name = row.answered_at_bench = None
            row.answered_at = None
            touched.append(row)
    for key, row in rows.items():
        if key not in listed and row.state is ApprovalState.WAITING:
            row.state = ApprovalState.WITHDRAWN
            touched.append(row)
    stamp(session, SiteApproval, touched)
    return len(touched)


def answer(session: Session, at_bench: str, given: Answer, now: datetime) -> str | None:
    """Records a supervisor's answer; returns why it was refused, or None."""
    supervisor = operators.supervisor(session, given.supervisor)
    if supervisor is None:
        return f"{given.supervisor} is not a supervisor of this site"
    row = session.scalar(
        select(SiteApproval)
        .where(
            SiteApproval.bench == given.bench,
            SiteApproval.kind == given.kind,
            SiteApproval.key == given.key,
        )
        .with_for_update()
    )
    if row is None or row.state is not ApprovalState.WAITING:
        return f"that {given.kind} at {given.bench} no longer waits"
    if row.basis != given.basis:
        return f"that {given.kind} at {given.bench} changed since it was shown"
    row.state = ApprovalState.APPROVED if given.approve else ApprovalState.REFUSED
    row.answered_by, row.answered_by_name = supervisor.badge, supervisor.name
    row.answered_at_bench, row.answered_at = at_bench, now
    stamp(session, SiteApproval, [row])
    return None
