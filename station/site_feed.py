"""The rows of the site's feed on the wire, both ends: the hub writes them from its
tables (``hub.feed``), a bench reads them into its replica of the same tables. An event of
a kind this release does not know is kept as written: it is another bench's fact.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from station.operators import Role
from station.site_batch import Malformed, read_moment
from station.states import ApprovalState, ConflictKind, SerialUse
from station.store.schema import (
    SiteApproval,
    SiteClaim,
    SiteConflict,
    SiteEvent,
    SiteOperator,
    SiteRulepack,
    SiteSerial,
)

# A mark each, named in the pull's query.
TABLES = ("events", "approvals", "operators", "claims", "conflicts", "rulepacks", "serials")
EVENT_FIELDS = ("event_id", "bench", "seq", "kind", "subject", "payload")
APPROVAL_FIELDS = ("bench", "kind", "key", "operator", "what", "basis")
ANSWER_FIELDS = ("answered_by", "answered_by_name", "answered_at_bench")
OPERATOR_FIELDS = ("badge", "name", "role", "pin_hash", "removed")
# The hub's ids: a bench's replica keeps each claim and conflict under the hub's own.
CLAIM_FIELDS = ("id", "subject", "bench", "operator", "released_why")
CLAIM_TIMES = ("since", "renewed_at", "released_at")
CONFLICT_FIELDS = (
    "id", "subject", "bench", "other_bench", "detail", "resolved_by", "resolved_at_bench",
    "resolution",
)  # fmt: skip


@dataclass(frozen=True)
class Feed:
    events: list[dict[str, Any]]  # columns of ``SiteEvent``
    approvals: list[dict[str, Any]]  # columns of ``SiteApproval``
    operators: list[dict[str, Any]]  # columns of ``SiteOperator``
    claims: list[dict[str, Any]]  # columns of ``SiteClaim``
    conflicts: list[dict[str, Any]]  # columns of ``SiteConflict``
    rulepacks: list[dict[str, Any]]  # columns of ``SiteRulepack``
    serials: list[dict[str, Any]]  # columns of ``SiteSerial``
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
        "answered_at": _iso(row.answered_at),
    }


def operator_row(row: SiteOperator) -> dict[str, Any]:
    return {name: getattr(row, name) for name in OPERATOR_FIELDS}


def claim_row(row: SiteClaim) -> dict[str, Any]:
    return {
        **{name: getattr(row, name) for name in CLAIM_FIELDS},
        **{name: _iso(getattr(row, name)) for name in CLAIM_TIMES},
    }


def conflict_row(row: SiteConflict) -> dict[str, Any]:
    return {
        **{name: getattr(row, name) for name in CONFLICT_FIELDS},
        "kind": row.kind.value,
        "found_at": row.found_at.isoformat(),
        "resolved_at": _iso(row.resolved_at),
    }


def rulepack_row(row: SiteRulepack) -> dict[str, Any]:
    return {
        "id": row.id, "version": row.version, "text": row.text,
        "published_at": row.published_at.isoformat(),
    }  # fmt: skip


def serial_row(row: SiteSerial) -> dict[str, Any]:
    return {
        "id": row.id, "use": row.use.value, "serial": row.serial, "bench": row.bench,
        "event_id": row.event_id, "document": row.document,
        "taken_at": row.taken_at.isoformat(),
    }  # fmt: skip


def read_feed(body: Any) -> Feed:
    """The hub's answer to a pull; ``Malformed`` if it is not one (a proxy's page, say)."""
    try:
        events = [_event(row) for row in body["events"]["rows"]]
        approvals = [_approval(row) for row in body["approvals"]["rows"]]
        operators = [_operator(row) for row in body["operators"]["rows"]]
        claims = [_claim(row) for row in body["claims"]["rows"]]
        conflicts = [_conflict(row) for row in body["conflicts"]["rows"]]
        rulepacks = [_rulepack(row) for row in body["rulepacks"]["rows"]]
        serials = [_serial(row) for row in body["serials"]["rows"]]
        marks = {table: body[table]["mark"] for table in TABLES}
        more = any(body[table]["more"] for table in TABLES)
    except (KeyError, TypeError, ValueError) as exc:
        raise Malformed(f"not the hub's feed: {exc}") from exc
    if not all(isinstance(mark, str) for mark in marks.values()):
        raise Malformed("not the hub's feed: its marks are not text")
    return Feed(events, approvals, operators, claims, conflicts, rulepacks, serials, marks, more)


def _event(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **{name: row[name] for name in EVENT_FIELDS},
        "created_at": read_moment(row["created_at"], "created_at"),
        "received_at": read_moment(row["received_at"], "received_at"),
    }


def _approval(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **{name: row[name] for name in (*APPROVAL_FIELDS, *ANSWER_FIELDS)},
        "since": read_moment(row["since"], "since"),
        "state": ApprovalState(row["state"]),
        "answered_at": _moment_or_none(row, "answered_at"),
    }


def _claim(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **{name: row[name] for name in CLAIM_FIELDS},
        **{name: _moment_or_none(row, name) for name in CLAIM_TIMES},
    }


def _conflict(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **{name: row[name] for name in CONFLICT_FIELDS},
        "kind": ConflictKind(row["kind"]),
        "found_at": read_moment(row["found_at"], "found_at"),
        "resolved_at": _moment_or_none(row, "resolved_at"),
    }


def _rulepack(row: dict[str, Any]) -> dict[str, Any]:
    if not (isinstance(row["text"], str) and isinstance(row["version"], str)):
        raise ValueError("a rule pack's version and text are text")
    return {
        "id": int(row["id"]), "version": row["version"], "text": row["text"],
        "published_at": read_moment(row["published_at"], "published_at"),
    }  # fmt: skip


def _serial(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": int(row["id"]), "use": SerialUse(row["use"]), "serial": str(row["serial"]),
        "bench": str(row["bench"]), "event_id": str(row["event_id"]),
        "document": row["document"], "taken_at": read_moment(row["taken_at"], "taken_at"),
    }  # fmt: skip


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _moment_or_none(row: dict[str, Any], name: str) -> datetime | None:
    return None if row[name] is None else read_moment(row[name], name)


def _operator(row: dict[str, Any]) -> dict[str, Any]:
    operator = {name: row[name] for name in OPERATOR_FIELDS}
    Role(operator["role"])  # a role this release does not know signs nobody in: refused
    return operator
