"""the site: the events of every bench as the hub took them, and the benches' tokens

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "site_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("bench", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=40), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_event")),
        sa.UniqueConstraint("event_id", name=op.f("uq_site_event_event_id")),
    )
    op.create_index(op.f("ix_site_event_bench"), "site_event", ["bench"], unique=False)
    op.create_table(
        "bench_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bench", sa.String(length=40), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bench_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_bench_token_token_hash")),
    )
    op.create_index(op.f("ix_bench_token_bench"), "bench_token", ["bench"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_bench_token_bench"), table_name="bench_token")
    op.drop_table("bench_token")
    op.drop_index(op.f("ix_site_event_bench"), table_name="site_event")
    op.drop_table("site_event")
