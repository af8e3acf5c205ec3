"""The outbox's events as typed records: made by the benches, read by the sync engine.

Each kind is one frozen record whose fields are its payload's keys, in the payload's
order, so ``to_payload`` writes the JSON the station always wrote and ``from_payload``
reads what any release wrote. A field an older release did not write reads as its
default; a field without a default is one the ERP cannot do without, and a payload that
lacks it is refused with its name (``EventLacks``). A record's ``subject`` (the RMA, the
receipt, the unit it is about) is stored in its own column, so the events about one
document are a column query.
"""

import dataclasses
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar, NotRequired, Self, TypedDict

from sqlalchemy import JSON, case, func, select, type_coerce
from sqlalchemy.orm import Session

from station.states import DiscrepancyKind, OutboxStatus
from station.store.schema import OutboxEvent


class EventKind(StrEnum):
    UNEXPECTED_RETURN = "unexpected_return"
    RETURN_RECEIVED = "return_received"
    INSPECTION_RECORDED = "inspection_recorded"
    DISPOSITION_DECIDED = "disposition_decided"
    REFUND_ELIGIBLE = "refund_eligible"
    RECEIPT_CLOSED = "receipt_closed"
    PUTAWAY_DONE = "putaway_done"
    # The dock's backlog, for the site's other benches (the ERP takes neither).
    PARCEL_CHECKED_IN = "parcel_checked_in"
    PARCEL_PULLED = "parcel_pulled"


# Events for the site's other benches only: no ERP takes them, and they are never counted
# as waiting for one.
SITE_ONLY = frozenset({EventKind.PARCEL_CHECKED_IN, EventKind.PARCEL_PULLED})


