"""commitment deadlines: the history of agreed due dates

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _backfill() -> None:
    """One agreement per commitment from its acta, plus one per recorded
    change of plazo (events of field "plazo")."""
    from models.calendar import calendar_for

    connection = op.get_bind()
    now = datetime.now(UTC)
    commitments = connection.execute(
        sa.text(
            "SELECT c.id, a.held_on, c.original_plazo, r.iso_code FROM commitment c "
            "JOIN acta a ON a.id = c.acta_id JOIN region r ON r.id = c.region_id"
        )
    ).all()
    deadline = sa.table(
        "commitment_deadline",
        sa.column("commitment_id", sa.Integer),
        sa.column("agreed_on", sa.Date),
        sa.column("plazo", sa.Date),
        sa.column("due_date", sa.Date),
        sa.column("reason", sa.Text),
        sa.column("recorded_at", sa.DateTime(timezone=True)),
    )
    iso_of: dict[int, str] = {}
    rows = []
    for commitment_id, held_on, original, iso in commitments:
        held_on, original = date.fromisoformat(str(held_on)), date.fromisoformat(str(original))
        iso_of[commitment_id] = iso
        due = calendar_for(iso).roll_forward(original)
        rows.append(
            {"commitment_id": commitment_id, "agreed_on": held_on, "plazo": original,
             "due_date": due, "reason": None, "recorded_at": now}
        )  # fmt: skip
    changes = connection.execute(
        sa.text(
            "SELECT commitment_id, effective_on, new_value, reason FROM commitment_event "
            "WHERE field = 'plazo' ORDER BY id"
        )
    ).all()
    for commitment_id, effective_on, new_value, reason in changes:
        plazo = date.fromisoformat(new_value)
        rows.append(
            {"commitment_id": commitment_id, "agreed_on": date.fromisoformat(str(effective_on)),
             "plazo": plazo, "due_date": calendar_for(iso_of[commitment_id]).roll_forward(plazo),
             "reason": reason, "recorded_at": now}
        )  # fmt: skip
    if rows:
        op.bulk_insert(deadline, rows)


def upgrade() -> None:
    op.create_table(
        "commitment_deadline",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("agreed_on", sa.Date(), nullable=False),
        sa.Column("plazo", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["commitment_id"], ["commitment.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("commitment_deadline", schema=None) as batch_op:
        batch_op.create_index(
            "ix_commitment_deadline_in_force", ["commitment_id", "agreed_on"], unique=False
        )
    _backfill()


def downgrade() -> None:
    with op.batch_alter_table("commitment_deadline", schema=None) as batch_op:
        batch_op.drop_index("ix_commitment_deadline_in_force")
    op.drop_table("commitment_deadline")
