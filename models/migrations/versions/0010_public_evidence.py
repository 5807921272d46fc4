"""public evidence: the medios de verificación the gerencia marked public
on the transparency portal; the history's entries by recording time (the
portal's feed of changes)

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "public_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evidence_id", sa.Integer(), nullable=False),
        sa.Column("published_by", sa.String(length=200), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["evidence_id"], ["evidence.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("evidence_id"),
    )
    op.create_index("ix_commitment_event_recorded", "commitment_event", ["recorded_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_commitment_event_recorded", table_name="commitment_event")
    op.drop_table("public_evidence")
