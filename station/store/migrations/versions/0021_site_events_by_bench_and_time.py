"""the site's events found by bench and time: each bench's latest, in a few index probes

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 19:45:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # It serves every lookup by bench too: the index on bench alone would only cost writes.
    op.create_index(
        "ix_site_event_bench_created_at", "site_event", ["bench", "created_at"], unique=False
    )
    op.drop_index("ix_site_event_bench", table_name="site_event")


def downgrade() -> None:
    op.create_index("ix_site_event_bench", "site_event", ["bench"], unique=False)
    op.drop_index("ix_site_event_bench_created_at", table_name="site_event")
