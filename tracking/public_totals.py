"""A published región's figures for its portal page, added up by the
database: counts and amounts per territorio, institution and status on a
date, with the fulfilled on time, the withheld commitments left out. The
same rules as :func:`tracking.public.tally` over
:func:`tracking.public.region_commitments` (a test holds them equal), in
one grouped query instead of one object per commitment: a región of a
national database has tens of thousands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import case, func, select
from sqlmodel import Session

from models.commitments import Commitment, Status
from models.parties import Institution, Territory
from models.portal import WithheldCommitment
from models.text import slug
from tracking.public import PublicRegion, Tally, territory_slugs
from tracking.queries import Filters, state_source
from tracking.totals import narrowed, status_column


@dataclass(frozen=True)
class RegionTotals:
    """The región's tally and its tallies per territorio and institution
    (by name)."""

    total: Tally
    territories: list[Tally]
    institutions: list[Tally]


def region_totals(session: Session, region: PublicRegion, day: date) -> RegionTotals:
    """The figures of the región page on ``day``."""
    source = state_source(session, day)
    status = status_column(session, day, source)
    due: Any = source.due_date
    on_time = case((source.fulfilled_on <= due, 1), else_=0)  # type: ignore[operator]
    query = (
        select(
            Territory.name,
            Institution.name,
            status,
            func.count(),
            func.coalesce(func.sum(Commitment.amount), 0),
            func.coalesce(func.sum(source.executed_amount), 0),
            func.coalesce(func.sum(case((status == Status.CUMPLIDO.value, on_time), else_=0)), 0),
        )
        .select_from(Commitment)
        .join(Territory, Territory.id == Commitment.territory_id)
        .join(Institution, Institution.id == Commitment.institution_id)
        .where(Commitment.id.not_in(select(WithheldCommitment.commitment_id)))  # type: ignore[attr-defined]
    )
    query = narrowed(session, query, Filters(region_id=region.id), day, source)
    rows = session.execute(query.group_by(Territory.name, Institution.name, status)).all()
    slugs = territory_slugs(session, region.id)
    total = Tally(region.official_name)
    territories: dict[str, Tally] = {}
    institutions: dict[str, Tally] = {}
    for territory, institution, value, count, committed, executed, in_time in rows:
        for tally in (
            total,
            territories.setdefault(territory, Tally(territory, slugs[territory])),
            institutions.setdefault(institution, Tally(institution, slug(institution))),
        ):
            state = Status(value)
            tally.counts[state] += count
            tally.committed += int(committed)
            tally.executed += int(executed)
            if state is Status.CUMPLIDO:
                tally.fulfilled += count
                tally.on_time += int(in_time)
    return RegionTotals(
        total,
        [territories[name] for name in sorted(territories)],
        [institutions[name] for name in sorted(institutions)],
    )


def public_addresses(session: Session, region: PublicRegion) -> list[tuple[int, str]]:
    """Every public commitment of the región as (number, territorio's
    address segment), by number: what its sitemap lists."""
    slugs = territory_slugs(session, region.id)
    rows = session.execute(
        select(Commitment.id, Territory.name)
        .join(Territory, Territory.id == Commitment.territory_id)
        .where(
            Commitment.region_id == region.id,
            Commitment.id.not_in(select(WithheldCommitment.commitment_id)),  # type: ignore[attr-defined]
        )
        .order_by(Commitment.id)  # type: ignore[arg-type]
    )
    return [(number, slugs[name]) for number, name in rows]
