"""Tables of the local store.

Master data (items, locations, RMAs, expected receipts, suppliers, policies, operators)
comes from the ERP, or from the demo data set until sync runs, and may be replaced
wholesale. Bench facts (scans, return units, receipts, license plates, putaways, label
jobs, outbox, audit) are written here first and are never rewritten by a pull.
Money is stored in cents, times in UTC ISO text via SQLAlchemy's DateTime.
"""

from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Enum,
    ForeignKey,
    Index,
    MetaData,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from station.states import (
    ApprovalState,
    ConflictKind,
    ExpectedStatus,
    LabelJobState,
    LocationKind,
    OutboxStatus,
    ReceiptStatus,
    ScanOutcome,
    SerialUse,
    ShipmentState,
    UnitStatus,
    Verdict,
)

# Named constraints: Alembic's batch mode on SQLite can only recreate what has a name.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def state_of(enum: type[StrEnum], column: str) -> Enum:
    """A status column holding ``enum``'s values as text, as before it was typed, checked
    by a CHECK constraint named after the column (ck_<table>_<column>)."""
    return Enum(
        enum,
        name=column,
        native_enum=False,
        create_constraint=True,
        length=20,
        validate_strings=True,
        values_callable=lambda members: [m.value for m in members],
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


# --- master data -------------------------------------------------------------------------


class Item(Base):
    __tablename__ = "item"

    sku: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str]
    category: Mapped[str] = mapped_column(String(40))
    unit_value_cents: Mapped[int]
    supplier: Mapped[str]
    serial_tracked: Mapped[bool]
    returnable: Mapped[bool]
    lot_tracked: Mapped[bool] = mapped_column(default=False)
    min_shelf_life_days: Mapped[int | None]  # a lot must have this much life left at receipt

    gtins: Mapped[list["Gtin"]] = relationship(back_populates="item")


class Gtin(Base):
    """A GTIN of an item, normalised to 14 digits so GTIN-8/12/13/14 scans all find it."""

    __tablename__ = "gtin"

    gtin14: Mapped[str] = mapped_column(String(14), primary_key=True)
    sku: Mapped[str] = mapped_column(ForeignKey("item.sku"), index=True)

    item: Mapped[Item] = relationship(back_populates="gtins")


class Location(Base):
    """A bin, tote or disposition area; its code is also its barcode."""

    __tablename__ = "location"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str]
    kind: Mapped[LocationKind] = mapped_column(state_of(LocationKind, "kind"))
    zone: Mapped[str | None] = mapped_column(String(20))
    category: Mapped[str | None] = mapped_column(String(40))
    capacity: Mapped[int | None]  # units; None for areas that take whatever comes


class BinStock(Base):
    """What the ERP says a bin holds, so putaway knows where an item and lot already are."""

    __tablename__ = "bin_stock"

    bin: Mapped[str] = mapped_column(ForeignKey("location.code"), primary_key=True)
    sku: Mapped[str] = mapped_column(ForeignKey("item.sku"), primary_key=True)
    lot: Mapped[str] = mapped_column(primary_key=True, default="")  # "" when not lot-tracked
    quantity: Mapped[int]


class PutawayRule(Base):
    """Which zones take a category's good stock, best first."""

    __tablename__ = "putaway_rule"
    __table_args__ = (UniqueConstraint("category", "zone"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(40))
    zone: Mapped[str] = mapped_column(String(20))
    rank: Mapped[int]


class Supplier(Base):
    """A supplier; tolerances left empty fall back to the category's."""

    __tablename__ = "supplier"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)  # also its barcode
    name: Mapped[str] = mapped_column(unique=True)
    over_pct: Mapped[float | None]
    short_pct: Mapped[float | None]


class CategoryTolerance(Base):
    __tablename__ = "category_tolerance"

    category: Mapped[str] = mapped_column(String(40), primary_key=True)
    over_pct: Mapped[float]
    short_pct: Mapped[float]


class ExpectedReceipt(Base):
    """An advance shipping notice or purchase receipt: what a supplier said is coming."""

    __tablename__ = "expected_receipt"

    number: Mapped[str] = mapped_column(String(40), primary_key=True)  # the ASN
    po_number: Mapped[str] = mapped_column(String(40), index=True)
    supplier_code: Mapped[str] = mapped_column(ForeignKey("supplier.code"))
    expected_on: Mapped[date]
    status: Mapped[ExpectedStatus] = mapped_column(state_of(ExpectedStatus, "status"))

    supplier: Mapped[Supplier] = relationship()
    lines: Mapped[list["ExpectedLine"]] = relationship(order_by="ExpectedLine.line_no")
    pallets: Mapped[list["ExpectedPallet"]] = relationship()


