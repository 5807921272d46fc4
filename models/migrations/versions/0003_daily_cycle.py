"""daily cycle

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cycle_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_date", sa.Date(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminders", sa.Integer(), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("retrying", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("orchestrator", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("cycle_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cycle_run_cycle_date"), ["cycle_date"], unique=False)

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("cycle_date", sa.Date(), nullable=True),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("recipient_name", sa.String(length=200), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("message_id", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_cycle_date"), ["cycle_date"], unique=False)
        batch_op.create_index("ix_outbox_due", ["status", "next_attempt_at"], unique=False)

    op.create_table(
        "reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("stage_on", sa.Date(), nullable=False),
        sa.Column("cycle_date", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitment.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("commitment_id", "due_date", "stage"),
    )
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reminder_commitment_id"), ["commitment_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_reminder_cycle_date"), ["cycle_date"], unique=False)

    op.create_table(
        "reminder_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reminder_id", sa.Integer(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["outbox_id"],
            ["outbox.id"],
        ),
        sa.ForeignKeyConstraint(
            ["reminder_id"],
            ["reminder.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("reminder_id", "outbox_id"),
    )
    with op.batch_alter_table("reminder_delivery", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reminder_delivery_outbox_id"), ["outbox_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_reminder_delivery_reminder_id"), ["reminder_id"], unique=False
        )

    with op.batch_alter_table("commitment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_stage_on", sa.Date(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_commitment_next_stage_on"), ["next_stage_on"], unique=False
        )
    _backfill_next_stage()


def _backfill_next_stage() -> None:
    """Open commitments start their reminders at their first stage."""
    from models.calendar import calendar_for
    from models.stages import first_stage_on

    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT c.id, c.due_date, a.held_on, r.iso_code FROM commitment c "
            "JOIN acta a ON a.id = c.acta_id JOIN region r ON r.id = c.region_id"
        )
    ).all()
    statement = sa.text("UPDATE commitment SET next_stage_on = :on WHERE id = :id")
    updates = [
        {
            "id": commitment_id,
            "on": first_stage_on(
                date.fromisoformat(str(due)),
                calendar_for(iso),
                date.fromisoformat(str(held_on)),
            ),
        }
        for commitment_id, due, held_on, iso in rows
    ]
    if updates:
        connection.execute(statement, updates)


def downgrade() -> None:
    with op.batch_alter_table("commitment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commitment_next_stage_on"))
        batch_op.drop_column("next_stage_on")

    with op.batch_alter_table("reminder_delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reminder_delivery_reminder_id"))
        batch_op.drop_index(batch_op.f("ix_reminder_delivery_outbox_id"))

    op.drop_table("reminder_delivery")
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reminder_cycle_date"))
        batch_op.drop_index(batch_op.f("ix_reminder_commitment_id"))

    op.drop_table("reminder")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_due")
        batch_op.drop_index(batch_op.f("ix_outbox_cycle_date"))

    op.drop_table("outbox")
    with op.batch_alter_table("cycle_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cycle_run_cycle_date"))

    op.drop_table("cycle_run")
