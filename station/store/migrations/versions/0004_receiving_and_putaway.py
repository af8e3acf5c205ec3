"""receiving and putaway

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 07:03:48.248015
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "category_tolerance",
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("over_pct", sa.Double(), nullable=False),
        sa.Column("short_pct", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("category", name=op.f("pk_category_tolerance")),
    )
    op.create_table(
        "putaway_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("zone", sa.String(length=20), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_putaway_rule")),
        sa.UniqueConstraint("category", "zone", name=op.f("uq_putaway_rule_category")),
    )
    op.create_table(
        "supplier",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("over_pct", sa.Double(), nullable=True),
        sa.Column("short_pct", sa.Double(), nullable=True),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_supplier")),
        sa.UniqueConstraint("name", name=op.f("uq_supplier_name")),
    )
    op.create_table(
        "bin_stock",
        sa.Column("bin", sa.String(length=40), nullable=False),
        sa.Column("sku", sa.String(length=40), nullable=False),
        sa.Column("lot", sa.String(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["bin"], ["location.code"], name=op.f("fk_bin_stock_bin_location")),
        sa.ForeignKeyConstraint(["sku"], ["item.sku"], name=op.f("fk_bin_stock_sku_item")),
        sa.PrimaryKeyConstraint("bin", "sku", "lot", name=op.f("pk_bin_stock")),
    )
    op.create_table(
        "expected_receipt",
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("po_number", sa.String(length=40), nullable=False),
        sa.Column("supplier_code", sa.String(length=40), nullable=False),
        sa.Column("expected_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["supplier_code"],
            ["supplier.code"],
            name=op.f("fk_expected_receipt_supplier_code_supplier"),
        ),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_expected_receipt")),
    )
    with op.batch_alter_table("expected_receipt", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_expected_receipt_po_number"), ["po_number"], unique=False
        )

    op.create_table(
        "expected_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("receipt_number", sa.String(length=40), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=40), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("lot", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["receipt_number"],
            ["expected_receipt.number"],
            name=op.f("fk_expected_line_receipt_number_expected_receipt"),
        ),
        sa.ForeignKeyConstraint(["sku"], ["item.sku"], name=op.f("fk_expected_line_sku_item")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expected_line")),
        sa.UniqueConstraint(
            "receipt_number", "line_no", name=op.f("uq_expected_line_receipt_number")
        ),
    )
    with op.batch_alter_table("expected_line", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_expected_line_receipt_number"), ["receipt_number"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_expected_line_sku"), ["sku"], unique=False)

    op.create_table(
        "expected_pallet",
        sa.Column("sscc", sa.String(length=18), nullable=False),
        sa.Column("receipt_number", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["receipt_number"],
            ["expected_receipt.number"],
            name=op.f("fk_expected_pallet_receipt_number_expected_receipt"),
        ),
        sa.PrimaryKeyConstraint("sscc", name=op.f("pk_expected_pallet")),
    )
    with op.batch_alter_table("expected_pallet", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_expected_pallet_receipt_number"), ["receipt_number"], unique=False
        )

    op.create_table(
        "receipt",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=True),
        sa.Column("supplier_code", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("bench", sa.String(length=40), nullable=False),
        sa.Column("operator", sa.String(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("identified_by", sa.String(), nullable=False),
        sa.Column("approved_by", sa.String(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["number"], ["expected_receipt.number"], name=op.f("fk_receipt_number_expected_receipt")
        ),
        sa.ForeignKeyConstraint(
            ["supplier_code"], ["supplier.code"], name=op.f("fk_receipt_supplier_code_supplier")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receipt")),
    )
    with op.batch_alter_table("receipt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_receipt_number"), ["number"], unique=False)
        batch_op.create_index("ix_receipt_status", ["status"], unique=False)

    op.create_table(
        "lpn",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("parent", sa.String(length=40), nullable=True),
        sa.Column("receipt_id", sa.String(length=36), nullable=True),
        sa.Column("bench", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("bin", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(["bin"], ["location.code"], name=op.f("fk_lpn_bin_location")),
        sa.ForeignKeyConstraint(["parent"], ["lpn.code"], name=op.f("fk_lpn_parent_lpn")),
        sa.ForeignKeyConstraint(
            ["receipt_id"], ["receipt.id"], name=op.f("fk_lpn_receipt_id_receipt")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_lpn")),
    )
    with op.batch_alter_table("lpn", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lpn_parent"), ["parent"], unique=False)
        batch_op.create_index(batch_op.f("ix_lpn_receipt_id"), ["receipt_id"], unique=False)

    op.create_table(
        "putaway",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lpn", sa.String(length=40), nullable=False),
        sa.Column("bin", sa.String(length=40), nullable=False),
        sa.Column("suggested", sa.String(length=40), nullable=True),
        sa.Column("override", sa.Boolean(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("receipt_id", sa.String(length=36), nullable=True),
        sa.Column("operator", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["bin"], ["location.code"], name=op.f("fk_putaway_bin_location")),
        sa.ForeignKeyConstraint(["lpn"], ["lpn.code"], name=op.f("fk_putaway_lpn_lpn")),
        sa.ForeignKeyConstraint(
            ["receipt_id"], ["receipt.id"], name=op.f("fk_putaway_receipt_id_receipt")
        ),
        sa.ForeignKeyConstraint(
            ["suggested"], ["location.code"], name=op.f("fk_putaway_suggested_location")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_putaway")),
    )
    with op.batch_alter_table("putaway", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_putaway_lpn"), ["lpn"], unique=False)
        batch_op.create_index(batch_op.f("ix_putaway_receipt_id"), ["receipt_id"], unique=False)

    op.create_table(
        "received",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("receipt_id", sa.String(length=36), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=True),
        sa.Column("sku", sa.String(length=40), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("lot", sa.String(), nullable=True),
        sa.Column("expiry", sa.Date(), nullable=True),
        sa.Column("serial", sa.String(), nullable=True),
        sa.Column("lpn", sa.String(length=40), nullable=True),
        sa.Column("damaged", sa.Boolean(), nullable=False),
        sa.Column("damage_reason", sa.String(length=40), nullable=True),
        sa.Column("short_life", sa.Boolean(), nullable=False),
        sa.Column("accepted_by", sa.String(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("operator", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["line_id"], ["expected_line.id"], name=op.f("fk_received_line_id_expected_line")
        ),
        sa.ForeignKeyConstraint(["lpn"], ["lpn.code"], name=op.f("fk_received_lpn_lpn")),
        sa.ForeignKeyConstraint(
            ["receipt_id"], ["receipt.id"], name=op.f("fk_received_receipt_id_receipt")
        ),
        sa.ForeignKeyConstraint(["sku"], ["item.sku"], name=op.f("fk_received_sku_item")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_received")),
        sa.UniqueConstraint("sku", "serial", name="one_serial"),
    )
    with op.batch_alter_table("received", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_received_line_id"), ["line_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_received_lpn"), ["lpn"], unique=False)
        batch_op.create_index(batch_op.f("ix_received_receipt_id"), ["receipt_id"], unique=False)
        batch_op.create_index(
            "ix_received_flagged",
            ["receipt_id"],
            unique=False,
            sqlite_where=sa.text("damaged OR short_life"),
            postgresql_where=sa.text("damaged OR short_life"),
        )

    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("lot_tracked", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("min_shelf_life_days", sa.Integer(), nullable=True))

    with op.batch_alter_table("location", schema=None) as batch_op:
        batch_op.add_column(sa.Column("zone", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("category", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("capacity", sa.Integer(), nullable=True))

    with op.batch_alter_table("photo", schema=None) as batch_op:
        batch_op.add_column(sa.Column("received_id", sa.Integer(), nullable=True))
        batch_op.alter_column("unit_id", existing_type=sa.VARCHAR(length=36), nullable=True)
        batch_op.create_index(batch_op.f("ix_photo_received_id"), ["received_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_photo_received_id_received"), "received", ["received_id"], ["id"]
        )

    with op.batch_alter_table("scan", schema=None) as batch_op:
        batch_op.add_column(sa.Column("receipt_id", sa.String(length=36), nullable=True))
        batch_op.create_index(batch_op.f("ix_scan_receipt_id"), ["receipt_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_scan_receipt_id_receipt"), "receipt", ["receipt_id"], ["id"]
        )


def downgrade() -> None:

    with op.batch_alter_table("scan", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_scan_receipt_id_receipt"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_scan_receipt_id"))
        batch_op.drop_column("receipt_id")

    with op.batch_alter_table("photo", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_photo_received_id_received"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_photo_received_id"))
        batch_op.alter_column("unit_id", existing_type=sa.VARCHAR(length=36), nullable=False)
        batch_op.drop_column("received_id")

    with op.batch_alter_table("location", schema=None) as batch_op:
        batch_op.drop_column("capacity")
        batch_op.drop_column("category")
        batch_op.drop_column("zone")

    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.drop_column("min_shelf_life_days")
        batch_op.drop_column("lot_tracked")

    with op.batch_alter_table("received", schema=None) as batch_op:
        batch_op.drop_index("ix_received_flagged")
        batch_op.drop_index(batch_op.f("ix_received_receipt_id"))
        batch_op.drop_index(batch_op.f("ix_received_lpn"))
        batch_op.drop_index(batch_op.f("ix_received_line_id"))

    op.drop_table("received")
    with op.batch_alter_table("putaway", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_putaway_receipt_id"))
        batch_op.drop_index(batch_op.f("ix_putaway_lpn"))

    op.drop_table("putaway")
    with op.batch_alter_table("lpn", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lpn_receipt_id"))
        batch_op.drop_index(batch_op.f("ix_lpn_parent"))

    op.drop_table("lpn")
    with op.batch_alter_table("receipt", schema=None) as batch_op:
        batch_op.drop_index("ix_receipt_status")
        batch_op.drop_index(batch_op.f("ix_receipt_number"))

    op.drop_table("receipt")
    with op.batch_alter_table("expected_pallet", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_expected_pallet_receipt_number"))

    op.drop_table("expected_pallet")
    with op.batch_alter_table("expected_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_expected_line_sku"))
        batch_op.drop_index(batch_op.f("ix_expected_line_receipt_number"))

    op.drop_table("expected_line")
    with op.batch_alter_table("expected_receipt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_expected_receipt_po_number"))

    op.drop_table("expected_receipt")
    op.drop_table("bin_stock")
    op.drop_table("supplier")
    op.drop_table("putaway_rule")
    op.drop_table("category_tolerance")
