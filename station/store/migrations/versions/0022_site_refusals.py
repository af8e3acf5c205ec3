"""the events the site's hub refused, in the bench's exception queue

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05 22:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "site_refusal",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("why", sa.String(), nullable=False),
        sa.Column("refused_at", sa.DateTime(), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "refused",
                "again",
                "handled",
                name="status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["seq"], ["outbox.seq"], name=op.f("fk_site_refusal_seq_outbox")),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_site_refusal")),
    )
    op.create_index(op.f("ix_site_refusal_status"), "site_refusal", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_site_refusal_status"), table_name="site_refusal")
    op.drop_table("site_refusal")
