"""What the portal's pages depend on, in a few indexed reads: the newest
history entry (every change to a commitment, its creation included, is one),
the newest evidence, the published regiones, the withheld commitments and
the public evidence. Two reads that return the same stamp see the same
public data; the portal keeps rendered pages under it."""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select
from sqlmodel import Session

from models.commitments import CommitmentEvent
from models.evidence import Evidence
from models.portal import PublicEvidence, PublishedRegion, WithheldCommitment


def portal_stamp(session: Session) -> str:
    """A short digest of everything a public page is computed from (the
    day apart, which callers add to their key)."""
    newest_event = session.scalar(select(func.max(CommitmentEvent.id)))
    newest_evidence = session.scalar(select(func.max(Evidence.id)))
    published = session.execute(
        select(PublishedRegion.region_id, PublishedRegion.enabled_at).order_by(
            PublishedRegion.region_id
        )
    ).all()
    withheld = session.scalars(
        select(WithheldCommitment.commitment_id).order_by(WithheldCommitment.commitment_id)
    ).all()
    public = session.scalars(
        select(PublicEvidence.evidence_id).order_by(PublicEvidence.evidence_id)
    ).all()
    text = repr((newest_event, newest_evidence, list(published), list(withheld), list(public)))
    return hashlib.sha256(text.encode()).hexdigest()[:24]
