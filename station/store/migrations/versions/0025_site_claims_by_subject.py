"""the site's claims found by subject, held or not: the hub looks for those on the lines
each posted batch worked, and the claims are kept after they end

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 07:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_site_claim_subject", "site_claim", ["subject"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_site_claim_subject", table_name="site_claim")
