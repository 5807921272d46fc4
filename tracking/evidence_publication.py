"""Which medios de verificación the transparency portal shows: each is the
gerencia's decision, one evidence at a time (a :class:`PublicEvidence`
row, with who decided and when). Evidence is private unless so marked.

A public evidence appears on the public page of its commitment (an acta's,
on the page of each commitment of that acta) only while that page is
public itself: its región published, the commitment not withheld
(:mod:`tracking.portal`). What leaves this module for the public is
:class:`PublicMedium`: kind, name, media type, size, SHA-256, the text of
a reference and the date it was added; never who added or published it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from models.commitments import Commitment
from models.evidence import Evidence, EvidenceKind
from models.portal import PublicEvidence
from models.timestamps import utc_now
from tracking.errors import InvalidChange, NotFound
from tracking.evidence_store import IMAGE_TYPES, OFFICE_TYPES

TYPE_LABELS = {
    "application/pdf": "PDF",
    **{media: f"Imagen {name}" for name, media in IMAGE_TYPES.items()},
    OFFICE_TYPES["word/document.xml"]: "Documento DOCX",
    OFFICE_TYPES["xl/workbook.xml"]: "Planilla XLSX",
}
"""Every media type the evidence store accepts (it recognises files by
content), with its name for people. A browser renders none of them as a
page or runs them as a script."""
DOWNLOAD_TYPE = "application/octet-stream"


def served_type(media_type: str | None) -> str:
    """The ``Content-Type`` a public download is served with: the stored
    type when it is one the store accepts, else ``application/octet-stream``
    (HTML, SVG, XML or JavaScript would run in the portal's origin)."""
    return media_type if media_type in TYPE_LABELS else DOWNLOAD_TYPE


@dataclass(frozen=True)
class PublicMedium:
    """A public medio de verificación, public fields only."""

    id: int
    kind: str
    name: str
    media_type: str | None
    size: int | None
    sha256: str | None
    reference: str | None
    added_on: date
    of_acta: bool

    @property
    def is_file(self) -> bool:
        """A stored file (downloadable), not a typed reference."""
        return self.kind == EvidenceKind.FILE and self.sha256 is not None

    @property
    def type_label(self) -> str:
        """``PDF``, ``Imagen PNG``, ``Planilla XLSX``…; ``Referencia`` for a
        reference; otherwise the stored media type."""
        if self.kind == EvidenceKind.REFERENCE:
            return "Referencia"
        return TYPE_LABELS.get(self.media_type or "", self.media_type or "Archivo")


def _medium(row: Evidence) -> PublicMedium:
    assert row.id is not None
    return PublicMedium(
        id=row.id,
        kind=row.kind,
        name=row.name,
        media_type=row.media_type,
        size=row.size,
        sha256=row.sha256,
        reference=row.reference,
        added_on=row.added_on,
        of_acta=row.commitment_id is None,
    )


def _evidence(session: Session, evidence_id: int) -> Evidence:
    row = session.get(Evidence, evidence_id)
    if row is None:
        raise NotFound(
            f"No existe la evidencia N° {evidence_id}; vea los números en la lista de "
            "evidencia del compromiso."
        )
    return row


def _shown(row: Evidence) -> str:
    return f"La evidencia N° {row.id} («{row.reference or row.name}»)"


def publish(session: Session, evidence_id: int, actor: str) -> Evidence:
    """Mark an evidence public, recording ``actor`` and the time. Refused
    (:class:`InvalidChange`) when it already is, so that the first
    decision's author and date stay; :class:`NotFound` for an unknown id.
    A refusal found only at the insert (published at the same moment by
    another session) rolls the session back."""
    row = _evidence(session, evidence_id)
    already = InvalidChange(f"{_shown(row)} ya está publicada en el portal; no cambió nada.")
    found = session.scalar(
        select(PublicEvidence.id).where(PublicEvidence.evidence_id == evidence_id)
    )
    if found is not None:
        raise already
    session.add(PublicEvidence(evidence_id=evidence_id, published_by=actor, published_at=utc_now()))
    try:
        session.flush()
    except IntegrityError:  # published at the same moment by someone else
        session.rollback()
        raise already from None
    return row


def unpublish(session: Session, evidence_id: int) -> Evidence:
    """Take an evidence off the portal (it is private again).
    :class:`InvalidChange` when it was not public; :class:`NotFound` for an
    unknown id."""
    row = _evidence(session, evidence_id)
    result = session.execute(
        delete(PublicEvidence).where(PublicEvidence.evidence_id == evidence_id)  # type: ignore[arg-type]
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        raise InvalidChange(f"{_shown(row)} no está publicada en el portal; no cambió nada.")
    return row


SQL_FILTER_LIMIT = 500
"""Up to this many commitments the ids go into the query; beyond, every
public evidence is read and sorted out here (there are few: each is a
decision), so that no query grows with the number of commitments."""


def public_evidence(
    session: Session, commitment_ids: Collection[int], day: date | None = None
) -> dict[int, list[PublicMedium]]:
    """The public evidence of each of ``commitment_ids``: its own and its
    acta's (acta evidence first, then by the time it was added), added on
    or before ``day`` when given. One query whatever the number of
    commitments. Whether each commitment's page is public is the caller's
    matter (:mod:`tracking.public`)."""
    wanted = set(commitment_ids)
    if not wanted:
        return {}
    # An acta's evidence belongs to every commitment of the acta.
    query = (
        select(Evidence, Commitment.id)
        .join(PublicEvidence, PublicEvidence.evidence_id == Evidence.id)
        .outerjoin(
            Commitment,
            and_(
                Evidence.commitment_id.is_(None),  # type: ignore[union-attr]
                Commitment.acta_id == Evidence.acta_id,
            ),
        )
    )
    if len(wanted) <= SQL_FILTER_LIMIT:
        ids = sorted(wanted)
        query = query.where(
            or_(
                Evidence.commitment_id.in_(ids),  # type: ignore[union-attr]
                Commitment.id.in_(ids),  # type: ignore[union-attr]
            )
        )
    if day is not None:
        query = query.where(Evidence.added_on <= day)
    found: dict[int, list[Evidence]] = defaultdict(list)
    for row, acta_commitment in session.execute(query):
        owner = row.commitment_id if row.commitment_id is not None else acta_commitment
        if owner in wanted:
            found[owner].append(row)
    return {
        owner: [
            _medium(row)
            for row in sorted(rows, key=lambda r: (r.commitment_id is not None, r.added_at, r.id))
        ]
        for owner, rows in found.items()
    }
