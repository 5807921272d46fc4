"""Writing validated rows: get-or-create of territorios, institutions,
contacts and actas, then the new commitments with their "created" history
entry and their first due-date agreement (:mod:`importer.new_commitments`).
Set-based (:mod:`importer.bulk`). The caller owns the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session

from importer.bulk import ensure, insert_rows, lookup
from importer.errors import RowError
from importer.new_commitments import write_commitments
from importer.rows import CommitmentRow
from models.commitments import Acta
from models.parties import Contact, ContactRole, Institution, Territory
from models.timestamps import utc_now
from tracking.territories import NamedPlace, import_places


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
    places = _places(session, rows, territories, result)
    if result.errors:
        return result
    contacts = _contacts(session, rows, territories, institutions, result, now)
    actas = _actas(session, rows, territories, result, now)
    ids = []
    for row in rows:
        institution_id = institutions[row.institution_key]
        scope = Contact.scope_for(institution_id, None)
        ids.append(
            (
                actas[_acta_db_key(row, territories)],
                territories[(row.region_id, row.territory_key)],
                institution_id,
                contacts[(ContactRole.RESPONSABLE, row.region_id, scope, row.responsable_email)],
            )
        )
    written = write_commitments(session, rows, ids, actor, now, places)
    result.commitments = written.created
    result.unchanged = written.unchanged
    result.warnings.extend(written.warnings)
    return result


def _places(
    session: Session,
    rows: Sequence[CommitmentRow],
    territories: dict[tuple[int, str], int],
    result: WriteResult,
) -> list[tuple[str, ...]]:
    """The comunas of each row's commitment (see :func:`tracking.territories.import_places`)."""
    places = import_places(
        session,
        [
            NamedPlace(
                row.row, territories[(row.region_id, row.territory_key)], row.territory, row.comunas
            )
            for row in rows
        ],
    )
    result.errors.extend(RowError(number, "comunas", message) for number, message in places.errors)
    result.warnings.extend(places.notices)
    return places.codes


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
    ids, result.territories = ensure(
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
    found = lookup(session, columns, Institution.name_key, list(first), lambda r: r.name_key)
    by_rut = lookup(session, columns, Institution.rut, list(rut_of.values()), lambda r: r.rut)
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
        insert_rows(session, Institution, missing)
        found = lookup(session, columns, Institution.name_key, list(first), lambda r: r.name_key)
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

    ids, result.contacts = ensure(
        session,
        Contact,
        wanted,
        (Contact.id, Contact.role, Contact.region_id, Contact.scope, Contact.email),
        Contact.scope,
        lambda r: (r.role, r.region_id, r.scope, r.email),
    )
    return ids


def new_directors(session: Session, rows: Sequence[CommitmentRow]) -> list[RowError]:
    """One error per row whose ``institucion_director_email`` is not
    already a director of that institution in that región: writing it would
    create a director contact (who then hears about every territorio of the
    región). Only an administrator may do that; the web and the API ask
    this before a non-administrator's rows are written."""
    named = [row for row in rows if row.director_email]
    if not named:
        return []
    institutions = {
        r.name_key: r.id
        for r in lookup(
            session,
            (Institution.id, Institution.name_key),
            Institution.name_key,
            [row.institution_key for row in named],
            lambda r: r.name_key,
        ).values()
    }
    scopes = [Contact.scope_for(i, None) for i in institutions.values()]
    stored = set(
        lookup(
            session,
            (Contact.role, Contact.region_id, Contact.scope, Contact.email),
            Contact.scope,
            scopes,
            lambda r: (r.role, r.region_id, r.scope, r.email),
        )
    )
    refused = []
    for row in named:
        institution_id = institutions.get(row.institution_key)
        key = (
            ContactRole.DIRECTOR.value,
            row.region_id,
            Contact.scope_for(institution_id, None) if institution_id else "",
            row.director_email,
        )
        if institution_id is None or key not in stored:
            refused.append(
                RowError(
                    row.row,
                    "institucion_director_email",
                    "solo un administrador puede registrar o cambiar el director(a) de una "
                    "institución; deje el campo vacío o use el correo del director(a) ya "
                    "registrado",
                )
            )
    return refused


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

    ids, result.actas = ensure(
        session,
        Acta,
        wanted,
        (Acta.id, Acta.territory_id, Acta.held_on, Acta.instance_key, Acta.number),
        Acta.territory_id,
        lambda r: (r.territory_id, r.held_on, r.instance_key, r.number),
    )
    return ids
