"""smtp limits: the provider's throttle and adaptive rate shared by every
dispatcher; the outbox by sending time (the per-minute and daily caps)

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "smtp_limit_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rate", sa.Integer(), nullable=True),
        sa.Column("server_rate", sa.Integer(), nullable=True),
        sa.Column("throttled_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_refusal_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_raise_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("refusals", sa.Integer(), nullable=False),
        sa.Column("last_reply", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_outbox_sent_at", "outbox", ["sent_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_sent_at", table_name="outbox")
    op.drop_table("smtp_limit_state")
