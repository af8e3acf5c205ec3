"""sync cursors

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 08:04:38.279931
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sync_cursor",
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("since", sa.DateTime(), nullable=True),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("pulled_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("entity", name=op.f("pk_sync_cursor")),
    )


def downgrade() -> None:
    op.drop_table("sync_cursor")
