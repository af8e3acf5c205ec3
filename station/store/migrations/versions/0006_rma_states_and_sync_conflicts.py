"""rma states and sync conflicts

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 08:36:49.074703
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sync_conflict",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("erp_state", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.String(), nullable=False),
        sa.Column("found_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_conflict")),
        sa.UniqueConstraint("entity", "key", "erp_state", name=op.f("uq_sync_conflict_entity")),
    )
    with op.batch_alter_table("rma", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erp_state", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("rma", schema=None) as batch_op:
        batch_op.drop_column("erp_state")

    op.drop_table("sync_conflict")
