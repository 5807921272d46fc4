"""auditable record: hash-chained history, state on any date, evidence,
verification, versioned protocols

Revision ID: 0007
Revises: 0006

Existing databases get their chains built here: every commitment's history
is numbered in the order it was recorded, its ``created`` entry gets the
acta's data, each entry is hashed onto the previous one, and the state
intervals are replayed from the history (the commitment row keeps the last
one). The migration is the trusted start of each chain.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

CHUNK = 2000


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _as_instant(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _drop_unique(table: str, columns: list[str]) -> None:
    bind = op.get_bind()
    found = [
        uc["name"]
        for uc in sa.inspect(bind).get_unique_constraints(table)
        if list(uc["column_names"]) == columns
    ]
    if bind.dialect.name == "sqlite":
        convention = {"uq": "uq_%(table_name)s_%(column_0_name)s"}
        with op.batch_alter_table(table, naming_convention=convention) as batch_op:
            batch_op.drop_constraint(found[0] or f"uq_{table}_{columns[0]}", type_="unique")
    else:
        op.drop_constraint(found[0], table, type_="unique")


def _schema() -> None:
    with op.batch_alter_table("commitment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reported_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("verified_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("verified_by", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column("history_head", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("history_length", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("commitment_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("position", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("rectifies", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("previous_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    op.create_table(
        "commitment_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("executed_amount", sa.BigInteger(), nullable=False),
        sa.Column("plazo", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("fulfilled_on", sa.Date(), nullable=True),
        sa.Column("cancelled_on", sa.Date(), nullable=True),
        sa.Column("reported_on", sa.Date(), nullable=True),
        sa.Column("verified_on", sa.Date(), nullable=True),
        sa.Column("verified_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["commitment_id"], ["commitment.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("commitment_state", schema=None) as batch_op:
        batch_op.create_index("ix_commitment_state_on", ["commitment_id", "valid_from"])
        batch_op.create_index("ix_commitment_state_valid_from", ["valid_from"])
    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=True),
        sa.Column("acta_id", sa.Integer(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("reference", sa.Text(), nullable=True),
        sa.Column("added_by", sa.String(length=200), nullable=False),
        sa.Column("added_on", sa.Date(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("previous_hash", sa.String(length=64), nullable=True),
        sa.Column("hash", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["acta_id"], ["acta.id"]),
        sa.ForeignKeyConstraint(["commitment_id"], ["commitment.id"]),
        sa.ForeignKeyConstraint(["event_id"], ["commitment_event.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_commitment_id"), ["commitment_id"])
        batch_op.create_index(batch_op.f("ix_evidence_acta_id"), ["acta_id"])
        batch_op.create_index(batch_op.f("ix_evidence_sha256"), ["sha256"])
    _drop_unique("reminder", ["commitment_id", "due_date", "stage"])
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=20), nullable=False, server_default="plazo")
        )
        batch_op.create_unique_constraint(
            "uq_reminder_stage", ["commitment_id", "kind", "due_date", "stage"]
        )
    _drop_unique("protocol", ["region_id"])
    with op.batch_alter_table("protocol", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_protocol_version", ["region_id", "since"])
        batch_op.create_index(batch_op.f("ix_protocol_region_id"), ["region_id"])
    with op.batch_alter_table("package", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("preliminary", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def _chain_chunk(connection: sa.Connection, rows: list[Any]) -> None:
    from models.calendar import calendar_for
    from models.chain import GENESIS, link_hash
    from models.commitments import created_value, event_content
    from models.history import Fact, initial_state, replay, state_rows

    ids = [row.id for row in rows]
    events: dict[int, list[Any]] = defaultdict(list)
    for event in connection.execute(
        sa.text(
            "SELECT id, commitment_id, recorded_at, effective_on, actor, field, old_value, "
            "new_value, reason FROM commitment_event WHERE commitment_id IN :ids ORDER BY id"
        ).bindparams(sa.bindparam("ids", expanding=True)),
        {"ids": ids},
    ):
        events[event.commitment_id].append(event)
    event_updates: list[dict[str, Any]] = []
    commitment_updates: list[dict[str, Any]] = []
    states: list[dict[str, Any]] = []
    for row in rows:
        calendar = calendar_for(row.iso_code)
        original = _as_date(row.original_plazo)
        held_on = _as_date(row.held_on)
        assert original is not None and held_on is not None
        plazo_text = row.plazo_text
        # Before 0007 a new due date overwrote the acta's words; the acta's
        # date is what is left of them.
        if plazo_text == _as_date(row.plazo).isoformat() and _as_date(row.plazo) != original:  # type: ignore[union-attr]
            plazo_text = original.isoformat()
        created = created_value(
            acta_id=row.acta_id, institution_id=row.institution_id,
            responsable_id=row.responsable_id, text=row.text, amount=row.amount, plazo=original,
            plazo_text=plazo_text, source=row.source, programme=row.programme,
            products=row.products, beneficiaries=row.beneficiaries,
        )  # fmt: skip
        previous = GENESIS
        facts: list[Fact] = []
        position = 0
        for event in events[row.id]:
            position += 1
            new_value = created if event.field == "created" else event.new_value
            content = event_content(
                commitment_id=row.id, position=position,
                recorded_at=_as_instant(event.recorded_at),
                effective_on=_as_date(event.effective_on),  # type: ignore[arg-type]
                actor=event.actor, field=event.field, old_value=event.old_value,
                new_value=new_value, reason=event.reason, rectifies=None,
            )  # fmt: skip
            digest = link_hash(previous, content)
            event_updates.append(
                {"eid": event.id, "position": position, "new_value": new_value,
                 "previous_hash": previous, "hash": digest}
            )  # fmt: skip
            facts.append(
                Fact(_as_date(event.effective_on), position, event.field, new_value, event.actor)  # type: ignore[arg-type]
            )
            previous = digest
        intervals = replay(initial_state(original, calendar), held_on, facts, calendar)
        states.extend(state_rows(row.id, intervals))
        last = intervals[-1].state
        commitment_updates.append(
            {"cid": row.id, "plazo_text": plazo_text, "status": last.status,
             "executed_amount": last.executed_amount, "plazo": last.plazo,
             "due_date": last.due_date, "fulfilled_on": last.fulfilled_on,
             "cancelled_on": last.cancelled_on, "reported_on": last.reported_on,
             "verified_on": last.verified_on, "verified_by": last.verified_by,
             "history_head": previous if position else "", "history_length": position}
        )  # fmt: skip
    if event_updates:
        connection.execute(
            sa.text(
                "UPDATE commitment_event SET position = :position, new_value = :new_value, "
                "previous_hash = :previous_hash, hash = :hash WHERE id = :eid"
            ),
            event_updates,
        )
    connection.execute(
        sa.text(
            "UPDATE commitment SET plazo_text = :plazo_text, status = :status, "
            "executed_amount = :executed_amount, plazo = :plazo, due_date = :due_date, "
            "fulfilled_on = :fulfilled_on, cancelled_on = :cancelled_on, "
            "reported_on = :reported_on, verified_on = :verified_on, "
            "verified_by = :verified_by, history_head = :history_head, "
            "history_length = :history_length WHERE id = :cid"
        ),
        commitment_updates,
    )
    table = sa.table(
        "commitment_state",
        *(
            sa.column(name)
            for name in (
                "commitment_id", "valid_from", "valid_to", "status", "executed_amount",
                "plazo", "due_date", "fulfilled_on", "cancelled_on", "reported_on",
                "verified_on", "verified_by",
            )
        ),
    )  # fmt: skip
    if states:
        connection.execute(table.insert(), states)


def _backfill() -> None:
    connection = op.get_bind()
    last = 0
    while True:
        rows = connection.execute(
            sa.text(
                "SELECT c.id, c.acta_id, c.institution_id, c.responsable_id, c.text, c.amount, "
                "c.original_plazo, c.plazo, c.plazo_text, c.source, c.programme, c.products, "
                "c.beneficiaries, a.held_on, r.iso_code FROM commitment c "
                "JOIN acta a ON a.id = c.acta_id JOIN region r ON r.id = c.region_id "
                "WHERE c.id > :last ORDER BY c.id LIMIT :size"
            ),
            {"last": last, "size": CHUNK},
        ).all()
        if not rows:
            return
        _chain_chunk(connection, rows)
        last = rows[-1].id


def upgrade() -> None:
    _schema()
    _backfill()
    with op.batch_alter_table("commitment_event", schema=None) as batch_op:
        batch_op.alter_column("position", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("previous_hash", existing_type=sa.String(64), nullable=False)
        batch_op.alter_column("hash", existing_type=sa.String(64), nullable=False)
        batch_op.create_unique_constraint(
            "uq_commitment_event_position", ["commitment_id", "position"]
        )


def downgrade() -> None:
    with op.batch_alter_table("package", schema=None) as batch_op:
        batch_op.drop_column("preliminary")
    with op.batch_alter_table("protocol", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_protocol_region_id"))
        batch_op.drop_constraint("uq_protocol_version", type_="unique")
        batch_op.create_unique_constraint("uq_protocol_region_id", ["region_id"])
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_constraint("uq_reminder_stage", type_="unique")
        batch_op.drop_column("kind")
        batch_op.create_unique_constraint(
            "uq_reminder_commitment_id", ["commitment_id", "due_date", "stage"]
        )
    op.drop_table("evidence")
    op.drop_table("commitment_state")
    with op.batch_alter_table("commitment_event", schema=None) as batch_op:
        batch_op.drop_constraint("uq_commitment_event_position", type_="unique")
        for name in ("hash", "previous_hash", "rectifies", "position"):
            batch_op.drop_column(name)
    with op.batch_alter_table("commitment", schema=None) as batch_op:
        for name in ("history_length", "history_head", "verified_by", "verified_on",
                     "reported_on"):  # fmt: skip
            batch_op.drop_column(name)
