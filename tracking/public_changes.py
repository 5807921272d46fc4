"""The latest public changes of a published región, for its Atom feed.

One change is one public history fact of one of the región's commitments,
worded as the commitment page's public timeline words it
(:func:`tracking.public.public_events` / ``_detail``): no author, no
reason, no note, no evidence file's name. Withheld commitments and other
regiones are left out in SQL, and so are the fields that are never public
(notes), so that the ``LIMIT`` counts public changes only; the newest come
first by the time they were recorded, then by entry number. Three queries
whatever the size of the history: the publication time, the changes and
the territorios' address segments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, or_, select
from sqlmodel import Session

from models.commitments import Commitment, CommitmentEvent
from models.parties import Institution, Territory
from models.portal import PublishedRegion, WithheldCommitment
from tracking.public import PublicRegion, _detail, territory_slugs
from tracking.queries import EventView

FEED_SIZE = 100
"""How many changes a región's feed carries."""

PUBLIC_FIELDS = ("created", "status", "executed_amount", "plazo", "evidence")
"""History fields the public timeline words; the rest (notes) never leave."""


@dataclass(frozen=True)
class PublicChange:
    """One public fact of a commitment's history, with what the feed needs
    to place it: when it was recorded (aware UTC), the business date it
    happened, the commitment's public address and fields."""

    commitment_id: int
    position: int
    recorded_at: datetime
    effective_on: date
    label: str
    detail: str
    rectifies: str | None
    text: str
    institution: str
    territory: str
    path: str


@dataclass(frozen=True)
class RegionChanges:
    """A published región's latest public changes (newest first) and the
    time it was published."""

    region: PublicRegion
    published_at: datetime
    changes: list[PublicChange]


def region_changes(
    session: Session, region: PublicRegion, day: date, limit: int = FEED_SIZE
) -> RegionChanges:
    """The latest ``limit`` public changes of ``region``'s commitments that
    are not withheld, dated (by the fact) on or before ``day``."""
    published_at = session.scalar(
        select(PublishedRegion.enabled_at).where(PublishedRegion.region_id == region.id)
    )
    if published_at is None:
        raise LookupError(f"region {region.id} is not published")
    withheld = select(WithheldCommitment.commitment_id)
    rows = session.execute(
        select(
            CommitmentEvent.commitment_id,
            CommitmentEvent.position,
            CommitmentEvent.recorded_at,
            CommitmentEvent.effective_on,
            CommitmentEvent.field,
            CommitmentEvent.old_value,
            CommitmentEvent.new_value,
            CommitmentEvent.rectifies,
            Commitment.text,
            Institution.name,
            Territory.name,
        )
        .join(Commitment, Commitment.id == CommitmentEvent.commitment_id)
        .join(Institution, Institution.id == Commitment.institution_id)
        .join(Territory, Territory.id == Commitment.territory_id)
        .where(
            Commitment.region_id == region.id,
            Commitment.id.not_in(withheld),  # type: ignore[union-attr]
            CommitmentEvent.field.in_(PUBLIC_FIELDS),  # type: ignore[attr-defined]
            # A plazo entry without a new date words nothing publicly.
            or_(
                CommitmentEvent.field != "plazo",
                and_(CommitmentEvent.new_value.is_not(None), CommitmentEvent.new_value != ""),  # type: ignore[union-attr]
            ),
            CommitmentEvent.effective_on <= day,
        )
        .order_by(
            CommitmentEvent.recorded_at.desc(),  # type: ignore[attr-defined]
            CommitmentEvent.id.desc(),  # type: ignore[union-attr]
        )
        .limit(limit)
    ).all()
    slugs = territory_slugs(session, region.id)
    changes = []
    for row in rows:
        (commitment_id, position, recorded_at, effective_on, field, old, new, rectifies,
         text, institution, territory) = row  # fmt: skip
        event = EventView(recorded_at, effective_on, "", field, old, new, None, position, rectifies)
        words = _detail(event)
        if words is None:
            continue
        path = f"{region.path}/{slugs[territory]}/compromisos/{commitment_id}"
        changes.append(
            PublicChange(
                commitment_id,
                position,
                recorded_at,
                effective_on,
                words[0],
                words[1],
                rectifies,
                text,
                institution,
                territory,
                path,
            )
        )
    return RegionChanges(region, published_at, changes)
