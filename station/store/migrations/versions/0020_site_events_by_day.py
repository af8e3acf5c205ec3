"""the site's events found by the day they were written, for the site's figures

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 19:50:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_site_event_created_at", "site_event", ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_site_event_created_at", table_name="site_event")
