"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-27 04:01:51.317618
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("bench", sa.String(length=40), nullable=False),
        sa.Column("operator", sa.String(), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit")),
    )
    op.create_table(
        "item",
        sa.Column("sku", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("unit_value_cents", sa.Integer(), nullable=False),
        sa.Column("supplier", sa.String(), nullable=False),
        sa.Column("serial_tracked", sa.Boolean(), nullable=False),
        sa.Column("returnable", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("sku", name=op.f("pk_item")),
    )
    op.create_table(
        "label_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("bench", sa.String(length=40), nullable=False),
        sa.Column("template", sa.String(length=40), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_label_job")),
    )
    with op.batch_alter_table("label_job", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_label_job_status"), ["status"], unique=False)

    op.create_table(
        "location",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_location")),
    )
    op.create_table(
        "operator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("badge", sa.String(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("pin_hash", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operator")),
        sa.UniqueConstraint("badge", name=op.f("uq_operator_badge")),
    )
    op.create_table(
        "outbox",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_outbox")),
        sa.UniqueConstraint("event_id", name=op.f("uq_outbox_event_id")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_status"), ["status"], unique=False)

    op.create_table(
        "return_policy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=True),
        sa.Column("window_days", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_policy")),
        sa.UniqueConstraint("channel", "category", name=op.f("uq_return_policy_channel")),
    )
    op.create_table(
        "rma",
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("customer", sa.String(), nullable=False),
        sa.Column("order_number", sa.String(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("ship_date", sa.Date(), nullable=False),
        sa.Column("tracking_number", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_rma")),
    )
    with op.batch_alter_table("rma", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rma_customer"), ["customer"], unique=False)
        batch_op.create_index(batch_op.f("ix_rma_order_number"), ["order_number"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_rma_tracking_number"), ["tracking_number"], unique=False
        )

    op.create_table(
        "gtin",
        sa.Column("gtin14", sa.String(length=14), nullable=False),
        sa.Column("sku", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["sku"], ["item.sku"], name=op.f("fk_gtin_sku_item")),
        sa.PrimaryKeyConstraint("gtin14", name=op.f("pk_gtin")),
    )
    with op.batch_alter_table("gtin", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gtin_sku"), ["sku"], unique=False)

    op.create_table(
        "rma_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rma_number", sa.String(length=40), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=40), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("serial", sa.String(), nullable=True),
        sa.Column("stated_reason", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["rma_number"], ["rma.number"], name=op.f("fk_rma_line_rma_number_rma")
        ),
        sa.ForeignKeyConstraint(["sku"], ["item.sku"], name=op.f("fk_rma_line_sku_item")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rma_line")),
        sa.UniqueConstraint("rma_number", "line_no", name=op.f("uq_rma_line_rma_number")),
    )
    with op.batch_alter_table("rma_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rma_line_rma_number"), ["rma_number"], unique=False)
        batch_op.create_index(batch_op.f("ix_rma_line_serial"), ["serial"], unique=False)
        batch_op.create_index(batch_op.f("ix_rma_line_sku"), ["sku"], unique=False)

    op.create_table(
        "return_unit",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("bench", sa.String(length=40), nullable=False),
        sa.Column("operator", sa.String(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("rma_line_id", sa.Integer(), nullable=True),
        sa.Column("sku", sa.String(length=40), nullable=True),
        sa.Column("serial", sa.String(), nullable=True),
        sa.Column("identified_by", sa.String(), nullable=False),
        sa.Column("policy_verdict", sa.String(length=10), nullable=True),
        sa.Column("policy_trace", sa.JSON(), nullable=False),
        sa.Column("grade", sa.String(length=1), nullable=True),
        sa.Column("found_reason", sa.String(length=40), nullable=True),
        sa.Column("notes", sa.String(), nullable=False),
        sa.Column("disposition", sa.String(length=20), nullable=True),
        sa.Column("disposition_trace", sa.JSON(), nullable=False),
        sa.Column("rulepack_version", sa.String(), nullable=True),
        sa.Column("suggested_disposition", sa.String(length=20), nullable=True),
        sa.Column("approved_by", sa.String(), nullable=True),
        sa.Column("destination", sa.String(length=40), nullable=True),
        sa.Column("lpn", sa.String(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["destination"], ["location.code"], name=op.f("fk_return_unit_destination_location")
        ),
        sa.ForeignKeyConstraint(
            ["rma_line_id"], ["rma_line.id"], name=op.f("fk_return_unit_rma_line_id_rma_line")
        ),
        sa.ForeignKeyConstraint(["sku"], ["item.sku"], name=op.f("fk_return_unit_sku_item")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_unit")),
        sa.UniqueConstraint("lpn", name=op.f("uq_return_unit_lpn")),
    )
    with op.batch_alter_table("return_unit", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_return_unit_rma_line_id"), ["rma_line_id"], unique=False
        )
        batch_op.create_index("ix_return_unit_status", ["status"], unique=False)

    op.create_table(
        "checklist_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.String(length=36), nullable=False),
        sa.Column("question", sa.String(length=40), nullable=False),
        sa.Column("answer", sa.String(length=4), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["return_unit.id"], name=op.f("fk_checklist_answer_unit_id_return_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checklist_answer")),
        sa.UniqueConstraint("unit_id", "question", name=op.f("uq_checklist_answer_unit_id")),
    )
    with op.batch_alter_table("checklist_answer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_checklist_answer_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "photo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.String(length=36), nullable=False),
        sa.Column("path", sa.String(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("taken_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["return_unit.id"], name=op.f("fk_photo_unit_id_return_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_photo")),
    )
    with op.batch_alter_table("photo", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_photo_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "scan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("bench", sa.String(length=40), nullable=False),
        sa.Column("operator", sa.String(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("raw", sa.String(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("message", sa.String(), nullable=False),
        sa.Column("unit_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["return_unit.id"], name=op.f("fk_scan_unit_id_return_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scan")),
    )
    with op.batch_alter_table("scan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scan_unit_id"), ["unit_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("scan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scan_unit_id"))

    op.drop_table("scan")
    with op.batch_alter_table("photo", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_photo_unit_id"))

    op.drop_table("photo")
    with op.batch_alter_table("checklist_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checklist_answer_unit_id"))

    op.drop_table("checklist_answer")
    with op.batch_alter_table("return_unit", schema=None) as batch_op:
        batch_op.drop_index("ix_return_unit_status")
        batch_op.drop_index(batch_op.f("ix_return_unit_rma_line_id"))

    op.drop_table("return_unit")
    with op.batch_alter_table("rma_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rma_line_sku"))
        batch_op.drop_index(batch_op.f("ix_rma_line_serial"))
        batch_op.drop_index(batch_op.f("ix_rma_line_rma_number"))

    op.drop_table("rma_line")
    with op.batch_alter_table("gtin", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gtin_sku"))

    op.drop_table("gtin")
    with op.batch_alter_table("rma", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rma_tracking_number"))
        batch_op.drop_index(batch_op.f("ix_rma_order_number"))
        batch_op.drop_index(batch_op.f("ix_rma_customer"))

    op.drop_table("rma")
    op.drop_table("return_policy")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_status"))

    op.drop_table("outbox")
    op.drop_table("operator")
    op.drop_table("location")
    with op.batch_alter_table("label_job", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_label_job_status"))

    op.drop_table("label_job")
    op.drop_table("item")
    op.drop_table("audit")
