"""audit chain: each audit entry carries the hash of the one before and its own; the
entries already there are chained in id order; verifications of the chain are kept

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 13:00:00
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from station.audit_chain import GENESIS, link

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    connection = op.get_bind()
    # Entries from before this revision exist only in a bench's store; they are chained as
    # SQLite hands them back (the time as text, the detail as JSON text).
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql(
            "SELECT id, at, bench, operator, action, subject, detail FROM audit ORDER BY id"
        ).fetchall()
        before, links = GENESIS, []
        for *fields, detail in rows:
            chained = link(before, (*fields, json.loads(detail)))
            links.append({"id": fields[0], "prev_hash": before, "hash": chained})
            before = chained
        if links:
            connection.execute(
                sa.text("UPDATE audit SET prev_hash = :prev_hash, hash = :hash WHERE id = :id"),
                links,
            )
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
    op.create_table(
        "audit_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("head_id", sa.Integer(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.Column("broken", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_check")),
    )


def downgrade() -> None:
    op.drop_table("audit_check")
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
