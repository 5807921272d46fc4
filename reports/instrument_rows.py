"""Reading the rows an ARI or IRAL is computed from: one query per table
(the commitments with their state on the build day, their comunas, their
territorios' comunas, the comunas named), never one per row."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.engine import Engine

from models.commitments import Acta, Commitment
from models.geography import CommitmentComuna, Comuna, TerritoryComuna
from models.history import CommitmentState
from models.parties import Institution, Territory
from reports.instruments import ComunaInfo, InstrumentRow
from reports.periods import Period


@dataclass(frozen=True)
class InstrumentData:
    """The rows of a región for an instrument, and the comunas they name
    (``region_comunas``: the región's CUT codes, in order)."""

    rows: list[InstrumentRow]
    comunas: list[ComunaInfo]
    region_comunas: list[str]


def instrument_data(engine: Engine, region_id: int, period: Period, day: date) -> InstrumentData:
    """The commitments of ``region_id`` signed by ``day`` whose due date in
    force on ``day`` falls in ``period`` (cancelled ones included: the
    figures leave them out), with their state on ``day`` and their
    places."""
    state = CommitmentState.__table__  # type: ignore[attr-defined]
    commitments = (
        select(
            Commitment.id,
            Commitment.territory_id,
            Territory.name.label("territory"),
            Institution.name.label("institution"),
            Commitment.programme,
            Commitment.text,
            Commitment.amount,
            state.c.due_date,
            state.c.status,
        )
        .join(Acta, Acta.id == Commitment.acta_id)
        .join(Territory, Territory.id == Commitment.territory_id)
        .join(Institution, Institution.id == Commitment.institution_id)
        .join(
            state,
            (state.c.commitment_id == Commitment.id)
            & (state.c.valid_from <= day)
            & or_(state.c.valid_to.is_(None), state.c.valid_to > day),
        )
        .where(
            Commitment.region_id == region_id,
            Acta.held_on <= day,
            state.c.due_date >= period.start,
            state.c.due_date <= period.end,
        )
    )
    own = select(
        CommitmentComuna.commitment_id, CommitmentComuna.comuna_code, CommitmentComuna.amount
    ).where(
        CommitmentComuna.commitment_id.in_(commitments.with_only_columns(Commitment.id))  # type: ignore[attr-defined]
    )
    territory_ids = select(Commitment.territory_id).where(Commitment.region_id == region_id)
    of_territories = select(TerritoryComuna.territory_id, TerritoryComuna.comuna_code).where(
        TerritoryComuna.territory_id.in_(territory_ids)  # type: ignore[attr-defined]
    )
    named = (
        select(Comuna)
        .where(
            or_(
                Comuna.region_id == region_id,
                Comuna.code.in_(own.with_only_columns(CommitmentComuna.comuna_code)),  # type: ignore[attr-defined]
                Comuna.code.in_(of_territories.with_only_columns(TerritoryComuna.comuna_code)),  # type: ignore[attr-defined]
            )
        )
        .order_by(Comuna.code)
    )
    places: dict[int, list[tuple[str, int | None]]] = defaultdict(list)
    territory_places: dict[int, list[str]] = defaultdict(list)
    with engine.connect() as connection:
        found = connection.execute(commitments.order_by(Commitment.id)).all()
        for item in connection.execute(own):
            places[item.commitment_id].append((item.comuna_code, item.amount))
        for item in connection.execute(of_territories):
            territory_places[item.territory_id].append(item.comuna_code)
        comunas: list[ComunaInfo] = []
        region_codes: list[str] = []
        for c in connection.execute(named):
            comunas.append(ComunaInfo(c.code, c.name, c.province_code, c.province_name))
            if c.region_id == region_id:
                region_codes.append(c.code)
    rows = [
        InstrumentRow(
            id=item.id,
            territory=item.territory,
            institution=item.institution,
            programme=item.programme,
            text=item.text,
            amount=item.amount,
            due_date=item.due_date,
            status=item.status,
            comunas=tuple(sorted(places.get(item.id, []))),
            territory_comunas=tuple(sorted(territory_places.get(item.territory_id, []))),
        )
        for item in found
    ]
    return InstrumentData(rows, comunas, region_codes)
