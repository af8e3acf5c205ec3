"""the site's serials in the feed, so that every bench knows them

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 19:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("site_serial") as batch:
        batch.add_column(sa.Column("txid", sa.BigInteger(), nullable=True))
        batch.create_index("ix_site_serial_feed", ["txid", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("site_serial") as batch:
        batch.drop_index("ix_site_serial_feed")
        batch.drop_column("txid")
