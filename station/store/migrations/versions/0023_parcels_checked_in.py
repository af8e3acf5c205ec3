"""returned parcels checked in at the dock, waiting in the backlog until pulled

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "parcel",
        sa.Column("tag", sa.String(length=40), nullable=False),
        sa.Column("scanned", sa.String(), nullable=False),
        sa.Column("rma_number", sa.String(length=40), nullable=True),
        sa.Column("bench", sa.String(length=40), nullable=False),
        sa.Column("operator", sa.String(), nullable=False),
        sa.Column("arrived_at", sa.DateTime(), nullable=False),
        sa.Column("pulled_at", sa.DateTime(), nullable=True),
        sa.Column("pulled_by", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("tag", name=op.f("pk_parcel")),
    )
    op.create_index(op.f("ix_parcel_rma_number"), "parcel", ["rma_number"], unique=False)
    op.create_index("ix_parcel_waiting", "parcel", ["pulled_at", "arrived_at", "tag"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_parcel_waiting", table_name="parcel")
    op.drop_index(op.f("ix_parcel_rma_number"), table_name="parcel")
    op.drop_table("parcel")
