"""label jobs retry and print times

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 05:27:51.885417
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("label_job", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_attempt_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("printed_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("label_job", schema=None) as batch_op:
        batch_op.drop_column("printed_at")
        batch_op.drop_column("next_attempt_at")
