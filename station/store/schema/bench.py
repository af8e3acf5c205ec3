"""Bench facts: scans, return units, receipts, license plates, putaways, label jobs, the
outbox, the audit trail, the sync's cursors and conflicts, and the supervisor's facts.
Written here first and never rewritten by a pull."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from station.states import (
    LabelJobState,
    OutboxStatus,
    ReceiptStatus,
    ScanOutcome,
    ShipmentState,
    UnitStatus,
    Verdict,
)
from station.store.schema.base import Base, state_of
from station.store.schema.master import ExpectedReceipt, Item, RmaLine, Supplier


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


class Parcel(Base):
    """A returned parcel checked in at the dock: its tag (``PCL-<bench>-NNNNNN``), what was
    scanned, its RMA (None: none found, it waits for triage), when and by whom; then, once
    an inspector pulls it from the backlog (its tag or its RMA scanned at a returns bench),
    when. The backlog is the parcels not pulled."""

    __tablename__ = "parcel"
    # The backlog: the parcels not pulled, in the order they came, without a sort.
    __table_args__ = (Index("ix_parcel_waiting", "pulled_at", "arrived_at", "tag"),)

    tag: Mapped[str] = mapped_column(String(40), primary_key=True)
    scanned: Mapped[str]
    # No key to the RMA: a parcel checked in at another bench of the site may name an RMA
    # this bench's ERP pull has not brought yet.
    rma_number: Mapped[str | None] = mapped_column(String(40), index=True)
    bench: Mapped[str] = mapped_column(String(40))
    operator: Mapped[str]
    arrived_at: Mapped[datetime]
    pulled_at: Mapped[datetime | None]
    pulled_by: Mapped[str | None] = mapped_column(String(40))  # the bench that pulled it


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


class FactTally(Base):
    """One past day's counts that every figure of the supervisor view adds up
    (``station.supervisor.tally``), kept with its ``FactDay``: years of figures are read
    from these without reading a unit. A table apart, so that reading them does not read
    the day's rows too."""

    __tablename__ = "fact_tally"

    day: Mapped[date] = mapped_column(primary_key=True)
    units: Mapped[int]
    tallies: Mapped[bytes]


class FactMonth(Base):
    """A whole past month's tallies summed once (``station.supervisor.kept``): years of
    figures add up some fifty of these, not fifteen hundred days'. Forgotten with any of
    its days."""

    __tablename__ = "fact_month"

    month: Mapped[date] = mapped_column(primary_key=True)  # its first day
    tallies: Mapped[bytes]
