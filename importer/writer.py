"""Writing validated rows: get-or-create of territorios, institutions,
contacts and actas, then the new commitments and their "created" events,
in set-based statements (a 50,000-row file is a few dozen statements).

The caller owns the transaction: nothing here commits."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import insert, select, update
from sqlmodel import Session

from importer.errors import RowError
from importer.rows import ActaKey, CommitmentRow
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
from models.text import fold, text_key
from models.timestamps import utc_now

CHUNK = 500
T = TypeVar("T")


def _chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


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
    session: Session, rows: Sequence[CommitmentRow], result: WriteResult, now: Any
) -> dict[tuple[int, str], int]:
    wanted: dict[tuple[int, str], str] = {}
    for row in rows:
        wanted.setdefault((row.region_id, fold(row.territory)), row.territory)
    region_ids = sorted({region_id for region_id, _ in wanted})
    found = {
        (region_id, key): territory_id
        for territory_id, region_id, key in session.execute(
            select(Territory.id, Territory.region_id, Territory.name_key).where(
                Territory.region_id.in_(region_ids)  # type: ignore[attr-defined]
            )
        )
    }
    missing = [
        {"region_id": region_id, "name": name, "name_key": key, "created_at": now}
        for (region_id, key), name in wanted.items()
        if (region_id, key) not in found
    ]
    for chunk in _chunks(missing):
        ids = session.scalars(
            insert(Territory).returning(Territory.id, sort_by_parameter_order=True), chunk
        ).all()
        for values, new_id in zip(chunk, ids, strict=True):
            found[(values["region_id"], values["name_key"])] = new_id
    result.territories = len(missing)
    return found


def _institutions(
    session: Session, rows: Sequence[CommitmentRow], result: WriteResult, now: Any
) -> dict[str, int]:
    first: dict[str, CommitmentRow] = {}
    rut_of: dict[str, str] = {}
    for row in rows:
        first.setdefault(row.institution_key, row)
        if row.institution_rut:
            rut_of.setdefault(row.institution_key, row.institution_rut)
    keys = sorted(first)
    found: dict[str, tuple[int, str | None]] = {}
    for chunk in _chunks(keys):
        for inst_id, key, rut in session.execute(
            select(Institution.id, Institution.name_key, Institution.rut).where(
                Institution.name_key.in_(chunk)  # type: ignore[attr-defined]
            )
        ):
            found[key] = (inst_id, rut)
    ruts = sorted(set(rut_of.values()))
    owner_of_rut: dict[str, tuple[str, str]] = {}
    for chunk in _chunks(ruts):
        for key, name, rut in session.execute(
            select(Institution.name_key, Institution.name, Institution.rut).where(
                Institution.rut.in_(chunk)  # type: ignore[union-attr]
            )
        ):
            owner_of_rut[rut] = (key, name)
    for key, rut in rut_of.items():
        row = first[key]
        stored = found.get(key)
        if stored is not None and stored[1] is not None and stored[1] != rut:
            result.errors.append(
                RowError(
                    row.row,
                    "institucion_rut",
                    f"«{row.institution}» ya está registrada con el RUT {stored[1]}",
                )
            )
        owner = owner_of_rut.get(rut)
        if owner is not None and owner[0] != key:
            result.errors.append(
                RowError(
                    row.row,
                    "institucion_rut",
                    f"el RUT {rut} ya está registrado para «{owner[1]}»",
                )
            )
    if result.errors:
        return {}
    ids = {key: value[0] for key, value in found.items()}
    for key, (inst_id, stored_rut) in found.items():
        if stored_rut is None and key in rut_of:
            session.execute(
                update(Institution).where(Institution.id == inst_id).values(rut=rut_of[key])
            )
    missing = [
        {"name": first[key].institution, "name_key": key, "rut": rut_of.get(key), "created_at": now}
        for key in keys
        if key not in found
    ]
    for chunk in _chunks(missing):
        new_ids = session.scalars(
            insert(Institution).returning(Institution.id, sort_by_parameter_order=True), chunk
        ).all()
        for values, new_id in zip(chunk, new_ids, strict=True):
            ids[values["name_key"]] = new_id
    result.institutions = len(missing)
    return ids


def _contact_keys(
    row: CommitmentRow,
    territories: dict[tuple[int, str], int],
    institutions: dict[str, int],
) -> Iterable[tuple[ContactKey, str | None, int | None, int | None]]:
    institution_id = institutions[row.institution_key]
    territory_id = territories[(row.region_id, fold(row.territory))]
    scope_i = Contact.scope_for(institution_id, None)
    yield (
        (ContactRole.RESPONSABLE, row.region_id, scope_i, row.responsable_email),
        row.responsable,
        institution_id,
        None,
    )
    if row.director_email:
        yield (
            (ContactRole.DIRECTOR, row.region_id, scope_i, row.director_email),
            None,
            institution_id,
            None,
        )
    if row.gerente_email:
        scope_t = Contact.scope_for(None, territory_id)
        yield (
            (ContactRole.GERENTE, row.region_id, scope_t, row.gerente_email),
            None,
            None,
            territory_id,
        )


def _contacts(
    session: Session,
    rows: Sequence[CommitmentRow],
    territories: dict[tuple[int, str], int],
    institutions: dict[str, int],
    result: WriteResult,
    now: Any,
) -> dict[ContactKey, int]:
    wanted: dict[ContactKey, dict[str, Any]] = {}
    for row in rows:
        for key, name, institution_id, territory_id in _contact_keys(
            row, territories, institutions
        ):
            if key not in wanted:
                wanted[key] = {
                    "role": key[0],
                    "region_id": key[1],
                    "scope": key[2],
                    "email": key[3],
                    "name": name,
                    "institution_id": institution_id,
                    "territory_id": territory_id,
                    "created_at": now,
                }
    scopes = sorted({key[2] for key in wanted})
    found: dict[ContactKey, int] = {}
    for chunk in _chunks(scopes):
        for contact_id, role, region_id, scope, email in session.execute(
            select(Contact.id, Contact.role, Contact.region_id, Contact.scope, Contact.email).where(
                Contact.scope.in_(chunk)
            )  # type: ignore[attr-defined]
        ):
            found[(role, region_id, scope, email)] = contact_id
    missing = [values for key, values in wanted.items() if key not in found]
    for chunk in _chunks(missing):
        new_ids = session.scalars(
            insert(Contact).returning(Contact.id, sort_by_parameter_order=True), chunk
        ).all()
        for values, new_id in zip(chunk, new_ids, strict=True):
            found[(values["role"], values["region_id"], values["scope"], values["email"])] = new_id
    result.contacts = len(missing)
    return found


ActaDbKey = tuple[int, Any, str, str]  # territory_id, held_on, instance_key, number


def _acta_db_key(key: ActaKey, territories: dict[tuple[int, str], int]) -> ActaDbKey:
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
    now: Any,
) -> dict[ActaDbKey, int]:
    wanted: dict[ActaDbKey, dict[str, Any]] = {}
    for row in rows:
        key = _acta_db_key(row.acta_key, territories)
        wanted.setdefault(
            key,
            {
                "region_id": row.region_id,
                "territory_id": key[0],
                "kind": row.kind,
                "instance": row.instance,
                "instance_key": key[2],
                "number": row.number,
                "held_on": row.held_on,
                "created_at": now,
            },
        )
    territory_ids = sorted({key[0] for key in wanted})
    found: dict[ActaDbKey, int] = {}
    for chunk in _chunks(territory_ids):
        for acta_id, territory_id, held_on, instance_key, number in session.execute(
            select(Acta.id, Acta.territory_id, Acta.held_on, Acta.instance_key, Acta.number).where(
                Acta.territory_id.in_(chunk)  # type: ignore[attr-defined]
            )
        ):
            found[(territory_id, held_on, instance_key, number)] = acta_id
    missing = [values for key, values in wanted.items() if key not in found]
    for chunk in _chunks(missing):
        new_ids = session.scalars(
            insert(Acta).returning(Acta.id, sort_by_parameter_order=True), chunk
        ).all()
        for values, new_id in zip(chunk, new_ids, strict=True):
            key = (
                values["territory_id"],
                values["held_on"],
                values["instance_key"],
                values["number"],
            )
            found[key] = new_id
    result.actas = len(missing)
    return found


def _commitments(
    session: Session,
    rows: Sequence[CommitmentRow],
    territories: dict[tuple[int, str], int],
    institutions: dict[str, int],
    contacts: dict[ContactKey, int],
    actas: dict[ActaDbKey, int],
    result: WriteResult,
    actor: str,
    now: Any,
) -> None:
    iso = dict(session.execute(select(Region.id, Region.iso_code)).all())
    acta_ids = sorted(set(actas.values()))
    stored: dict[tuple[int, int, str], tuple[int, int | None, Any, int]] = {}
    for chunk in _chunks(acta_ids):
        for cid, acta_id, inst_id, key, amount, plazo, responsable_id in session.execute(
            select(
                Commitment.id,
                Commitment.acta_id,
                Commitment.institution_id,
                Commitment.text_key,
                Commitment.amount,
                Commitment.plazo,
                Commitment.responsable_id,
            ).where(Commitment.acta_id.in_(chunk))  # type: ignore[attr-defined]
        ):
            stored[(acta_id, inst_id, key)] = (cid, amount, plazo, responsable_id)
    new_rows: list[dict[str, Any]] = []
    held_on: list[Any] = []
    for row in rows:
        acta_id = actas[_acta_db_key(row.acta_key, territories)]
        institution_id = institutions[row.institution_key]
        responsable_id = contacts[
            (
                ContactRole.RESPONSABLE,
                row.region_id,
                Contact.scope_for(institution_id, None),
                row.responsable_email,
            )
        ]
        identity = (acta_id, institution_id, text_key(row.text))
        existing = stored.get(identity)
        if existing is not None:
            result.unchanged += 1
            if existing[1:] != (row.amount, row.plazo, responsable_id):
                result.warnings.append(
                    f"fila {row.row}: el compromiso ya existe (N° {existing[0]}) con otro monto, "
                    f"plazo o responsable; no se modificó. Use «cumple commitments update "
                    f"{existing[0]}» para cambiarlo."
                )
            continue
        calendar = calendar_for(iso[row.region_id])
        new_rows.append(
            {
                "acta_id": acta_id,
                "region_id": row.region_id,
                "territory_id": territories[(row.region_id, fold(row.territory))],
                "institution_id": institution_id,
                "responsable_id": responsable_id,
                "text": row.text,
                "text_key": identity[2],
                "amount": row.amount,
                "executed_amount": 0,
                "source": row.source,
                "plazo_text": row.plazo_text,
                "original_plazo": row.plazo,
                "plazo": row.plazo,
                "due_date": calendar.roll_forward(row.plazo),
                "status": StoredStatus.PENDIENTE.value,
                "fulfilled_on": None,
                "cancelled_on": None,
                "created_at": now,
                "updated_at": now,
            }
        )
        held_on.append(row.held_on)
    for start in range(0, len(new_rows), CHUNK):
        chunk = new_rows[start : start + CHUNK]
        ids = session.scalars(
            insert(Commitment).returning(Commitment.id, sort_by_parameter_order=True), chunk
        ).all()
        events = [
            {
                "commitment_id": new_id,
                "recorded_at": now,
                "effective_on": held_on[start + offset],
                "actor": actor,
                "field": "created",
                "old_value": None,
                "new_value": values["plazo"].isoformat(),
                "reason": None,
            }
            for offset, (values, new_id) in enumerate(zip(chunk, ids, strict=True))
        ]
        session.execute(insert(CommitmentEvent), events)
        deadlines = [
            {
                "commitment_id": new_id,
                "agreed_on": held_on[start + offset],
                "plazo": values["plazo"],
                "due_date": values["due_date"],
                "reason": None,
                "recorded_at": now,
            }
            for offset, (values, new_id) in enumerate(zip(chunk, ids, strict=True))
        ]
        session.execute(insert(CommitmentDeadline), deadlines)
    result.commitments = len(new_rows)
