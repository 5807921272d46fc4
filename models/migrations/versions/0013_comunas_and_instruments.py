"""comunas and the year's instruments: the comunas of each territorio and of
each commitment (with its part of the amount), the local-holiday rules of a
commitment's place, and protocols per instrument (periodic, ARI, IRAL)

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "territory_comuna",
        sa.Column("territory_id", sa.Integer(), nullable=False),
        sa.Column("comuna_code", sa.String(length=5), nullable=False),
        sa.ForeignKeyConstraint(["territory_id"], ["territory.id"]),
        sa.ForeignKeyConstraint(["comuna_code"], ["comuna.code"]),
        sa.PrimaryKeyConstraint("territory_id", "comuna_code"),
    )
    op.create_table(
        "commitment_comuna",
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("comuna_code", sa.String(length=5), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["commitment_id"], ["commitment.id"]),
        sa.ForeignKeyConstraint(["comuna_code"], ["comuna.code"]),
        sa.PrimaryKeyConstraint("commitment_id", "comuna_code"),
    )
    with op.batch_alter_table("commitment", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("local_calendar", sa.String(length=60), nullable=False, server_default="")
        )
    with op.batch_alter_table("protocol", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("instrument", sa.String(length=20), nullable=False, server_default="periodic")
        )
        batch_op.drop_constraint("uq_protocol_version", type_="unique")
        batch_op.create_unique_constraint(
            "uq_protocol_version", ["region_id", "instrument", "since"]
        )


def downgrade() -> None:
    with op.batch_alter_table("protocol", schema=None) as batch_op:
        batch_op.drop_constraint("uq_protocol_version", type_="unique")
        batch_op.create_unique_constraint("uq_protocol_version", ["region_id", "since"])
        batch_op.drop_column("instrument")
    with op.batch_alter_table("commitment", schema=None) as batch_op:
        batch_op.drop_column("local_calendar")
    op.drop_table("commitment_comuna")
    op.drop_table("territory_comuna")
