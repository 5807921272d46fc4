"""Counts and amounts by territorio and status on a date, added up by the
database: the dashboard's figures (:func:`status_totals`) and the SQL for the
status on a date (:func:`status_column`) that the portal's figures share,
with the same rules as :func:`tracking.queries.list_commitments`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.sql import Select
from sqlmodel import Session

from models.commitments import (
    Commitment,
    Status,
    StoredStatus,
)
from models.geography import Region
from models.history import CommitmentState
from models.parties import Institution, Territory
from tracking.comunas import due_soon_horizons
from tracking.queries import (
    Filters,
    StateSource,
    _checked,
    _state_on,
    _status_condition,
    _where,
    state_source,
)


@dataclass(frozen=True)
class TerritoryTotal:
    """Commitments of one territorio in one status on a date, with amounts."""

    territory_id: int
    territory: str
    region: str
    status: Status
    commitments: int
    committed: int
    executed: int


def horizon_column(session: Session, day: date, region: Any, local: Any | None) -> Any:
    """SQL for the "due soon" cut-off on ``day`` of each row's place: its
    región's, or its ``(región, local_calendar)``'s where a local holiday
    moves it (``local`` is then required; ``None`` when the rows were not
    grouped by local calendar because no place's cut-off differs)."""
    base, special = due_soon_horizons(session, day)
    by_region = case(base, value=region)
    if not special or local is None:
        return by_region
    whens = [(and_(region == r, local == key), horizon) for (r, key), horizon in special.items()]
    return case(*whens, else_=by_region)


def status_column(session: Session, day: date, source: StateSource) -> Any:
    """SQL for the status on ``day`` (its value, labelled ``estado``) over
    the state read from ``source``, with the rules of :func:`status_on`."""
    due: Any = source.due_date
    # The branches are tried in order, so each can rely on the ones before
    # (open, not overdue); "por vencer" is one lookup of the región's
    # horizon instead of an OR over the 16 regiones.
    horizon = horizon_column(session, day, Commitment.region_id, Commitment.local_calendar)
    return case(
        (_status_condition(session, Status.CUMPLIDO, day, source), Status.CUMPLIDO.value),
        (_status_condition(session, Status.CANCELADO, day, source), Status.CANCELADO.value),
        (source.status == StoredStatus.INFORMADO, Status.INFORMADO.value),
        (due < day, Status.VENCIDO.value),
        (due <= horizon, Status.POR_VENCER.value),
        else_=Status.PENDIENTE.value,
    ).label("estado")


def narrowed(
    session: Session, query: Select[Any], filters: Filters, day: date, source: StateSource
) -> Select[Any]:
    """``query`` (over Commitment, Territory, Institution) limited to the
    commitments that match ``filters`` on ``day``, joined to their state on
    ``day`` when it is read from the stored intervals."""
    _checked(day)
    if source is CommitmentState:
        query = query.join(CommitmentState, _state_on(day))
    return _where(session, query, filters, day, source)


def _figures_status(session: Session, day: date, lines: Any) -> Any:
    """:func:`status_column` over the grouped state columns of ``lines``
    (a subquery with region_id, status, due_date, fulfilled_on and
    cancelled_on), with the rules of :func:`status_on`."""
    horizon = horizon_column(
        session, day, lines.c.region_id, getattr(lines.c, "local_calendar", None)
    )
    return case(
        (
            and_(lines.c.status == StoredStatus.CUMPLIDO, lines.c.fulfilled_on <= day),
            Status.CUMPLIDO.value,
        ),
        (
            and_(lines.c.status == StoredStatus.CANCELADO, lines.c.cancelled_on <= day),
            Status.CANCELADO.value,
        ),
        (lines.c.status == StoredStatus.INFORMADO, Status.INFORMADO.value),
        (lines.c.due_date < day, Status.VENCIDO.value),
        (lines.c.due_date <= horizon, Status.POR_VENCER.value),
        else_=Status.PENDIENTE.value,
    ).label("estado")


def status_totals(session: Session, filters: Filters, day: date) -> list[TerritoryTotal]:
    """Counts and amounts per territorio and status on ``day``, computed by
    the database (a dashboard over 1,000,000 commitments reads a few hundred
    rows), with the same rules as :func:`list_commitments`."""
    source: Any = state_source(session, day)
    # First the commitments are grouped by the columns their status depends
    # on, in the order of ix_commitment_figures (with the state read from
    # the rows: one index-only pass, no sort); the status is then decided
    # once per group, not once per commitment. Names come last, for the few
    # hundred lines.
    keys = [
        Commitment.region_id.label("region_id"),  # type: ignore[attr-defined]
        Commitment.territory_id.label("territory_id"),  # type: ignore[attr-defined]
        source.status.label("status"),
        source.due_date.label("due_date"),
        source.fulfilled_on.label("fulfilled_on"),
        source.cancelled_on.label("cancelled_on"),
    ]
    if due_soon_horizons(session, day)[1]:
        # A local holiday changes some place's cut-off: group by the local
        # calendar too (it is not in ix_commitment_figures, so only then).
        keys.append(Commitment.local_calendar.label("local_calendar"))  # type: ignore[attr-defined]
    query = select(
        *keys,
        func.count().label("n"),
        func.sum(Commitment.amount).label("committed"),
        func.sum(source.executed_amount).label("executed"),
    ).select_from(Commitment)
    if filters.text:  # the words may match the institution's name
        query = query.join(Institution, Institution.id == Commitment.institution_id)
    lines = narrowed(session, query, filters, day, source).group_by(*keys).subquery()
    status = _figures_status(session, day, lines)
    totals = select(
        lines.c.region_id,
        lines.c.territory_id,
        status,
        func.sum(lines.c.n),
        func.coalesce(func.sum(lines.c.committed), 0),
        func.coalesce(func.sum(lines.c.executed), 0),
    ).group_by(lines.c.region_id, lines.c.territory_id, status)
    rows = session.execute(totals).all()
    territories = sorted({row[1] for row in rows})
    named = select(Territory.id, Territory.name).where(Territory.id.in_(territories))  # type: ignore[attr-defined]
    names = {i: name for i, name in session.execute(named)} if territories else {}
    regions = {i: name for i, name in session.execute(select(Region.id, Region.name))}
    return [
        TerritoryTotal(
            row[1],
            names[row[1]],
            regions[row[0]],
            Status(row[2]),
            int(row[3]),
            int(row[4]),
            int(row[5]),
        )
        for row in rows
    ]
