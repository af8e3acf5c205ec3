"""outbox: when an event was first set out to be sent, and when the ERP took it

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 10:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tried_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("sent_at", sa.DateTime(), nullable=True))
    # Events written before: any may have been tried already (a lost answer, a crash), so
    # each looks up before it creates.
    op.execute("UPDATE outbox SET tried_at = created_at")


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("sent_at")
        batch_op.drop_column("tried_at")
