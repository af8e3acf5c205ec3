"""pin_failure: wrong PINs kept in the store, so that the lockout outlives a restart and
counts the station's tries in both modes

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pin_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("bench", sa.String(length=40), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("counted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pin_failure")),
    )
    with op.batch_alter_table("pin_failure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pin_failure_bench"), ["bench"], unique=False)


def downgrade() -> None:
    op.drop_table("pin_failure")
