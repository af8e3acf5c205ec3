"""typed states: CHECK constraints on the status (and kind) columns; the outbox's subject, filled
from the payloads of the events already there

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 10:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The values as this revision knows them; a later revision that adds one says so itself.
SHIPMENT_STATES = ("draft", "received", "done", "cancelled")
STATES = {
    ("expected_receipt", "status"): ("open", "done", "cancelled"),
    ("rma", "erp_state"): SHIPMENT_STATES,
    ("return_unit", "status"): ("open", "decided", "triage", "cancelled"),
    ("receipt", "status"): ("open", "closed", "cancelled"),
    ("outbox", "status"): ("pending", "sent", "rejected", "handled"),
    ("label_job", "status"): ("queued", "sending", "printed", "unsure", "failed"),
    ("location", "kind"): ("bin", "quarantine", "damaged", "disposition", "triage"),
    ("scan", "outcome"): ("accepted", "rejected", "refused", "duplicate"),
    ("return_unit", "policy_verdict"): ("pass", "warn", "fail"),
    ("sync_conflict", "erp_state"): SHIPMENT_STATES,
}
# The payload's keys read as text in SQL that both SQLite and PostgreSQL run.
OUTBOX = sa.table(
    "outbox", sa.column("kind"), sa.column("payload", sa.JSON()), sa.column("subject")
)
RMA, UNIT, ASN, RECEIPT = (
    OUTBOX.c.payload[k].as_string() for k in ("rma", "unit", "asn", "receipt")
)
# Which payload key names each kind's subject (a receipt's: its ASN, else its id).
SUBJECTS = {
    "inspection_recorded": RMA,
    "return_received": RMA,
    "disposition_decided": RMA,
    "refund_eligible": RMA,
    "unexpected_return": UNIT,
    "receipt_closed": sa.func.coalesce(sa.func.nullif(ASN, ""), RECEIPT),
    "putaway_done": sa.func.coalesce(sa.func.nullif(ASN, ""), RECEIPT),
}


def upgrade() -> None:
    # Every column but one held only what the station itself wrote. An RMA's ERP state is
    # what Tryton sent: one the station does not know (a customised workflow) is forgotten
    # rather than refused, as the pull now leaves such a state out (and logs it).
    known = ", ".join(f"'{v}'" for v in SHIPMENT_STATES)
    op.execute(f"UPDATE rma SET erp_state = NULL WHERE erp_state NOT IN ({known})")
    with op.batch_alter_table("return_unit", schema=None) as batch_op:  # as every state's
        batch_op.alter_column(
            "policy_verdict", existing_type=sa.String(length=10), type_=sa.String(length=20)
        )
    for (table, column), values in STATES.items():
        listed = ", ".join(f"'{v}'" for v in values)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_check_constraint(
                op.f(f"ck_{table}_{column}"), sa.text(f"{column} IN ({listed})")
            )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subject", sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f("ix_outbox_subject"), ["subject"], unique=False)
    for kind, subject in SUBJECTS.items():
        op.execute(OUTBOX.update().where(OUTBOX.c.kind == kind).values(subject=subject))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_subject"))
        batch_op.drop_column("subject")
    for table, column in STATES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_{column}"), type_="check")
    with op.batch_alter_table("return_unit", schema=None) as batch_op:
        batch_op.alter_column(
            "policy_verdict", existing_type=sa.String(length=20), type_=sa.String(length=10)
        )
