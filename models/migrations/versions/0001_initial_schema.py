"""initial schema

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "institution",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("rut", sa.String(length=12), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name_key"),
        sa.UniqueConstraint("rut"),
    )
    op.create_table(
        "region",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=2), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("abbreviation", sa.String(length=10), nullable=False),
        sa.Column("iso_code", sa.String(length=2), nullable=False),
        sa.Column("roman", sa.String(length=5), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
        sa.UniqueConstraint("iso_code"),
    )
    op.create_table(
        "comuna",
        sa.Column("code", sa.String(length=5), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("province_code", sa.String(length=3), nullable=False),
        sa.Column("province_name", sa.String(length=120), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_id"],
            ["region.id"],
        ),
        sa.PrimaryKeyConstraint("code"),
    )
    with op.batch_alter_table("comuna", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_comuna_region_id"), ["region_id"], unique=False)

    op.create_table(
        "protocol",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("every", sa.String(length=20), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("recipient_title", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_id"],
            ["region.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("region_id"),
    )
    op.create_table(
        "region_alias",
        sa.Column("alias", sa.String(length=120), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_id"],
            ["region.id"],
        ),
        sa.PrimaryKeyConstraint("alias"),
    )
    with op.batch_alter_table("region_alias", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_region_alias_region_id"), ["region_id"], unique=False)

    op.create_table(
        "territory",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_id"],
            ["region.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("region_id", "name_key"),
    )
    with op.batch_alter_table("territory", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_territory_region_id"), ["region_id"], unique=False)

    op.create_table(
        "acta",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("territory_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("instance", sa.String(length=200), nullable=False),
        sa.Column("instance_key", sa.String(length=200), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_id"],
            ["region.id"],
        ),
        sa.ForeignKeyConstraint(
            ["territory_id"],
            ["territory.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("territory_id", "held_on", "instance_key", "number"),
    )
    with op.batch_alter_table("acta", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_acta_region_id"), ["region_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_acta_territory_id"), ["territory_id"], unique=False)

    op.create_table(
        "contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=True),
        sa.Column("territory_id", sa.Integer(), nullable=True),
        sa.Column("scope", sa.String(length=24), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institution.id"],
        ),
        sa.ForeignKeyConstraint(
            ["region_id"],
            ["region.id"],
        ),
        sa.ForeignKeyConstraint(
            ["territory_id"],
            ["territory.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("role", "region_id", "scope", "email"),
    )
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_email"), ["email"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_contact_institution_id"), ["institution_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_contact_territory_id"), ["territory_id"], unique=False)

    op.create_table(
        "protocol_recipient",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("protocol_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(
            ["protocol_id"],
            ["protocol.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("protocol_id", "email"),
    )
    with op.batch_alter_table("protocol_recipient", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_protocol_recipient_protocol_id"), ["protocol_id"], unique=False
        )

    op.create_table(
        "commitment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("acta_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("territory_id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("responsable_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_key", sa.String(length=64), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("executed_amount", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=True),
        sa.Column("plazo_text", sa.String(length=100), nullable=False),
        sa.Column("original_plazo", sa.Date(), nullable=False),
        sa.Column("plazo", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("fulfilled_on", sa.Date(), nullable=True),
        sa.Column("cancelled_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["acta_id"],
            ["acta.id"],
        ),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institution.id"],
        ),
        sa.ForeignKeyConstraint(
            ["region_id"],
            ["region.id"],
        ),
        sa.ForeignKeyConstraint(
            ["responsable_id"],
            ["contact.id"],
        ),
        sa.ForeignKeyConstraint(
            ["territory_id"],
            ["territory.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("acta_id", "institution_id", "text_key"),
    )
    with op.batch_alter_table("commitment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_commitment_acta_id"), ["acta_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_commitment_institution_id"), ["institution_id"], unique=False
        )
        batch_op.create_index("ix_commitment_open_due", ["status", "due_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_commitment_region_id"), ["region_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_commitment_responsable_id"), ["responsable_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_commitment_territory_id"), ["territory_id"], unique=False
        )

    op.create_table(
        "commitment_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitment.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("commitment_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commitment_event_commitment_id"), ["commitment_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("commitment_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commitment_event_commitment_id"))

    op.drop_table("commitment_event")
    with op.batch_alter_table("commitment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commitment_territory_id"))
        batch_op.drop_index(batch_op.f("ix_commitment_responsable_id"))
        batch_op.drop_index(batch_op.f("ix_commitment_region_id"))
        batch_op.drop_index("ix_commitment_open_due")
        batch_op.drop_index(batch_op.f("ix_commitment_institution_id"))
        batch_op.drop_index(batch_op.f("ix_commitment_acta_id"))

    op.drop_table("commitment")
    with op.batch_alter_table("protocol_recipient", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_protocol_recipient_protocol_id"))

    op.drop_table("protocol_recipient")
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_territory_id"))
        batch_op.drop_index(batch_op.f("ix_contact_institution_id"))
        batch_op.drop_index(batch_op.f("ix_contact_email"))

    op.drop_table("contact")
    with op.batch_alter_table("acta", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_acta_territory_id"))
        batch_op.drop_index(batch_op.f("ix_acta_region_id"))

    op.drop_table("acta")
    with op.batch_alter_table("territory", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_territory_region_id"))

    op.drop_table("territory")
    with op.batch_alter_table("region_alias", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_region_alias_region_id"))

    op.drop_table("region_alias")
    op.drop_table("protocol")
    with op.batch_alter_table("comuna", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_comuna_region_id"))

    op.drop_table("comuna")
    op.drop_table("region")
    op.drop_table("institution")
