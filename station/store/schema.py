"""Tables of the local store.

Master data (items, locations, RMAs, policies, operators) comes from the ERP, or from the
demo data set until sync runs, and may be replaced wholesale. Bench facts (scans, return
units, label jobs, outbox, audit) are written here first and are never rewritten by a pull.
Money is stored in cents, times in UTC ISO text via SQLAlchemy's DateTime.
"""

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, ForeignKey, Index, MetaData, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Named constraints: Alembic's batch mode on SQLite can only recreate what has a name.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


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
    kind: Mapped[str] = mapped_column(String(20))  # bin, disposition, triage


class Rma(Base):
    __tablename__ = "rma"

    number: Mapped[str] = mapped_column(String(40), primary_key=True)
    customer: Mapped[str] = mapped_column(index=True)
    order_number: Mapped[str] = mapped_column(index=True)
    channel: Mapped[str] = mapped_column(String(20))
    ship_date: Mapped[date]
    tracking_number: Mapped[str | None] = mapped_column(index=True)

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


class ScanRecord(Base):
    """Every scan the bench read, accepted or not; the raw text is never thrown away."""

    __tablename__ = "scan"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)  # activity views read newest first
    bench: Mapped[str] = mapped_column(String(40))
    operator: Mapped[str | None]
    source: Mapped[str] = mapped_column(String(20))
    raw: Mapped[str]  # control characters shown as \xNN so the row is printable
    kind: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(20))  # accepted, rejected, duplicate
    message: Mapped[str]
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("return_unit.id"), index=True)


class ReturnUnit(Base):
    """One returned unit at the bench, from identification to its disposition."""

    __tablename__ = "return_unit"
    __table_args__ = (Index("ix_return_unit_status", "status"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # uuid4
    status: Mapped[str] = mapped_column(String(20))  # open, decided, triage, cancelled
    bench: Mapped[str] = mapped_column(String(40))
    operator: Mapped[str]
    started_at: Mapped[datetime]
    rma_line_id: Mapped[int | None] = mapped_column(ForeignKey("rma_line.id"), index=True)
    sku: Mapped[str | None] = mapped_column(ForeignKey("item.sku"))
    serial: Mapped[str | None]
    identified_by: Mapped[str]  # the raw scan that found it
    policy_verdict: Mapped[str | None] = mapped_column(String(10))
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
    __tablename__ = "photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("return_unit.id"), index=True)
    path: Mapped[str]
    sha256: Mapped[str] = mapped_column(String(64))
    taken_at: Mapped[datetime]


class LabelJob(Base):
    """A label waiting for, or sent to, a printer; a table so it survives a crash."""

    __tablename__ = "label_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime]
    bench: Mapped[str] = mapped_column(String(40))
    template: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]]
    # queued; printed; unsure (sent, but the printer never said it was done: a person
    # decides whether to print again, so no retry prints a label twice)
    status: Mapped[str] = mapped_column(String(20), index=True)
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
    created_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20), index=True)  # pending, sent, rejected
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None]


class AuditEntry(Base):
    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    bench: Mapped[str] = mapped_column(String(40))
    operator: Mapped[str]
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str]
    detail: Mapped[dict[str, Any]]
