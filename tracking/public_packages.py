"""Which information packages the portal publishes, and the stamp of what
their public versions must be built with.

A published región's packages are its non-preliminary ones, the latest
build of each period. The public version of one is made of the package, the
región's withheld commitments and the evidence the gerencia made public;
:attr:`PublicPackage.stamp` digests the three, so a version built with
other choices (a commitment withheld since, evidence published since, the
package rebuilt) has another stamp and is not served. A fixed number of
queries, whatever the number of packages."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session

from models.commitments import Acta, Commitment
from models.evidence import Evidence
from models.packages import Package
from models.portal import PublicEvidence, WithheldCommitment
from models.protocols import ANNUAL_INSTRUMENTS
from tracking.public import PublicRegion, published_regions


@dataclass(frozen=True)
class PublicPackage:
    """A package of a published región whose public version the portal
    serves, with what that version must leave out and show."""

    region: PublicRegion
    period: str
    package_id: int
    generated_at: datetime
    manifest_sha256: str
    withheld: frozenset[int]
    evidence: frozenset[int]

    @property
    def stamp(self) -> str:
        """SHA-256 of the package (id and manifest) and of the región's
        withheld commitments and public evidence, by id."""
        text = json.dumps(
            {
                "paquete": self.package_id,
                "manifiesto": self.manifest_sha256,
                "reservados": sorted(self.withheld),
                "evidencias_publicas": sorted(self.evidence),
            },
            sort_keys=True,
        )
        return hashlib.sha256(text.encode()).hexdigest()


def _withheld(session: Session, region_ids: list[int]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = defaultdict(set)
    rows = session.execute(
        select(Commitment.region_id, WithheldCommitment.commitment_id)
        .join(Commitment, Commitment.id == WithheldCommitment.commitment_id)
        .where(Commitment.region_id.in_(region_ids))  # type: ignore[attr-defined]
    )
    for region_id, commitment_id in rows:
        found[region_id].add(commitment_id)
    return found


def _public_evidence(session: Session, region_ids: list[int]) -> dict[int, set[int]]:
    """Public evidence by región: of its commitments or of its actas."""
    found: dict[int, set[int]] = defaultdict(set)
    region = func.coalesce(Commitment.region_id, Acta.region_id)
    rows = session.execute(
        select(region, PublicEvidence.evidence_id)
        .join(Evidence, Evidence.id == PublicEvidence.evidence_id)
        .outerjoin(Commitment, Commitment.id == Evidence.commitment_id)
        .outerjoin(Acta, Acta.id == Evidence.acta_id)
        .where(region.in_(region_ids))
    )
    for region_id, evidence_id in rows:
        found[region_id].add(evidence_id)
    return found


def is_instrument_key(period: str) -> bool:
    """``2027-ARI``, ``2027-IRAL``: an instrument's package, which has no
    public version (a projection for the Gobierno Regional, not a report)."""
    return period.rsplit("-", 1)[-1].lower() in ANNUAL_INSTRUMENTS


def public_packages(session: Session, region_slug: str | None = None) -> list[PublicPackage]:
    """The packages of the published regiones (only ``region_slug``'s when
    given; none when it is not published): per región and period the
    latest non-preliminary build, by región and then newest period first."""
    regions = {
        region.id: region
        for region in published_regions(session)
        if region_slug is None or region.slug == region_slug
    }
    if not regions:
        return []
    ids = sorted(regions)
    rows = session.execute(
        select(
            Package.id,
            Package.region_id,
            Package.period,
            Package.period_end,
            Package.generated_at,
            Package.manifest_sha256,
        )
        .where(
            Package.region_id.in_(ids),  # type: ignore[attr-defined]
            ~Package.preliminary,  # type: ignore[arg-type]
        )
        .order_by(
            Package.region_id,
            Package.period_end.desc(),  # type: ignore[attr-defined]
            Package.generated_at.desc(),  # type: ignore[attr-defined]
            Package.id.desc(),  # type: ignore[union-attr]
        )
    ).all()
    withheld = _withheld(session, ids)
    evidence = _public_evidence(session, ids)
    found: list[PublicPackage] = []
    seen: set[tuple[int, str]] = set()
    for row in rows:
        if (row.region_id, row.period) in seen or is_instrument_key(row.period):
            continue
        seen.add((row.region_id, row.period))
        found.append(
            PublicPackage(
                region=regions[row.region_id],
                period=row.period,
                package_id=row.id,
                generated_at=row.generated_at,
                manifest_sha256=row.manifest_sha256,
                withheld=frozenset(withheld[row.region_id]),
                evidence=frozenset(evidence[row.region_id]),
            )
        )
    return found


def commitment_region(session: Session, commitment_id: int) -> int | None:
    """The región of a commitment (``None`` when there is no such one)."""
    return session.scalar(select(Commitment.region_id).where(Commitment.id == commitment_id))
