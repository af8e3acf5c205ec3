"""how a conflict between benches of the site was settled, the word given at a bench, and
the serials the site took in

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 19:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("site_conflict") as batch:
        batch.add_column(sa.Column("resolved_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("resolved_by", sa.String(), nullable=True))
        batch.add_column(sa.Column("resolved_at_bench", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("resolution", sa.String(), nullable=True))
    op.create_table(
        "site_resolution",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conflict_id", sa.Integer(), nullable=False),
        sa.Column("resolution", sa.String(), nullable=False),
        sa.Column("supervisor", sa.String(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("refused", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_resolution")),
    )
    op.create_index(
        op.f("ix_site_resolution_sent_at"), "site_resolution", ["sent_at"], unique=False
    )
    op.create_table(
        "site_serial",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "use",
            sa.Enum(
                "received",
                "returned",
                name="use",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("serial", sa.String(length=60), nullable=False),
        sa.Column("bench", sa.String(length=40), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("document", sa.String(length=40), nullable=True),
        sa.Column("taken_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_serial")),
        sa.UniqueConstraint("use", "serial", name="uq_site_serial_use"),
    )


def downgrade() -> None:
    op.drop_table("site_serial")
    op.drop_index(op.f("ix_site_resolution_sent_at"), table_name="site_resolution")
    op.drop_table("site_resolution")
    with op.batch_alter_table("site_conflict") as batch:
        batch.drop_column("resolution")
        batch.drop_column("resolved_at_bench")
        batch.drop_column("resolved_by")
        batch.drop_column("resolved_at")