class EventLacks(ValueError):
    """A payload without a field its record cannot do without: written by an older release."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(f"the event lacks {', '.join(missing)}")
        self.missing = missing


@dataclass(frozen=True, kw_only=True)
class OutboxRecord(ABC):
    """One kind of event: its fields are its payload's keys."""

    kind: ClassVar[EventKind]

    @property
    @abstractmethod
    def subject(self) -> str | None:
        """The document the event is about, stored beside it to be found by."""

    def to_payload(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Self:
        wanted = dataclasses.fields(cls)
        missing = [
            f.name
            for f in wanted
            if f.name not in payload
            and f.default is dataclasses.MISSING
            and f.default_factory is dataclasses.MISSING
        ]
        if missing:
            raise EventLacks(missing)
        return cls(**{f.name: payload[f.name] for f in wanted if f.name in payload})


# --- the returns bench ---------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class UnitEvent(OutboxRecord):
    """What every event about a return unit starts with."""

    unit: str | None = None
    bench: str | None = None
    operator: str | None = None
    sku: str | None = None
    serial: str | None = None
    at: str | None = None  # ISO time the unit was finished
    started: str | None = None  # ISO time of its first scan: the site's time to decision


@dataclass(frozen=True, kw_only=True)
class RmaEvent(UnitEvent):
    """An event about a unit of an RMA: its subject is the RMA."""

    rma: str

    @property
    def subject(self) -> str:
        return self.rma


@dataclass(frozen=True, kw_only=True)
class InspectionRecorded(RmaEvent):
    kind: ClassVar[EventKind] = EventKind.INSPECTION_RECORDED

    category: str
    answers: dict[str, str] = field(default_factory=dict)  # question: yes, no, skip
    checks: dict[str, bool | None]  # question: passed
    grade: str | None
    found_reason: str | None = None
    stated_reason: str | None = None
    policy: str | None = None
    policy_trace: list[Any] = field(default_factory=list)
    notes: str = ""
    photos: list[str] = field(default_factory=list)  # SHA-256 of each


@dataclass(frozen=True, kw_only=True)
class ReturnReceived(RmaEvent):
    kind: ClassVar[EventKind] = EventKind.RETURN_RECEIVED

    line: int | None = None
    order: str | None = None
    customer: str | None = None


@dataclass(frozen=True, kw_only=True)
class DispositionDecided(RmaEvent):
    kind: ClassVar[EventKind] = EventKind.DISPOSITION_DECIDED

    # Needed here: the unit moved is of it (field() drops the default UnitEvent gave it).
    sku: str | None = field()
    line: int | None = None
    disposition: str | None = None
    rules_said: str | None = None
    destination: str
    lpn: str | None = None
    rulepack: str | None = None
    trace: list[Any] = field(default_factory=list)
    approved_by: str | None = None


@dataclass(frozen=True, kw_only=True)
class RefundEligible(RmaEvent):
    kind: ClassVar[EventKind] = EventKind.REFUND_ELIGIBLE

    line: int | None = None
    quantity: int = 1
    value_cents: int = 0


@dataclass(frozen=True, kw_only=True)
class UnexpectedReturn(UnitEvent):
    """A parcel with no RMA, sent to triage: its subject is the unit."""

    kind: ClassVar[EventKind] = EventKind.UNEXPECTED_RETURN

    scanned: str | None = None
    notes: str = ""
    photos: list[str] = field(default_factory=list)
    lpn: str | None = None

    @property
    def subject(self) -> str | None:
        return self.unit


# --- the receiving bench -------------------------------------------------------------------


class CountedLot(TypedDict):
    lot: str | None
    expiry: str | None
    quantity: int


class CountedLine(TypedDict):
    line: int | None  # None for an item that was not expected
    sku: str
    expected: int
    received: int
    damaged: int
    lots: list[CountedLot]
    serials: list[str]


class Discrepancy(TypedDict):
    """Over, short, unexpected (with ``line`` and ``beyond_tolerance``), damaged (with
    ``reason``, ``location`` and ``photos``) or expiry (with ``expiry``, ``accepted_by``)."""

    kind: DiscrepancyKind
    sku: str
    quantity: int
    line: NotRequired[int | None]
    beyond_tolerance: NotRequired[bool]
    reason: NotRequired[str | None]
    lot: NotRequired[str | None]
    location: NotRequired[str | None]
    photos: NotRequired[list[str]]
    expiry: NotRequired[str | None]
    accepted_by: NotRequired[str | None]


class PutAway(TypedDict):
    """Good units of one item and lot in one bin."""

    bin: str
    sku: str
    lot: str | None
    quantity: int


class PlateContent(TypedDict):
    sku: str
    lot: str | None
    quantity: int


@dataclass(frozen=True, kw_only=True)
class ReceiptEvent(OutboxRecord):
    """An event about a receipt: its subject is the ASN, or a blind receipt's id."""

    receipt: str
    asn: str | None = None

    @property
    def subject(self) -> str:
        return self.asn or self.receipt


@dataclass(frozen=True, kw_only=True)
class ReceiptClosed(ReceiptEvent):
    kind: ClassVar[EventKind] = EventKind.RECEIPT_CLOSED

    po: str | None = None
    supplier: str
    bench: str | None = None
    operator: str | None = None
    approved_by: str | None = None
    at: str | None = None
    lines: list[CountedLine]
    discrepancies: list[Discrepancy]
    damaged_location: str | None = None
    putaways: list[PutAway]


@dataclass(frozen=True, kw_only=True)
class PutawayDone(ReceiptEvent):
    kind: ClassVar[EventKind] = EventKind.PUTAWAY_DONE

    lpn: str | None = None
    plates: list[str] = field(default_factory=list)
    bin: str
    suggested: str | None = None
    override: bool = False
    contents: list[PlateContent]
    bench: str | None = None
    operator: str | None = None
    at: str | None = None


# --- the dock's check-in ------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ParcelEvent(OutboxRecord):
    """An event about a parcel at the dock: its subject is its tag."""

    tag: str
    bench: str
    at: str  # ISO time, UTC

    @property
    def subject(self) -> str:
        return self.tag


@dataclass(frozen=True, kw_only=True)
class ParcelCheckedIn(ParcelEvent):
    kind: ClassVar[EventKind] = EventKind.PARCEL_CHECKED_IN

    scanned: str
    rma: str | None
    operator: str


@dataclass(frozen=True, kw_only=True)
class ParcelPulled(ParcelEvent):
    """Pulled from the backlog for inspection at ``bench``."""

    kind: ClassVar[EventKind] = EventKind.PARCEL_PULLED


RECORDS: dict[str, type[OutboxRecord]] = {
    record.kind: record
    for record in (
        UnexpectedReturn,
        ReturnReceived,
        InspectionRecorded,
        DispositionDecided,
        RefundEligible,
        ReceiptClosed,
        PutawayDone,
        ParcelCheckedIn,
        ParcelPulled,
    )
}


def discrepancies_told(payload: dict[str, Any]) -> tuple[str, list[Discrepancy]]:
    """The supplier and the discrepancies a ``receipt_closed`` event told the ERP, read
    from a payload of any release: the oldest lack the putaways a push needs, not these."""
    return payload.get("supplier") or "", payload.get("discrepancies", [])


def told_of(payload: Any) -> Any:
    """In SQL (SQLite's JSON), the part of a stored ``receipt_closed`` payload that
    ``discrepancies_told`` reads: years of receipts' lines are then not decoded to count
    their discrepancies. A payload some release stored as JSON text is read inside."""
    body = case((func.json_type(payload) == "text", func.json_extract(payload, "$")), else_=payload)
    told = func.json_object(
        "supplier", func.json_extract(body, "$.supplier"),
        "discrepancies", func.json(func.coalesce(func.json_extract(body, "$.discrepancies"), "[]")),
    )  # fmt: skip
    return type_coerce(told, JSON)


def read_event(kind: str, payload: dict[str, Any]) -> OutboxRecord:
    """The record of an event as stored (``EventLacks`` if an older release wrote less)."""
    return RECORDS[kind].from_payload(payload)


def unsent_about(session: Session, about: type[OutboxRecord], subject: str) -> int:
    """How many events about the document ``subject`` wait to be sent: ``about`` says which
    sort of document it is (``RmaEvent``: an RMA; ``ReceiptEvent``: an expected receipt),
    so that an RMA and an ASN that share a number are never taken for one another."""
    kinds = [kind for kind, record in RECORDS.items() if issubclass(record, about)]
    count = session.scalar(
        select(func.count())
        .select_from(OutboxEvent)
        .where(
            OutboxEvent.subject == subject,
            OutboxEvent.kind.in_(kinds),
            OutboxEvent.status == OutboxStatus.PENDING,
        )
    )
    return count or 0
