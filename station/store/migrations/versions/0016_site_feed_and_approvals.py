"""the site's feed order, the site's approvals, the answers given at a bench, the site's
operators, claims and conflicts

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("site_event") as batch:
        batch.add_column(sa.Column("txid", sa.BigInteger(), nullable=True))
        batch.create_index("ix_site_event_feed", ["txid", "id"], unique=False)
    with op.batch_alter_table("sync_cursor") as batch:
        batch.add_column(sa.Column("mark", sa.String(length=40), nullable=True))
    op.create_table(
        "site_approval",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bench", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("operator", sa.String(), nullable=False),
        sa.Column("since", sa.DateTime(), nullable=False),
        sa.Column("what", sa.String(), nullable=False),
        sa.Column("basis", sa.String(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "waiting",
                "approved",
                "refused",
                "withdrawn",
                name="state",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("answered_by", sa.String(), nullable=True),
        sa.Column("answered_by_name", sa.String(), nullable=True),
        sa.Column("answered_at_bench", sa.String(length=40), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("txid", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_approval")),
        sa.UniqueConstraint("bench", "kind", "key", name="uq_site_approval_item"),
    )
    op.create_index("ix_site_approval_feed", "site_approval", ["txid", "id"], unique=False)
    op.create_table(
        "site_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bench", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("basis", sa.String(), nullable=False),
        sa.Column("what", sa.String(), nullable=False),
        sa.Column("approve", sa.Boolean(), nullable=False),
        sa.Column("supervisor", sa.String(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("refused", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_answer")),
    )
    op.create_index(op.f("ix_site_answer_sent_at"), "site_answer", ["sent_at"], unique=False)
    op.create_table(
        "site_operator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("badge", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("pin_hash", sa.String(), nullable=False),
        sa.Column("removed", sa.Boolean(), nullable=False),
        sa.Column("txid", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_operator")),
        sa.UniqueConstraint("badge", name=op.f("uq_site_operator_badge")),
    )
    op.create_index("ix_site_operator_feed", "site_operator", ["txid", "id"], unique=False)
    op.create_table(
        "site_claim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=60), nullable=False),
        sa.Column("bench", sa.String(length=40), nullable=False),
        sa.Column("operator", sa.String(), nullable=False),
        sa.Column("since", sa.DateTime(), nullable=False),
        sa.Column("renewed_at", sa.DateTime(), nullable=False),
        sa.Column("released_at", sa.DateTime(), nullable=True),
        sa.Column("released_why", sa.String(), nullable=True),
        sa.Column("txid", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_claim")),
    )
    op.create_index(
        "ix_site_claim_holding", "site_claim", ["subject"], unique=True,
        sqlite_where=sa.text("released_at IS NULL"),
        postgresql_where=sa.text("released_at IS NULL"),
    )  # fmt: skip
    op.create_index("ix_site_claim_feed", "site_claim", ["txid", "id"], unique=False)
    op.create_table(
        "site_conflict",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "claim",
                "serial",
                name="kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("subject", sa.String(length=60), nullable=False),
        sa.Column("bench", sa.String(length=40), nullable=False),
        sa.Column("other_bench", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.String(), nullable=False),
        sa.Column("found_at", sa.DateTime(), nullable=False),
        sa.Column("txid", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_conflict")),
        sa.UniqueConstraint(
            "kind", "subject", "bench", "other_bench", name="uq_site_conflict_pair"
        ),
    )
    op.create_index("ix_site_conflict_feed", "site_conflict", ["txid", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_site_conflict_feed", table_name="site_conflict")
    op.drop_table("site_conflict")
    op.drop_index("ix_site_claim_feed", table_name="site_claim")
    op.drop_index("ix_site_claim_holding", table_name="site_claim")
    op.drop_table("site_claim")
    op.drop_index("ix_site_operator_feed", table_name="site_operator")
    op.drop_table("site_operator")
    op.drop_index(op.f("ix_site_answer_sent_at"), table_name="site_answer")
    op.drop_table("site_answer")
    op.drop_index("ix_site_approval_feed", table_name="site_approval")
    op.drop_table("site_approval")
    with op.batch_alter_table("sync_cursor") as batch:
        batch.drop_column("mark")
    with op.batch_alter_table("site_event") as batch:
        batch.drop_index("ix_site_event_feed")
        batch.drop_column("txid")
