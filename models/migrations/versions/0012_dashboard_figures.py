"""dashboard figures: a covering index over the columns the dashboard adds
up, so its recount reads the index alone, in order, instead of every row

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

COLUMNS = [
    "region_id",
    "territory_id",
    "status",
    "due_date",
    "fulfilled_on",
    "cancelled_on",
    "amount",
    "executed_amount",
]


def upgrade() -> None:
    op.create_index("ix_commitment_figures", "commitment", COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_commitment_figures", table_name="commitment")
