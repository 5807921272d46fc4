"""Writing validated rows: get-or-create of territorios, institutions,
contacts and actas, then the new commitments with their "created" history
entry and their first due-date agreement.

Set-based: each kind of row is looked up by its natural key, the missing
ones are inserted with one executemany per chunk (no RETURNING, which
SQLite would have to run row by row to keep the order), and their ids are
read back by the same natural key. The caller owns the transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Table, insert, select, update
from sqlmodel import Session, SQLModel

from importer.errors import RowError
from importer.rows import CommitmentRow
from models.calendar import calendar_for
from models.commitments import (
    Acta,
    Commitment,
    CommitmentDeadline,
    CommitmentEvent,
    StoredStatus,
)
from models.geography import Region
from models.parties import Contact, ContactRole, Institution, Territory
from models.stages import first_stage_on
from models.timestamps import utc_now

CHUNK = 500
T = TypeVar("T")
K = TypeVar("K")


def _chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _table(model: type[SQLModel]) -> Table:
    return model.__table__  # type: ignore[attr-defined,no-any-return]


def _insert(session: Session, model: type[SQLModel], rows: list[dict[str, Any]]) -> None:
    connection = session.connection()
    for chunk in _chunks(rows):
        connection.execute(insert(_table(model)), list(chunk))


def _lookup(
    session: Session,
    columns: Sequence[Any],
    column: Any,
    values: Sequence[Any],
    key: Callable[[Any], K],
) -> dict[K, Any]:
    """``key(row) -> row`` for every row whose ``column`` is in ``values``."""
    found: dict[K, Any] = {}
    for chunk in _chunks(sorted(set(values))):
        for row in session.execute(select(*columns).where(column.in_(chunk))):
            found[key(row)] = row
    return found


def _ensure(
    session: Session,
    model: type[SQLModel],
    wanted: dict[K, dict[str, Any]],
    columns: Sequence[Any],
    column: Any,
    key: Callable[[Any], K],
) -> tuple[dict[K, int], int]:
    """Get-or-create: the id of every ``wanted`` row by its natural key,
    inserting the missing ones (values from ``wanted``). ``column`` narrows
    the lookup; ``key`` builds a natural key from a looked-up row. Returns
    the ids and how many rows were created."""
    values = [row[column.key] for row in wanted.values()]

    def stored() -> dict[K, int]:
        return {k: r.id for k, r in _lookup(session, columns, column, values, key).items()}

    ids = stored()
    missing = [row for k, row in wanted.items() if k not in ids]
    if missing:
        _insert(session, model, missing)
        ids = stored()
    return ids, len(missing)


@dataclass
class WriteResult:
    """What the write created, and what it found already stored."""

    territories: int = 0
    institutions: int = 0
    contacts: int = 0
    actas: int = 0
    commitments: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


ContactKey = tuple[str, int, str, str]  # role, region_id, scope, email
ActaDbKey = tuple[int, date, str, str]  # territory_id, held_on, instance_key, number


def write_rows(session: Session, rows: Sequence[CommitmentRow], actor: str) -> WriteResult:
    """Store ``rows``; existing commitments are left untouched. Conflicts
    with stored data are returned as ``errors`` (the caller rolls back)."""
    result = WriteResult()
    if not rows:
        return result
    now = utc_now()
    territories = _territories(session, rows, result, now)
    institutions = _institutions(session, rows, result, now)
    if result.errors:
        return result
    contacts = _contacts(session, rows, territories, institutions, result, now)
    actas = _actas(session, rows, territories, result, now)
    _commitments(session, rows, territories, institutions, contacts, actas, result, actor, now)
    return result


def _territories(
    session: Session, rows: Sequence[CommitmentRow], result: WriteResult, now: datetime
) -> dict[tuple[int, str], int]:
    wanted: dict[tuple[int, str], dict[str, Any]] = {}
    for row in rows:
        wanted.setdefault(
            (row.region_id, row.territory_key),
            {
                "region_id": row.region_id,
                "name": row.territory,
                "name_key": row.territory_key,
                "created_at": now,
            },
        )
    ids, result.territories = _ensure(
        session,
        Territory,
        wanted,
        (Territory.id, Territory.region_id, Territory.name_key),
        Territory.region_id,
        lambda r: (r.region_id, r.name_key),
    )
    return ids


def _institutions(
    session: Session, rows: Sequence[CommitmentRow], result: WriteResult, now: datetime
) -> dict[str, int]:
    first: dict[str, CommitmentRow] = {}
    rut_of: dict[str, str] = {}
    for row in rows:
        first.setdefault(row.institution_key, row)
        if row.institution_rut:
            rut_of.setdefault(row.institution_key, row.institution_rut)
    columns = (Institution.id, Institution.name_key, Institution.name, Institution.rut)
    found = _lookup(session, columns, Institution.name_key, list(first), lambda r: r.name_key)
    by_rut = _lookup(session, columns, Institution.rut, list(rut_of.values()), lambda r: r.rut)
    for key, rut in rut_of.items():
        row = first[key]
        stored = found.get(key)
        if stored is not None and stored.rut is not None and stored.rut != rut:
            result.errors.append(
                RowError(
                    row.row,
                    "institucion_rut",
                    f"«{row.institution}» ya está registrada con el RUT {stored.rut}",
                )
            )
        owner = by_rut.get(rut)
        if owner is not None and owner.name_key != key:
            result.errors.append(
                RowError(
                    row.row,
                    "institucion_rut",
                    f"el RUT {rut} ya está registrado para «{owner.name}»",
                )
            )
    if result.errors:
        return {}
    for key, stored in found.items():
        if stored.rut is None and key in rut_of:
            session.execute(
                update(Institution).where(Institution.id == stored.id).values(rut=rut_of[key])
            )
    missing = [
        {"name": first[key].institution, "name_key": key, "rut": rut_of.get(key), "created_at": now}
        for key in first
        if key not in found
    ]
    if missing:
        _insert(session, Institution, missing)
        found = _lookup(session, columns, Institution.name_key, list(first), lambda r: r.name_key)
    result.institutions = len(missing)
    return {key: r.id for key, r in found.items()}


def _contacts(
    session: Session,
    rows: Sequence[CommitmentRow],
    territories: dict[tuple[int, str], int],
    institutions: dict[str, int],
    result: WriteResult,
    now: datetime,
) -> dict[ContactKey, int]:
    wanted: dict[ContactKey, dict[str, Any]] = {}

    def want(role: str, row: CommitmentRow, email: str, name: str | None, **owner: Any) -> None:
        scope = Contact.scope_for(owner.get("institution_id"), owner.get("territory_id"))
        key = (role, row.region_id, scope, email)
        if key not in wanted:
            wanted[key] = {
                "role": role,
                "region_id": row.region_id,
                "scope": scope,
                "email": email,
                "name": name,
                "institution_id": owner.get("institution_id"),
                "territory_id": owner.get("territory_id"),
                "created_at": now,
            }

    for row in rows:
        institution_id = institutions[row.institution_key]
        want(
            ContactRole.RESPONSABLE,
            row,
            row.responsable_email,
            row.responsable,
            institution_id=institution_id,
        )
        if row.director_email:
            want(ContactRole.DIRECTOR, row, row.director_email, None, institution_id=institution_id)
        if row.gerente_email:
            territory_id = territories[(row.region_id, row.territory_key)]
            want(ContactRole.GERENTE, row, row.gerente_email, None, territory_id=territory_id)

    ids, result.contacts = _ensure(
        session,
        Contact,
        wanted,
        (Contact.id, Contact.role, Contact.region_id, Contact.scope, Contact.email),
        Contact.scope,
        lambda r: (r.role, r.region_id, r.scope, r.email),
    )
    return ids


def _acta_db_key(row: CommitmentRow, territories: dict[tuple[int, str], int]) -> ActaDbKey:
    key = row.acta_key
    return (
        territories[(key.region_id, key.territory_key)],
        key.held_on,
        key.instance_key,
        key.number,
    )


def _actas(
    session: Session,
    rows: Sequence[CommitmentRow],
    territories: dict[tuple[int, str], int],
    result: WriteResult,
    now: datetime,
) -> dict[ActaDbKey, int]:
    wanted: dict[ActaDbKey, dict[str, Any]] = {}
    for row in rows:
        key = _acta_db_key(row, territories)
        if key not in wanted:
            wanted[key] = {
                "region_id": row.region_id,
                "territory_id": key[0],
                "kind": row.kind,
                "instance": row.instance,
                "instance_key": key[2],
                "number": row.number,
                "held_on": row.held_on,
                "created_at": now,
            }

    ids, result.actas = _ensure(
        session,
        Acta,
        wanted,
        (Acta.id, Acta.territory_id, Acta.held_on, Acta.instance_key, Acta.number),
        Acta.territory_id,
        lambda r: (r.territory_id, r.held_on, r.instance_key, r.number),
    )
    return ids


def _stored_commitments(
    session: Session, acta_ids: Sequence[int]
) -> dict[tuple[int, int, str], Any]:
    columns: Sequence[ColumnElement[Any]] = (
        Commitment.id,  # type: ignore[list-item]
        Commitment.acta_id,  # type: ignore[list-item]
        Commitment.institution_id,  # type: ignore[list-item]
        Commitment.text_key,  # type: ignore[list-item]
        Commitment.amount,  # type: ignore[list-item]
        Commitment.plazo,  # type: ignore[list-item]
        Commitment.responsable_id,  # type: ignore[list-item]
    )
    return _lookup(
        session,
        columns,
        Commitment.acta_id,
        acta_ids,
        lambda r: (r.acta_id, r.institution_id, r.text_key),
    )


def _commitments(
    session: Session,
    rows: Sequence[CommitmentRow],
    territories: dict[tuple[int, str], int],
    institutions: dict[str, int],
    contacts: dict[ContactKey, int],
    actas: dict[ActaDbKey, int],
    result: WriteResult,
    actor: str,
    now: datetime,
) -> None:
    iso = dict(session.execute(select(Region.id, Region.iso_code)).all())
    acta_ids = sorted(set(actas.values()))
    stored = _stored_commitments(session, acta_ids)
    new_rows: list[dict[str, Any]] = []
    held_on: dict[tuple[int, int, str], date] = {}
    for row in rows:
        acta_id = actas[_acta_db_key(row, territories)]
        institution_id = institutions[row.institution_key]
        scope = Contact.scope_for(institution_id, None)
        responsable_id = contacts[
            (ContactRole.RESPONSABLE, row.region_id, scope, row.responsable_email)
        ]
        identity = (acta_id, institution_id, row.text_key)
        existing = stored.get(identity)
        if existing is not None:
            result.unchanged += 1
            if (existing.amount, existing.plazo, existing.responsable_id) != (
                row.amount,
                row.plazo,
                responsable_id,
            ):
                result.warnings.append(
                    f"fila {row.row}: el compromiso ya existe (N° {existing.id}) con otro monto, "
                    f"plazo o responsable; no se modificó. Use «cumple commitments update "
                    f"{existing.id}» para cambiarlo."
                )
            continue
        calendar = calendar_for(iso[row.region_id])
        due_date = calendar.roll_forward(row.plazo)
        new_rows.append(
            {
                "acta_id": acta_id,
                "region_id": row.region_id,
                "territory_id": territories[(row.region_id, row.territory_key)],
                "institution_id": institution_id,
                "responsable_id": responsable_id,
                "text": row.text,
                "text_key": row.text_key,
                "amount": row.amount,
                "executed_amount": 0,
                "source": row.source,
                "programme": row.programme,
                "products": row.products,
                "beneficiaries": row.beneficiaries,
                "plazo_text": row.plazo_text,
                "original_plazo": row.plazo,
                "plazo": row.plazo,
                "due_date": due_date,
                "next_stage_on": first_stage_on(due_date, calendar, row.held_on),
                "status": StoredStatus.PENDIENTE.value,
                "fulfilled_on": None,
                "cancelled_on": None,
                "created_at": now,
                "updated_at": now,
            }
        )
        held_on[identity] = row.held_on
    result.commitments = len(new_rows)
    if not new_rows:
        return
    _insert(session, Commitment, new_rows)
    ids = {key: r.id for key, r in _stored_commitments(session, acta_ids).items()}
    events: list[dict[str, Any]] = []
    deadlines: list[dict[str, Any]] = []
    for values in new_rows:
        identity = (values["acta_id"], values["institution_id"], values["text_key"])
        commitment_id = ids[identity]
        events.append(
            {
                "commitment_id": commitment_id,
                "recorded_at": now,
                "effective_on": held_on[identity],
                "actor": actor,
                "field": "created",
                "old_value": None,
                "new_value": values["plazo"].isoformat(),
                "reason": None,
            }
        )
        deadlines.append(
            {
                "commitment_id": commitment_id,
                "agreed_on": held_on[identity],
                "plazo": values["plazo"],
                "due_date": values["due_date"],
                "reason": None,
                "recorded_at": now,
            }
        )
    _insert(session, CommitmentEvent, events)
    _insert(session, CommitmentDeadline, deadlines)
