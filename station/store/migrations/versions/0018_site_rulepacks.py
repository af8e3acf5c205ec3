"""the rule packs the site's hub put in force

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "site_rulepack",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("txid", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_rulepack")),
    )
    op.create_index(op.f("ix_site_rulepack_version"), "site_rulepack", ["version"], unique=False)
    op.create_index("ix_site_rulepack_feed", "site_rulepack", ["txid", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_site_rulepack_feed", table_name="site_rulepack")
    op.drop_index(op.f("ix_site_rulepack_version"), table_name="site_rulepack")
    op.drop_table("site_rulepack")
