"""Gathering a tabla's data from the database in a fixed number of queries:
the territory, its commitments with their state on D (one
:func:`tracking.queries.list_commitments`), the last history entry of each
dated on or before D (one query), and its actas' dates (one query)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from models.calendar import calendar_for
from models.commitments import Acta, Commitment, CommitmentEvent
from models.geography import Region
from models.parties import Territory
from reports.agenda import Agenda, TerritoryRef, build_agenda
from tracking.errors import InvalidChange
from tracking.lookup import find_region, find_territories
from tracking.queries import EventView, Filters, list_commitments


def _ref(territory: Territory, region: Region) -> TerritoryRef:
    assert territory.id is not None
    return TerritoryRef(
        territory.id,
        territory.name,
        region.name,
        region.iso_code,
        region.official_name,
        region.id,
    )


def resolve_territory(session: Session, name: str, region: str | None = None) -> TerritoryRef:
    """The one territory called ``name`` (in ``region`` when given).
    :class:`tracking.errors.NotFound` when there is none,
    :class:`tracking.errors.InvalidChange` when the name is in several
    regiones and no región was given."""
    scope = find_region(session, region) if region else None
    found = find_territories(session, name, scope)
    regions = {t.region_id: session.get(Region, t.region_id) for t in found}
    if len(found) > 1:
        names = sorted(r.name for r in regions.values() if r is not None)
        raise InvalidChange(
            f"Hay {len(found)} territorios «{found[0].name}» ({', '.join(names)}); "
            "indique la región con --region."
        )
    region_row = regions[found[0].region_id]
    assert region_row is not None
    return _ref(found[0], region_row)


def territory_by_id(session: Session, territory_id: int) -> TerritoryRef | None:
    """The territory with this number, or ``None``."""
    row = session.execute(
        select(Territory, Region)
        .join(Region, Region.id == Territory.region_id)
        .where(Territory.id == territory_id)
    ).first()
    return _ref(*row) if row is not None else None


def _event_view(event: CommitmentEvent) -> EventView:
    return EventView(
        recorded_at=event.recorded_at,
        effective_on=event.effective_on,
        actor=event.actor,
        field=event.field,
        old_value=event.old_value,
        new_value=event.new_value,
        reason=event.reason,
        position=event.position,
        rectifies=event.rectifies,
        hash=event.hash,
    )


def last_facts(session: Session, territory_id: int, day: date) -> dict[int, list[EventView]]:
    """Per commitment of the territory, the entries of its last recorded
    change dated on or before ``day`` (the entry with the highest position
    and those recorded with it, e.g. an amount and a note), in one query."""
    event = CommitmentEvent.__table__  # type: ignore[attr-defined]
    latest = (
        select(event.c.commitment_id, func.max(event.c.position).label("position"))
        .join(Commitment, Commitment.id == event.c.commitment_id)  # type: ignore[arg-type]
        .where(Commitment.territory_id == territory_id, event.c.effective_on <= day)
        .group_by(event.c.commitment_id)
        .subquery()
    )
    last = (
        select(event.c.commitment_id, event.c.recorded_at, event.c.effective_on)
        .join(
            latest,
            (latest.c.commitment_id == event.c.commitment_id)
            & (latest.c.position == event.c.position),
        )
        .subquery()
    )
    query = (
        select(CommitmentEvent)
        .join(
            last,
            (last.c.commitment_id == CommitmentEvent.commitment_id)
            & (last.c.recorded_at == CommitmentEvent.recorded_at)
            & (last.c.effective_on == CommitmentEvent.effective_on),
        )
        .order_by(CommitmentEvent.commitment_id, CommitmentEvent.position)  # type: ignore[arg-type]
    )
    found: dict[int, list[EventView]] = {}
    for entry in session.scalars(query):
        found.setdefault(entry.commitment_id, []).append(_event_view(entry))
    return found


def load_agenda(
    session: Session, territory: TerritoryRef, day: date, next_session: date | None = None
) -> Agenda:
    """The tabla of ``territory``'s session on ``day`` (see
    :func:`reports.agenda.build_agenda`)."""
    views = list_commitments(session, Filters(territory_ids=frozenset({territory.id})), day)
    acta_dates = session.scalars(
        select(Acta.held_on).where(Acta.territory_id == territory.id).distinct()
    )
    return build_agenda(
        territory,
        views,
        last_facts(session, territory.id, day),
        list(acta_dates),
        day=day,
        # The región's calendar: build_agenda counts each commitment in its place's.
        calendar=calendar_for(territory.region_iso),
        next_session=next_session,
    )


__all__ = ["load_agenda", "resolve_territory", "territory_by_id"]
