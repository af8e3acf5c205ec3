"""supervisor facts: a return's refund eligibility, units by finish time, and the daily
columnar chunks the supervisor view reads

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 10:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("return_unit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("refund_eligible", sa.Boolean(), nullable=True))
        batch_op.create_index("ix_return_unit_finished_at", ["finished_at"], unique=False)
    # Units decided before: eligible when their refund event was written.
    outbox = sa.table("outbox", sa.column("kind"), sa.column("payload", sa.JSON()))
    unit = sa.table(
        "return_unit", sa.column("id"), sa.column("status"), sa.column("refund_eligible")
    )
    refunded = sa.select(outbox.c.payload["unit"].as_string()).where(
        outbox.c.kind == "refund_eligible"
    )
    op.execute(
        unit.update()
        .where(unit.c.status == "decided")
        .values(refund_eligible=unit.c.id.in_(refunded))
    )
    op.create_table(
        "fact_code",
        sa.Column("dimension", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.Column("code", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("dimension", "value", name=op.f("pk_fact_code")),
    )
    op.create_table(
        "fact_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("columns", sa.LargeBinary(), nullable=False),
        sa.Column("built_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_fact_day")),
    )


def downgrade() -> None:
    op.drop_table("fact_day")
    op.drop_table("fact_code")
    with op.batch_alter_table("return_unit", schema=None) as batch_op:
        batch_op.drop_index("ix_return_unit_finished_at")
        batch_op.drop_column("refund_eligible")
