"""fact codes: one value per code and dimension

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27 11:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("fact_code", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_fact_code_dimension_code", ["dimension", "code"])


def downgrade() -> None:
    with op.batch_alter_table("fact_code", schema=None) as batch_op:
        batch_op.drop_constraint("uq_fact_code_dimension_code", type_="unique")
