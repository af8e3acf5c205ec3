"""the supervisor's counts kept a day and a month, which years of figures are added up
from; RMAs by ship date, and those still coming, for the forecast

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "fact_tally",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("tallies", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_fact_tally")),
    )
    op.create_table(
        "fact_month",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("tallies", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("month", name=op.f("pk_fact_month")),
    )
    op.create_index(op.f("ix_rma_ship_date"), "rma", ["ship_date"], unique=False)
    coming = sa.text("erp_state IS NULL OR erp_state = 'draft'")
    op.create_index(
        "ix_rma_coming", "rma", ["ship_date"], sqlite_where=coming, postgresql_where=coming
    )
    # A day kept before has its tallies worked out from its columns when next read.


def downgrade() -> None:
    op.drop_index("ix_rma_coming", table_name="rma")
    op.drop_index(op.f("ix_rma_ship_date"), table_name="rma")
    op.drop_table("fact_month")
    op.drop_table("fact_tally")
