"""The site: at the hub, what every bench sent and the site's rules (approvals, claims,
serials, operators, the rule pack, conflicts); at a bench, its replica of them from the
feed, and the words its supervisor gave that the hub has not had yet."""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from station.states import (
    ApprovalState,
    ConflictKind,
    RefusalStatus,
    SerialUse,
)
from station.store.schema.base import Base, state_of


class SiteEvent(Base):
    """An outbox event of a bench of the site as the hub took it: once, by its UUID (a
    resend after a lost answer changes nothing). ``id`` is the hub's order of arrival."""

    __tablename__ = "site_event"
    __table_args__ = (
        Index("ix_site_event_feed", "txid", "id"),
        # A bench's replica reads the other benches' units by day, for the site's figures,
        # and each bench's latest event, for how fresh they are.
        Index("ix_site_event_created_at", "created_at"),
        Index("ix_site_event_bench_created_at", "bench", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    bench: Mapped[str] = mapped_column(String(40))
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
        # The claims ever made on the lines a batch worked, looked for at each post.
        Index("ix_site_claim_subject", "subject"),
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


class SiteRefusal(Base):
    """An outbox event of this bench the site's hub refused to take (``why``, in its words),
    in the exception queue until a supervisor sends it again or marks it handled; the
    events after it went up meanwhile."""

    __tablename__ = "site_refusal"

    seq: Mapped[int] = mapped_column(ForeignKey("outbox.seq"), primary_key=True)
    why: Mapped[str]
    refused_at: Mapped[datetime]
    tries: Mapped[int]
    status: Mapped[RefusalStatus] = mapped_column(state_of(RefusalStatus, "status"), index=True)


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
