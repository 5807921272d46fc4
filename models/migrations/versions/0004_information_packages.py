"""information packages

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "package",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("folder", sa.String(length=500), nullable=False),
        sa.Column("manifest_sha256", sa.String(length=64), nullable=False),
        sa.Column("commitments", sa.Integer(), nullable=False),
        sa.Column("automatic_key", sa.String(length=20), nullable=False),
        sa.Column("generated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_id"],
            ["region.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("region_id", "period", "automatic_key"),
    )
    with op.batch_alter_table("package", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_package_region_id"), ["region_id"], unique=False)

    op.create_table(
        "package_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("files", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["outbox_id"],
            ["outbox.id"],
        ),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["package.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("package_delivery", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_package_delivery_outbox_id"), ["outbox_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_package_delivery_package_id"), ["package_id"], unique=False
        )

    with op.batch_alter_table("commitment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("programme", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("products", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("beneficiaries", sa.Integer(), nullable=True))

    with op.batch_alter_table("cycle_run", schema=None) as batch_op:
        batch_op.add_column(sa.Column("packages", sa.Integer(), nullable=False, server_default="0"))

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attachments", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("attachments")

    with op.batch_alter_table("cycle_run", schema=None) as batch_op:
        batch_op.drop_column("packages")

    with op.batch_alter_table("commitment", schema=None) as batch_op:
        batch_op.drop_column("beneficiaries")
        batch_op.drop_column("products")
        batch_op.drop_column("programme")

    with op.batch_alter_table("package_delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_package_delivery_package_id"))
        batch_op.drop_index(batch_op.f("ix_package_delivery_outbox_id"))

    op.drop_table("package_delivery")
    with op.batch_alter_table("package", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_package_region_id"))

    op.drop_table("package")
