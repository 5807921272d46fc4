"""Planning a cycle in the database: the due rows come from one indexed
query (``next_stage_on <= day``), so the cost follows the messages to send,
not the commitments stored. Reminders, outbox rows and their links are
written in one transaction under unique keys: planning twice changes
nothing."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, bindparam, insert, or_, select, update
from sqlalchemy.engine import Connection, Engine

from config import Settings
from models.commitments import Acta, Commitment, CommitmentEvent, StoredStatus, acta_label
from models.geography import Region
from models.parties import Contact, ContactRole, Institution, Territory
from models.reminders import OutboxMessage, Reminder, ReminderDelivery
from models.stages import Audience
from models.timestamps import utc_now
from planning.digests import DigestWriter
from planning.policy import (
    Contacts,
    DayPlan,
    DueCommitment,
    Linker,
    Person,
    Returned,
    Sent,
    plan_day,
)
from planning.signing import CycleLinks
from tracking.links import commitment_token

CHUNK = 500


@dataclass(frozen=True)
class PlanReport:
    due: int
    reminders: int
    messages: int


def _table(model: Any) -> Any:
    return model.__table__


def open_on(day: date) -> Any:
    """SQL: the commitment was open on ``day`` (business dates)."""
    return or_(
        Commitment.status.in_([StoredStatus.PENDIENTE, StoredStatus.INFORMADO]),  # type: ignore[attr-defined]
        and_(Commitment.status == StoredStatus.CUMPLIDO, Commitment.fulfilled_on > day),
        and_(Commitment.status == StoredStatus.CANCELADO, Commitment.cancelled_on > day),
    )


def due_query(day: date) -> Any:
    """The open commitments whose next stage has come by ``day``, with
    what a digest line needs (one indexed range on ``next_stage_on``)."""
    return (
        select(
            Commitment.id,
            Commitment.region_id,
            Region.iso_code,
            Commitment.territory_id,
            Territory.name.label("territory"),
            Commitment.institution_id,
            Institution.name.label("institution"),
            Commitment.responsable_id,
            Commitment.text,
            Commitment.amount,
            Commitment.plazo,
            Commitment.due_date,
            Commitment.status,
            Commitment.reported_on,
            Commitment.local_calendar,
            Acta.held_on,
            Acta.kind,
            Acta.instance,
            Acta.number,
        )
        .join(Acta, Acta.id == Commitment.acta_id)
        .join(Region, Region.id == Commitment.region_id)
        .join(Territory, Territory.id == Commitment.territory_id)
        .join(Institution, Institution.id == Commitment.institution_id)
        .where(Commitment.next_stage_on <= day, open_on(day))  # type: ignore[operator]
    )


def _returns(connection: Connection, ids: list[int]) -> dict[int, Returned]:
    """The latest status change of each open commitment when it was a
    return of its report (informado → pendiente)."""
    table = _table(CommitmentEvent)
    latest: dict[int, Any] = {}
    for chunk in _chunked(ids):
        for row in connection.execute(
            select(
                table.c.commitment_id, table.c.position, table.c.effective_on,
                table.c.old_value, table.c.new_value, table.c.reason,
            ).where(table.c.commitment_id.in_(chunk), table.c.field == "status")
        ):  # fmt: skip
            if row.commitment_id not in latest or row.position > latest[row.commitment_id].position:
                latest[row.commitment_id] = row
    return {
        cid: Returned(row.effective_on, row.reason or "", row.position)
        for cid, row in latest.items()
        if (row.old_value, row.new_value) == ("informado", "pendiente")
    }


def _due(connection: Connection, day: date) -> list[DueCommitment]:
    rows = connection.execute(due_query(day)).all()
    returns = _returns(connection, [row.id for row in rows if row.status == "pendiente"])
    return [
        DueCommitment(
            id=row.id,
            region_id=row.region_id,
            region_iso=row.iso_code,
            territory_id=row.territory_id,
            territory=row.territory,
            institution_id=row.institution_id,
            institution=row.institution,
            responsable_id=row.responsable_id,
            text=row.text,
            amount=row.amount,
            plazo=row.plazo,
            due_date=row.due_date,
            acta_date=row.held_on,
            acta_label=acta_label(row.kind, row.instance, row.number, row.held_on),
            status=row.status,
            reported_on=row.reported_on,
            returned=returns.get(row.id),
            local_calendar=row.local_calendar,
        )
        for row in rows
    ]


def _chunked(values: list[Any]) -> list[list[Any]]:
    return [values[i : i + CHUNK] for i in range(0, len(values), CHUNK)]


def _sent(connection: Connection, ids: list[int]) -> Sent:
    table = _table(Reminder)
    sent: Sent = set()
    for chunk in _chunked(ids):
        query = select(table.c.commitment_id, table.c.kind, table.c.due_date, table.c.stage).where(
            table.c.commitment_id.in_(chunk)
        )
        sent.update((r[0], r[1], r[2], r[3]) for r in connection.execute(query))
    return sent


def _contacts(connection: Connection, due: list[DueCommitment]) -> Contacts:
    table = _table(Contact)
    responsables: dict[int, Person] = {}
    for chunk in _chunked(sorted({c.responsable_id for c in due})):
        for row in connection.execute(
            select(table.c.id, table.c.email, table.c.name).where(table.c.id.in_(chunk))
        ):
            responsables[row.id] = Person(row.email, row.name)
    gerentes: dict[int, list[Person]] = defaultdict(list)
    for chunk in _chunked(sorted({c.territory_id for c in due})):
        for row in connection.execute(
            select(table.c.territory_id, table.c.email, table.c.name)
            .where(table.c.role == ContactRole.GERENTE, table.c.territory_id.in_(chunk))
            .order_by(table.c.id)
        ):
            gerentes[row.territory_id].append(Person(row.email, row.name))
    directors: dict[tuple[int, int], list[Person]] = defaultdict(list)
    for chunk in _chunked(sorted({c.institution_id for c in due})):
        for row in connection.execute(
            select(table.c.institution_id, table.c.region_id, table.c.email, table.c.name)
            .where(table.c.role == ContactRole.DIRECTOR, table.c.institution_id.in_(chunk))
            .order_by(table.c.id)
        ):
            directors[(row.institution_id, row.region_id)].append(Person(row.email, row.name))
    return Contacts(responsables, dict(gerentes), dict(directors))


def _insert_returning_ids(
    connection: Connection, table: Any, rows: list[dict[str, Any]]
) -> list[int]:
    """Insert ``rows`` (batched by the driver into multi-row statements)
    and return their ids in the same order: no second query to find them."""
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return [row[0] for row in connection.execute(statement, rows)] if rows else []


def _write(
    connection: Connection,
    day: date,
    plan: DayPlan,
    settings: Settings,
    links: CycleLinks,
    now: datetime,
) -> int:
    reminder_ids = _insert_returning_ids(
        connection,
        _table(Reminder),
        [
            {
                "commitment_id": r.commitment_id,
                "kind": r.kind,
                "due_date": r.due_date,
                "stage": r.stage.offset,
                "stage_on": r.stage.on,
                "cycle_date": day,
                "created_at": now,
            }
            for r in plan.reminders
        ],
    )
    reminder_of = {
        (r.commitment_id, str(r.kind), r.due_date, r.stage.offset): rid
        for r, rid in zip(plan.reminders, reminder_ids, strict=True)
    }
    writer = DigestWriter(day, settings, links)
    rows = [writer.row(digest, now) for digest in plan.digests]
    outbox_ids = _insert_returning_ids(connection, _table(OutboxMessage), rows)
    deliveries = [
        {
            "reminder_id": reminder_of[(entry.commitment_id, *key)],
            "outbox_id": outbox_id,
            "audience": digest.audiences[entry.commitment_id].value,
        }
        for digest, outbox_id in zip(plan.digests, outbox_ids, strict=True)
        for entry in digest.entries
        for key in entry.keys
    ]
    if deliveries:
        connection.execute(insert(_table(ReminderDelivery)), deliveries)
    if plan.next_stage_on:
        commitment = _table(Commitment)
        connection.execute(
            update(commitment)
            .where(commitment.c.id == bindparam("cid"))
            .values(next_stage_on=bindparam("next_on")),
            [{"cid": cid, "next_on": on} for cid, on in plan.next_stage_on.items()],
        )
    return len(rows)


def links_for(settings: Settings) -> Linker:
    """Responsables get a signed link to report on that one commitment
    without an account; gerentes and directors the page itself."""
    secret = settings.resolved_secret_key()
    base = settings.base_url

    def link(commitment_id: int, audience: Audience) -> str:
        if audience is Audience.RESPONSABLE:
            return f"{base}/c/{commitment_token(secret, commitment_id)}"
        return f"{base}/compromisos/{commitment_id}"

    return link


def plan_cycle(
    engine: Engine, settings: Settings, day: date, now: datetime | None = None
) -> PlanReport:
    """Plan the cycle of ``day``: reminders and one digest per recipient,
    in one transaction. ``now`` stamps the rows and makes the messages due
    (default: the current instant)."""
    with engine.begin() as connection:
        due = _due(connection, day)
        if not due:
            return PlanReport(0, 0, 0)
        ids = [c.id for c in due]
        links = CycleLinks(settings.resolved_secret_key(), settings.base_url)
        plan = plan_day(day, due, _sent(connection, ids), _contacts(connection, due), links)
        messages = _write(connection, day, plan, settings, links, now or utc_now())
    return PlanReport(len(due), len(plan.reminders), messages)
