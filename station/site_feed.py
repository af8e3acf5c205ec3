"""The rows of the site's feed on the wire, both ends: the hub writes them from its
tables (``hub.feed``), a bench reads them into its replica of the same tables. An event of
a kind this release does not know is kept as written: it is another bench's fact.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from station.operators import Role
from station.site_batch import Malformed, read_moment
from station.states import ApprovalState
from station.store.schema import SiteApproval, SiteEvent, SiteOperator

TABLES = ("events", "approvals", "operators")  # a mark each, named in the pull's query
EVENT_FIELDS = ("event_id", "bench", "seq", "kind", "subject", "payload")
APPROVAL_FIELDS = ("bench", "kind", "key", "operator", "what", "basis")
ANSWER_FIELDS = ("answered_by", "answered_by_name", "answered_at_bench")
OPERATOR_FIELDS = ("badge", "name", "role", "pin_hash", "removed")


@dataclass(frozen=True)
class Feed:
    events: list[dict[str, Any]]  # columns of ``SiteEvent``
    approvals: list[dict[str, Any]]  # columns of ``SiteApproval``
    operators: list[dict[str, Any]]  # columns of ``SiteOperator``
    marks: dict[str, str]  # the next page's marks, by table
    more: bool


def event_row(event: SiteEvent) -> dict[str, Any]:
    return {
        **{name: getattr(event, name) for name in EVENT_FIELDS},
        "created_at": event.created_at.isoformat(),
        "received_at": event.received_at.isoformat(),
    }


def approval_row(row: SiteApproval) -> dict[str, Any]:
    return {
        **{name: getattr(row, name) for name in (*APPROVAL_FIELDS, *ANSWER_FIELDS)},
        "since": row.since.isoformat(),
        "state": row.state.value,
        "answered_at": row.answered_at.isoformat() if row.answered_at else None,
    }


def operator_row(row: SiteOperator) -> dict[str, Any]:
    return {name: getattr(row, name) for name in OPERATOR_FIELDS}


def read_feed(body: Any) -> Feed:
    """The hub's answer to a pull; ``Malformed`` if it is not one (a proxy's page, say)."""
    try:
        events = [_event(row) for row in body["events"]["rows"]]
        approvals = [_approval(row) for row in body["approvals"]["rows"]]
        operators = [_operator(row) for row in body["operators"]["rows"]]
        marks = {table: body[table]["mark"] for table in TABLES}
        more = any(body[table]["more"] for table in TABLES)
    except (KeyError, TypeError, ValueError) as exc:
        raise Malformed(f"not the hub's feed: {exc}") from exc
    if not all(isinstance(mark, str) for mark in marks.values()):
        raise Malformed("not the hub's feed: its marks are not text")
    return Feed(events, approvals, operators, marks, more)


def _event(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **{name: row[name] for name in EVENT_FIELDS},
        "created_at": read_moment(row["created_at"], "created_at"),
        "received_at": read_moment(row["received_at"], "received_at"),
    }


def _approval(row: dict[str, Any]) -> dict[str, Any]:
    answered_at: datetime | None = None
    if row["answered_at"] is not None:
        answered_at = read_moment(row["answered_at"], "answered_at")
    return {
        **{name: row[name] for name in (*APPROVAL_FIELDS, *ANSWER_FIELDS)},
        "since": read_moment(row["since"], "since"),
        "state": ApprovalState(row["state"]),
        "answered_at": answered_at,
    }


def _operator(row: dict[str, Any]) -> dict[str, Any]:
    operator = {name: row[name] for name in OPERATOR_FIELDS}
    Role(operator["role"])  # a role this release does not know signs nobody in: refused
    return operator
