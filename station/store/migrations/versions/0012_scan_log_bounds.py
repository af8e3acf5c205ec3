"""scan log bounds: a read's length and SHA-256 beside the start of it that is kept; a scan
the station broke on has an outcome of its own

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OUTCOMES = ("accepted", "rejected", "refused", "duplicate")


def _outcomes(values: Sequence[str]) -> None:
    listed = ", ".join(f"'{v}'" for v in values)
    with op.batch_alter_table("scan", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_scan_outcome"), type_="check")
        batch_op.create_check_constraint(op.f("ck_scan_outcome"), sa.text(f"outcome IN ({listed})"))


def upgrade() -> None:
    # Rows already there kept the whole read: no length or hash is made up for them.
    with op.batch_alter_table("scan", schema=None) as batch_op:
        batch_op.add_column(sa.Column("raw_length", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("raw_sha256", sa.String(length=64), nullable=True))
    _outcomes((*OUTCOMES, "failed"))


def downgrade() -> None:
    op.execute("UPDATE scan SET outcome = 'rejected' WHERE outcome = 'failed'")
    _outcomes(OUTCOMES)
    with op.batch_alter_table("scan", schema=None) as batch_op:
        batch_op.drop_column("raw_sha256")
        batch_op.drop_column("raw_length")
