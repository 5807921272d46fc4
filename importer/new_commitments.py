"""Writing the new commitments of an import: the rows, their ``created``
history entry (the first link of each chain), their first due-date
agreement and their first state interval. Commitments already stored are
left untouched and reported."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, bindparam, select, update
from sqlmodel import Session

from importer.bulk import insert_rows, lookup, table_of
from importer.rows import CommitmentRow
from models.calendar import calendar_for
from models.chain import GENESIS, link_hash
from models.commitments import (
    Commitment,
    CommitmentDeadline,
    CommitmentEvent,
    StoredStatus,
    created_value,
    event_content,
)
from models.geography import CommitmentComuna, Region
from models.history import CommitmentState
from models.local_holidays import local_calendar_key
from models.stages import first_stage_on

CHAINED = (
    "commitment_id", "position", "recorded_at", "effective_on", "actor", "field", "old_value",
    "new_value", "reason", "rectifies",
)  # fmt: skip


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
    return lookup(
        session,
        columns,
        Commitment.acta_id,
        acta_ids,
        lambda r: (r.acta_id, r.institution_id, r.text_key),
    )


@dataclass
class Written:
    """What :func:`write_commitments` did."""

    created: int = 0
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)


def write_commitments(
    session: Session,
    rows: Sequence[CommitmentRow],
    ids: Sequence[tuple[int, int, int, int]],
    actor: str,
    now: datetime,
    places: Sequence[tuple[str, ...]] | None = None,
) -> Written:
    """Insert the commitments of ``rows`` that are not stored yet;
    ``ids[i]`` is ``(acta, territorio, institution, responsable)`` of
    ``rows[i]`` and ``places[i]`` the CUT codes of its comunas (none when
    ``places`` is ``None``). Each new commitment gets its comunas
    (``commitment_comuna``, with the row's stated parts) and the
    ``local_calendar`` of those comunas, and its due date (and a plazo in
    business days) is counted with that calendar."""
    result = Written()
    keys: dict[tuple[str, ...], str] = {}
    iso = dict(session.execute(select(Region.id, Region.iso_code)).all())
    acta_ids = sorted({acta_id for acta_id, _, _, _ in ids})
    stored = _stored_commitments(session, acta_ids)
    new_rows: list[dict[str, Any]] = []
    held_on: dict[tuple[int, int, str], date] = {}
    comunas: dict[tuple[int, int, str], tuple[str, ...]] = {}
    parts: dict[tuple[int, int, str], dict[str, int]] = {}
    for index, (row, (acta_id, territory_id, institution_id, responsable_id)) in enumerate(
        zip(rows, ids, strict=True)
    ):
        identity = (acta_id, institution_id, row.text_key)
        codes = places[index] if places is not None else ()
        local = keys.get(codes)
        if local is None:
            local = keys[codes] = local_calendar_key(codes)
        calendar = calendar_for(iso[row.region_id], local)
        plazo = row.plazo
        if local and row.plazo_days is not None:
            plazo = calendar.add(row.held_on, row.plazo_days)
        existing = stored.get(identity)
        if existing is not None:
            result.unchanged += 1
            if (existing.amount, existing.plazo, existing.responsable_id) != (
                row.amount,
                plazo,
                responsable_id,
            ):
                result.warnings.append(
                    f"fila {row.row}: el compromiso ya existe (N° {existing.id}) con otro monto, "
                    f"plazo o responsable; no se modificó. Use «cumple commitments update "
                    f"{existing.id}» para cambiarlo."
                )
            continue
        due_date = calendar.roll_forward(plazo)
        new_rows.append(
            {
                "acta_id": acta_id,
                "region_id": row.region_id,
                "territory_id": territory_id,
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
                "original_plazo": plazo,
                "plazo": plazo,
                "due_date": due_date,
                "next_stage_on": first_stage_on(due_date, calendar, row.held_on),
                "status": StoredStatus.PENDIENTE.value,
                "fulfilled_on": None,
                "cancelled_on": None,
                "reported_on": None,
                "verified_on": None,
                "verified_by": None,
                "history_head": "",
                "history_length": 0,
                "created_at": now,
                "updated_at": now,
                "local_calendar": local,
            }
        )
        held_on[identity] = row.held_on
        comunas[identity] = codes
        if row.comuna_parts is not None:
            parts[identity] = dict(row.comuna_parts)
    result.created = len(new_rows)
    if not new_rows:
        return result
    insert_rows(session, Commitment, new_rows)
    ids = {key: r.id for key, r in _stored_commitments(session, acta_ids).items()}
    events: list[dict[str, Any]] = []
    deadlines: list[dict[str, Any]] = []
    states: list[dict[str, Any]] = []
    heads: list[dict[str, Any]] = []
    places_rows: list[dict[str, Any]] = []
    for values in new_rows:
        identity = (values["acta_id"], values["institution_id"], values["text_key"])
        commitment_id = ids[identity]
        stated = parts.get(identity, {})
        places_rows.extend(
            {"commitment_id": commitment_id, "comuna_code": code, "amount": stated.get(code)}
            for code in comunas[identity]
        )
        event = {
            "commitment_id": commitment_id,
            "position": 1,
            "recorded_at": now,
            "effective_on": held_on[identity],
            "actor": actor,
            "field": "created",
            "old_value": None,
            "new_value": created_value(
                acta_id=values["acta_id"],
                institution_id=values["institution_id"],
                responsable_id=values["responsable_id"],
                text=values["text"],
                amount=values["amount"],
                plazo=values["plazo"],
                plazo_text=values["plazo_text"],
                source=values["source"],
                programme=values["programme"],
                products=values["products"],
                beneficiaries=values["beneficiaries"],
            ),
            "reason": None,
            "rectifies": None,
            "previous_hash": GENESIS,
        }
        content = {key: event[key] for key in CHAINED}
        event["hash"] = link_hash(GENESIS, event_content(**content))
        events.append(event)
        heads.append({"cid": commitment_id, "head": event["hash"]})
        states.append(
            {
                "commitment_id": commitment_id, "valid_from": held_on[identity], "valid_to": None,
                "status": StoredStatus.PENDIENTE.value, "executed_amount": 0,
                "plazo": values["plazo"], "due_date": values["due_date"], "fulfilled_on": None,
                "cancelled_on": None, "reported_on": None, "verified_on": None,
                "verified_by": None,
            }
        )  # fmt: skip
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
    insert_rows(session, CommitmentEvent, events)
    insert_rows(session, CommitmentDeadline, deadlines)
    insert_rows(session, CommitmentState, states)
    insert_rows(session, CommitmentComuna, places_rows)
    commitment = table_of(Commitment)
    session.connection().execute(
        update(commitment)
        .where(commitment.c.id == bindparam("cid"))
        .values(history_head=bindparam("head"), history_length=1),
        heads,
    )
    return result