class ExpectedLine(Base):
    __tablename__ = "expected_line"
    __table_args__ = (UniqueConstraint("receipt_number", "line_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_number: Mapped[str] = mapped_column(ForeignKey("expected_receipt.number"), index=True)
    line_no: Mapped[int]
    sku: Mapped[str] = mapped_column(ForeignKey("item.sku"), index=True)
    quantity: Mapped[int]
    lot: Mapped[str | None]  # the lot the supplier announced, if any

    item: Mapped[Item] = relationship()


class ExpectedPallet(Base):
    """An inbound pallet's SSCC (GS1 AI 00), which finds its receipt in one scan."""

    __tablename__ = "expected_pallet"

    sscc: Mapped[str] = mapped_column(String(18), primary_key=True)
    receipt_number: Mapped[str] = mapped_column(ForeignKey("expected_receipt.number"), index=True)


class Rma(Base):
    __tablename__ = "rma"

    number: Mapped[str] = mapped_column(String(40), primary_key=True)
    customer: Mapped[str] = mapped_column(index=True)
    order_number: Mapped[str] = mapped_column(index=True)
    channel: Mapped[str] = mapped_column(String(20))
    ship_date: Mapped[date]
    tracking_number: Mapped[str | None] = mapped_column(index=True)
    # The return shipment's state in the ERP (draft, received, done, cancelled), once pulled.
    erp_state: Mapped[ShipmentState | None] = mapped_column(state_of(ShipmentState, "erp_state"))

    lines: Mapped[list["RmaLine"]] = relationship(back_populates="rma", order_by="RmaLine.line_no")


class RmaLine(Base):
    __tablename__ = "rma_line"
    __table_args__ = (UniqueConstraint("rma_number", "line_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rma_number: Mapped[str] = mapped_column(ForeignKey("rma.number"), index=True)
    line_no: Mapped[int]
    sku: Mapped[str] = mapped_column(ForeignKey("item.sku"), index=True)
    quantity: Mapped[int]
    serial: Mapped[str | None] = mapped_column(index=True)
    stated_reason: Mapped[str] = mapped_column(String(40))

    rma: Mapped[Rma] = relationship(back_populates="lines")
    item: Mapped[Item] = relationship()


class ReturnPolicy(Base):
    """Return window per sales channel, optionally narrowed to one category."""

    __tablename__ = "return_policy"
    __table_args__ = (UniqueConstraint("channel", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    category: Mapped[str | None] = mapped_column(String(40))
    window_days: Mapped[int]


class Operator(Base):
    __tablename__ = "operator"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    badge: Mapped[str] = mapped_column(unique=True)
    role: Mapped[str] = mapped_column(String(20))  # inspector, clerk, supervisor
    pin_hash: Mapped[str]


# --- bench facts ---------------------------------------------------------------------------


class PinFailure(Base):
    """A wrong PIN typed at a bench of this station, in either mode. The station's wrong
    PINs of the last minutes lock PINs out, across a restart; a right PIN ends the count
    (``counted``) but keeps the row, for whoever audits the guessing."""

    __tablename__ = "pin_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    bench: Mapped[str] = mapped_column(String(40), index=True)
    mode: Mapped[str] = mapped_column(String(20))  # the bench mode it was typed at
    counted: Mapped[bool] = mapped_column(default=True)


class ScanRecord(Base):
    """Every scan the bench read, accepted or not; the raw text is never thrown away (of a
    read longer than any scan, its start, length and hash are kept)."""

    __tablename__ = "scan"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)  # activity views read newest first
    bench: Mapped[str] = mapped_column(String(40))
    operator: Mapped[str | None]
    source: Mapped[str] = mapped_column(String(20))
    # The read's first ``recording.RAW_KEPT`` characters, control characters shown as \xNN
    # so the row is printable; its whole length and its SHA-256 say what the rest was (both
    # None on rows from before 0012, which kept the whole read).
    raw: Mapped[str]
    raw_length: Mapped[int | None]
    raw_sha256: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[ScanOutcome] = mapped_column(state_of(ScanOutcome, "outcome"))
    message: Mapped[str]
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("return_unit.id"), index=True)
    receipt_id: Mapped[str | None] = mapped_column(ForeignKey("receipt.id"), index=True)


class ReturnUnit(Base):
    """One returned unit at the bench, from identification to its disposition."""

    __tablename__ = "return_unit"
    __table_args__ = (
        Index("ix_return_unit_status", "status"),
        Index("ix_return_unit_finished_at", "finished_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # uuid4
    status: Mapped[UnitStatus] = mapped_column(state_of(UnitStatus, "status"))
    bench: Mapped[str] = mapped_column(String(40))
    operator: Mapped[str]
    started_at: Mapped[datetime]
    rma_line_id: Mapped[int | None] = mapped_column(ForeignKey("rma_line.id"), index=True)
    sku: Mapped[str | None] = mapped_column(ForeignKey("item.sku"))
    serial: Mapped[str | None]
    identified_by: Mapped[str]  # the raw scan that found it
    policy_verdict: Mapped[Verdict | None] = mapped_column(state_of(Verdict, "policy_verdict"))
    policy_trace: Mapped[list[Any]] = mapped_column(default=list)
    grade: Mapped[str | None] = mapped_column(String(1))
    found_reason: Mapped[str | None] = mapped_column(String(40))
    notes: Mapped[str] = mapped_column(default="")
    disposition: Mapped[str | None] = mapped_column(String(20))
    disposition_trace: Mapped[list[Any]] = mapped_column(default=list)
    rulepack_version: Mapped[str | None]
    suggested_disposition: Mapped[str | None] = mapped_column(String(20))
    approved_by: Mapped[str | None]
    destination: Mapped[str | None] = mapped_column(ForeignKey("location.code"))
    lpn: Mapped[str | None] = mapped_column(unique=True)
    finished_at: Mapped[datetime | None]
    refund_eligible: Mapped[bool | None]  # the bench verified it: the customer may be refunded

    line: Mapped[RmaLine | None] = relationship()
    item: Mapped[Item | None] = relationship()
    answers: Mapped[list["ChecklistAnswer"]] = relationship(
        order_by="ChecklistAnswer.id", cascade="all, delete-orphan"
    )
    photos: Mapped[list["Photo"]] = relationship(order_by="Photo.id")


class ChecklistAnswer(Base):
    __tablename__ = "checklist_answer"
    __table_args__ = (UniqueConstraint("unit_id", "question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("return_unit.id"), index=True)
    question: Mapped[str] = mapped_column(String(40))
    answer: Mapped[str] = mapped_column(String(4))  # yes, no, skip
    passed: Mapped[bool | None]


class Photo(Base):
    """Evidence of a return unit, or of damaged goods at receipt."""

    __tablename__ = "photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("return_unit.id"), index=True)
    received_id: Mapped[int | None] = mapped_column(ForeignKey("received.id"), index=True)
    path: Mapped[str]
    sha256: Mapped[str] = mapped_column(String(64))
    taken_at: Mapped[datetime]


class Receipt(Base):
    """One receipt worked at the bench: against an expected receipt, or blind for a supplier."""

    __tablename__ = "receipt"
    __table_args__ = (Index("ix_receipt_status", "status"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # uuid4
    number: Mapped[str | None] = mapped_column(ForeignKey("expected_receipt.number"), index=True)
    supplier_code: Mapped[str] = mapped_column(ForeignKey("supplier.code"))
    status: Mapped[ReceiptStatus] = mapped_column(state_of(ReceiptStatus, "status"))
    bench: Mapped[str] = mapped_column(String(40))
    operator: Mapped[str]
    started_at: Mapped[datetime]
    identified_by: Mapped[str]
    approved_by: Mapped[str | None]  # the supervisor who accepted a breach of tolerance
    closed_at: Mapped[datetime | None]
    # The breaches a close waits on a supervisor for, as the clerk was told them.
    close_waits_for: Mapped[str | None]

    expected: Mapped[ExpectedReceipt | None] = relationship()
    supplier: Mapped[Supplier] = relationship()
    received: Mapped[list["Received"]] = relationship(order_by="Received.id")


class Received(Base):
    """Goods counted at the bench from one scan: an item, its lot, expiry or serial, how many."""

    __tablename__ = "received"
    # A serial is received once, ever; SQLite lets the NULLs of untracked goods repeat.
    # The few rows that may wait for a supervisor or evidence are indexed on their own,
    # because the bench looks for them before every scan.
    __table_args__ = (
        UniqueConstraint("sku", "serial", name="one_serial"),
        Index(
            "ix_received_flagged",
            "receipt_id",
            sqlite_where=text("damaged OR short_life"),
            postgresql_where=text("damaged OR short_life"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_id: Mapped[str] = mapped_column(ForeignKey("receipt.id"), index=True)
    line_id: Mapped[int | None] = mapped_column(ForeignKey("expected_line.id"), index=True)
    sku: Mapped[str] = mapped_column(ForeignKey("item.sku"))
    quantity: Mapped[int]
    lot: Mapped[str | None]
    expiry: Mapped[date | None]
    serial: Mapped[str | None]
    lpn: Mapped[str | None] = mapped_column(ForeignKey("lpn.code"), index=True)
    damaged: Mapped[bool] = mapped_column(default=False)
    damage_reason: Mapped[str | None] = mapped_column(String(40))
    short_life: Mapped[bool] = mapped_column(default=False)
    accepted_by: Mapped[str | None]  # the supervisor who took a short-life lot
    received_at: Mapped[datetime]
    operator: Mapped[str]

    item: Mapped[Item] = relationship()
    photos: Mapped[list["Photo"]] = relationship(order_by="Photo.id")


class Lpn(Base):
    """A license plate: a carton or pallet of received goods; cartons nest on pallets."""

    __tablename__ = "lpn"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    parent: Mapped[str | None] = mapped_column(ForeignKey("lpn.code"), index=True)
    receipt_id: Mapped[str | None] = mapped_column(ForeignKey("receipt.id"), index=True)
    bench: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime]
    bin: Mapped[str | None] = mapped_column(ForeignKey("location.code"))


class Putaway(Base):
    """A license plate confirmed into a bin by scan; an override when not the suggested one."""

    __tablename__ = "putaway"

    id: Mapped[int] = mapped_column(primary_key=True)
    lpn: Mapped[str] = mapped_column(ForeignKey("lpn.code"), index=True)
    bin: Mapped[str] = mapped_column(ForeignKey("location.code"))
    suggested: Mapped[str | None] = mapped_column(ForeignKey("location.code"))
    override: Mapped[bool]
    quantity: Mapped[int]
    receipt_id: Mapped[str | None] = mapped_column(ForeignKey("receipt.id"), index=True)
    operator: Mapped[str]
    at: Mapped[datetime]


class LabelJob(Base):
    """A label waiting for, or sent to, a printer; a table so it survives a crash."""

    __tablename__ = "label_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime]
    bench: Mapped[str] = mapped_column(String(40))
    template: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]]
    status: Mapped[LabelJobState] = mapped_column(state_of(LabelJobState, "status"), index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None]
    next_attempt_at: Mapped[datetime | None]
    printed_at: Mapped[datetime | None]


class OutboxEvent(Base):
    """An event for the ERP, written in the same transaction as the fact it reports."""

    __tablename__ = "outbox"

    seq: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]]
    # What the event is about (an RMA, a receipt's ASN or id, a unit), as its record says,
    # so "unsent events about RMA X" is a column query; NULL for an old payload lacking it.
    subject: Mapped[str | None] = mapped_column(String(40), index=True)
    created_at: Mapped[datetime]
    status: Mapped[OutboxStatus] = mapped_column(state_of(OutboxStatus, "status"), index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None]
    # Set before the first try: an event never tried cannot have made a record in the ERP,
    # so its create needs no lookup first.
    tried_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]  # when the ERP took it


class AuditEntry(Base):
    """Who did what at the bench; a hash chain (station.audit_chain) shows tampering."""

    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    bench: Mapped[str] = mapped_column(String(40))
    operator: Mapped[str]
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str]
    detail: Mapped[dict[str, Any]]
    prev_hash: Mapped[str] = mapped_column(String(64))  # the entry before's hash
    hash: Mapped[str] = mapped_column(String(64))


class AuditCheck(Base):
    """One verification of the audit chain: what it saw and the first break, if any."""

    __tablename__ = "audit_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    entries: Mapped[int]
    head_id: Mapped[int]  # the last entry in a sound chain, checked again next time
    head_hash: Mapped[str] = mapped_column(String(64))
    broken: Mapped[str | None]  # None: the chain held


class SyncCursor(Base):
    """How far a pull of one entity got: rows changed since ``since`` (ERP time), and
    within a pull in progress, the last id applied; written with the page it covers.
    ``pulled_at`` is when the last whole pull started."""

    __tablename__ = "sync_cursor"

    entity: Mapped[str] = mapped_column(String(40), primary_key=True)
    since: Mapped[datetime | None]
    last_id: Mapped[int] = mapped_column(default=0)
    pulled_at: Mapped[datetime | None]
    mark: Mapped[str | None] = mapped_column(String(40))  # a place in the hub's feed


class SyncConflict(Base):
    """The ERP changed what the bench is working on: shown to a supervisor; the bench's
    facts are kept, not overwritten."""

    __tablename__ = "sync_conflict"
    __table_args__ = (UniqueConstraint("entity", "key", "erp_state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(40))
    key: Mapped[str]
    erp_state: Mapped[ShipmentState] = mapped_column(state_of(ShipmentState, "erp_state"))
    detail: Mapped[str]
    found_at: Mapped[datetime]


class FactCode(Base):
    """The number standing for a bench, operator, item, reason... in the supervisor's facts."""

    __tablename__ = "fact_code"
    __table_args__ = (UniqueConstraint("dimension", "code", name="uq_fact_code_dimension_code"),)

    dimension: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[str] = mapped_column(primary_key=True)
    code: Mapped[int]


class FactDay(Base):
    """One past day's returns as columns (one block of int32), built once: the
    supervisor view reads months of them in a blink instead of scanning every unit."""

    __tablename__ = "fact_day"

    day: Mapped[date] = mapped_column(primary_key=True)
    rows: Mapped[int]
    columns: Mapped[bytes]
    built_at: Mapped[datetime]


# --- the site -----------------------------------------------------------------------------


class SiteEvent(Base):
    """An outbox event of a bench of the site as the hub took it: once, by its UUID (a
    resend after a lost answer changes nothing). ``id`` is the hub's order of arrival."""

    __tablename__ = "site_event"
    __table_args__ = (Index("ix_site_event_feed", "txid", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    bench: Mapped[str] = mapped_column(String(40), index=True)
    seq: Mapped[int]  # its place in the bench's own outbox
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str | None] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]  # at the bench
    received_at: Mapped[datetime]  # at the hub
    # The hub's transaction that took it: the order of the site's feed (``hub.feed``).
    txid: Mapped[int | None] = mapped_column(BigInteger)


class BenchToken(Base):
    """A bench's enrolment at the hub: the SHA-256 of the token it presents (the token is
    shown once, by ``station hub enrol``, and never stored), and until when it holds."""

    __tablename__ = "bench_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    bench: Mapped[str] = mapped_column(String(40), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class SiteApproval(Base):
    """Something a bench waits for a supervisor's answer to, as the site knows it: at the
    hub the one queue of the site, at a bench its replica from the hub's feed. A new
    ``basis`` (what the supervisor is shown) asks anew: an answer holds for what was seen."""

    __tablename__ = "site_approval"
    __table_args__ = (
        UniqueConstraint("bench", "kind", "key", name="uq_site_approval_item"),
        Index("ix_site_approval_feed", "txid", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bench: Mapped[str] = mapped_column(String(40))  # the bench that asks
    kind: Mapped[str] = mapped_column(String(20))  # station.supervisor.approvals' kinds
    key: Mapped[str] = mapped_column(String(40))  # the unit, lot or receipt at that bench
    operator: Mapped[str]
    since: Mapped[datetime]
    what: Mapped[str]
    basis: Mapped[str]
    state: Mapped[ApprovalState] = mapped_column(state_of(ApprovalState, "state"))
    answered_by: Mapped[str | None]  # the supervisor's badge
    answered_by_name: Mapped[str | None]
    answered_at_bench: Mapped[str | None] = mapped_column(String(40))
    answered_at: Mapped[datetime | None]
    txid: Mapped[int | None] = mapped_column(BigInteger)  # the hub's, at its last change


class SiteAnswer(Base):
    """A supervisor's answer given at this bench to another bench's approval: on disk
    until the hub takes it (``sent_at``) or refuses it (``refused``, said on screen)."""

    __tablename__ = "site_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    bench: Mapped[str] = mapped_column(String(40))  # the bench that asked
    kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(40))
    basis: Mapped[str]
    what: Mapped[str]
    approve: Mapped[bool]
    supervisor: Mapped[str]  # badge
    answered_at: Mapped[datetime]
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    refused: Mapped[str | None]


class SiteOperator(Base):
    """An operator of the site, kept once at the hub (``station hub operator``) and
    carried down by the feed into every bench's ``operator`` table; the hub checks an
    approver's role here. A removed one stays, so that the benches hear it."""

    __tablename__ = "site_operator"
    __table_args__ = (Index("ix_site_operator_feed", "txid", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    badge: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str]
    role: Mapped[str] = mapped_column(String(20))  # station.operators.Role
    pin_hash: Mapped[str]
    removed: Mapped[bool] = mapped_column(default=False)
    txid: Mapped[int | None] = mapped_column(BigInteger)


SUBJECT_LONGEST = 60  # a claim's subject: an RMA number and a line, or a receipt's number


class SiteClaim(Base):
    """A bench's claim (a lease) on an RMA line ("RMA-10004/1") or an expected receipt:
    at the hub the site's truth, renewed while the bench lists it and ended when it stops,
    when a supervisor takes it over, or when its lease runs out; at a bench the replica it
    refuses a second start by. One claim at a time holds a subject."""

    __tablename__ = "site_claim"
    __table_args__ = (
        Index(
            "ix_site_claim_holding", "subject", unique=True,
            sqlite_where=text("released_at IS NULL"),
            postgresql_where=text("released_at IS NULL"),
        ),
        Index("ix_site_claim_feed", "txid", "id"),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(SUBJECT_LONGEST))
    bench: Mapped[str] = mapped_column(String(40))
    operator: Mapped[str]  # a badge
    since: Mapped[datetime]  # when the work began at the bench
    renewed_at: Mapped[datetime]  # at the hub: the last time the bench listed it
    released_at: Mapped[datetime | None]
    released_why: Mapped[str | None]
    txid: Mapped[int | None] = mapped_column(BigInteger)


class SiteConflict(Base):
    """Two benches did what cannot both stand, found by the hub when the late one came
    back: both benches' facts are kept, and a supervisor decides (the exception queue)."""

    __tablename__ = "site_conflict"
    __table_args__ = (
        UniqueConstraint("kind", "subject", "bench", "other_bench", name="uq_site_conflict_pair"),
        Index("ix_site_conflict_feed", "txid", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ConflictKind] = mapped_column(state_of(ConflictKind, "kind"))
    subject: Mapped[str] = mapped_column(String(SUBJECT_LONGEST))
    bench: Mapped[str] = mapped_column(String(40))  # the bench that came late
    other_bench: Mapped[str] = mapped_column(String(40))  # the one that holds it
    detail: Mapped[str]
    found_at: Mapped[datetime]
    # A supervisor's word on how it was settled, given at any bench, kept by the hub.
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None]  # a badge
    resolved_at_bench: Mapped[str | None] = mapped_column(String(40))
    resolution: Mapped[str | None]
    txid: Mapped[int | None] = mapped_column(BigInteger)


class SiteResolution(Base):
    """A supervisor's word at this bench on how a conflict of the site was settled: on
    disk until the hub takes it (``sent_at``) or refuses it (``refused``)."""

    __tablename__ = "site_resolution"

    id: Mapped[int] = mapped_column(primary_key=True)
    conflict_id: Mapped[int]  # the hub's id of the conflict
    resolution: Mapped[str]
    supervisor: Mapped[str]  # a badge
    resolved_at: Mapped[datetime]
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    refused: Mapped[str | None]


class SiteSerial(Base):
    """A serial the site took in, at the hub: one of each use (received, returned) across
    the site; a second, from another bench, is a conflict. At a bench, the replica the
    feed brought, by which it refuses a serial already received elsewhere."""

    __tablename__ = "site_serial"
    __table_args__ = (
        UniqueConstraint("use", "serial", name="uq_site_serial_use"),
        Index("ix_site_serial_feed", "txid", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    use: Mapped[SerialUse] = mapped_column(state_of(SerialUse, "use"))
    serial: Mapped[str] = mapped_column(String(SUBJECT_LONGEST))
    bench: Mapped[str] = mapped_column(String(40))
    event_id: Mapped[str] = mapped_column(String(36))  # the event that carried it
    document: Mapped[str | None] = mapped_column(String(40))  # its RMA or receipt
    taken_at: Mapped[datetime]
    txid: Mapped[int | None] = mapped_column(BigInteger)


class SiteRulepack(Base):
    """A rule pack the site's hub put in force (``station hub rulepack``): the newest is
    the one every bench works by; at a bench, the replica its feed brought."""

    __tablename__ = "site_rulepack"
    __table_args__ = (Index("ix_site_rulepack_feed", "txid", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(40), index=True)
    text: Mapped[str]  # the pack's TOML, as published
    published_at: Mapped[datetime]
    txid: Mapped[int | None] = mapped_column(BigInteger)
