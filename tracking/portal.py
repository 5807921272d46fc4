"""Publication decisions of the transparency portal: which regiones are
public and which commitments are withheld. Nothing is public by default;
each decision records who took it and when. The CLI calls these; the
public pages read them through :mod:`tracking.public`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlmodel import Session

from models.commitments import Commitment
from models.geography import Region
from models.portal import PublishedRegion, WithheldCommitment
from models.timestamps import utc_now
from tracking.errors import InvalidChange, NotFound
from tracking.lookup import find_region


def enable_region(session: Session, region_text: str, actor: str) -> tuple[Region, bool]:
    """Publish the región named ``region_text``; returns it and whether it
    was newly published (``False``: it already was, nothing changes)."""
    region = find_region(session, region_text)
    found = session.scalars(
        select(PublishedRegion).where(PublishedRegion.region_id == region.id)
    ).first()
    if found is not None:
        return region, False
    session.add(PublishedRegion(region_id=region.id, enabled_by=actor, enabled_at=utc_now()))
    session.flush()
    return region, True


def disable_region(session: Session, region_text: str) -> Region:
    """Take the región off the portal; :class:`NotFound` when it was not
    published."""
    region = find_region(session, region_text)
    result = session.execute(
        delete(PublishedRegion).where(PublishedRegion.region_id == region.id)  # type: ignore[arg-type]
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        raise NotFound(f"La {region.official_name} no está publicada en el portal.")
    return region


def published(session: Session, region_text: str) -> Region:
    """The región named ``region_text``, which must be published
    (:class:`NotFound` otherwise, saying how to publish it)."""
    region = find_region(session, region_text)
    found = session.scalars(
        select(PublishedRegion.id).where(PublishedRegion.region_id == region.id)
    ).first()
    if found is None:
        raise NotFound(
            f"La {region.official_name} no está publicada en el portal; publíquela con "
            f"«cumple portal enable --region {region.name}»."
        )
    return region


def _commitment(session: Session, commitment_id: int) -> Commitment:
    commitment = session.get(Commitment, commitment_id)
    if commitment is None:
        raise NotFound(f"No existe el compromiso N° {commitment_id}.")
    return commitment


def withhold(session: Session, commitment_id: int, reason: str, actor: str) -> int:
    """Keep a commitment out of every public page, with a reason (for
    instance, its text names a person); returns its región's id (whose
    public packages must be built again). Withholding one already withheld
    is refused, so that the first reason stays."""
    commitment = _commitment(session, commitment_id)
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidChange("Indique el motivo con --reason (por ejemplo, «nombra a una persona»).")
    exists = session.scalars(
        select(WithheldCommitment).where(WithheldCommitment.commitment_id == commitment_id)
    ).first()
    if exists is not None:
        raise InvalidChange(
            f"El compromiso N° {commitment_id} ya está reservado: «{exists.reason}»."
        )
    session.add(
        WithheldCommitment(
            commitment_id=commitment_id, reason=reason, withheld_by=actor, withheld_at=utc_now()
        )
    )
    session.flush()
    return commitment.region_id


def release(session: Session, commitment_id: int) -> int:
    """Let a withheld commitment be public again (if its región is);
    returns its región's id."""
    commitment = _commitment(session, commitment_id)
    result = session.execute(
        delete(WithheldCommitment).where(WithheldCommitment.commitment_id == commitment_id)  # type: ignore[arg-type]
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        raise NotFound(f"El compromiso N° {commitment_id} no estaba reservado.")
    return commitment.region_id


@dataclass(frozen=True)
class PublishedView:
    """A published región as ``cumple portal list`` shows it."""

    region: str
    enabled_at: datetime
    enabled_by: str


@dataclass(frozen=True)
class WithheldView:
    """A withheld commitment as ``cumple portal list`` shows it."""

    commitment_id: int
    region: str
    reason: str
    withheld_by: str
    withheld_at: datetime


def decisions(session: Session) -> tuple[list[PublishedView], list[WithheldView]]:
    """Every published región (by name) and every withheld commitment (by
    number), in two queries."""
    published = [
        PublishedView(region.official_name, row.enabled_at, row.enabled_by)
        for row, region in session.execute(
            select(PublishedRegion, Region)
            .join(Region, Region.id == PublishedRegion.region_id)
            .order_by(Region.id)
        )
    ]
    withheld = [
        WithheldView(row.commitment_id, region.name, row.reason, row.withheld_by, row.withheld_at)
        for row, region in session.execute(
            select(WithheldCommitment, Region)
            .join(Commitment, Commitment.id == WithheldCommitment.commitment_id)
            .join(Region, Region.id == Commitment.region_id)
            .order_by(WithheldCommitment.commitment_id)
        )
    ]
    return published, withheld
