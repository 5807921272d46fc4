"""Evidence recorded on commitments and actas, and a responsable's report
through a link (progress or fulfilment, with evidence), in one transaction
with the history entries they make."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlmodel import Session

from models.chain import GENESIS, link_hash
from models.commitments import Acta, Commitment
from models.evidence import Evidence, EvidenceKind, evidence_value
from models.history import StoredStatus
from models.portal import PublicEvidence
from models.timestamps import utc_now
from tracking.errors import Closed, InvalidChange, NotFound
from tracking.evidence_store import StoredFile, clean_reference
from tracking.record import Entry, Loaded, load, record
from tracking.updates import Plan, Report, plan_report, rules_for


@dataclass(frozen=True)
class EvidenceView:
    """A medio de verificación as users and scripts see it."""

    id: int
    tipo: str
    nombre: str
    sha256: str | None
    bytes: int | None
    medio: str | None
    referencia: str | None
    agregado_por: str
    agregado_el: date
    del_acta: bool
    publica: bool = False
    """Marked public by the gerencia (shown on the portal when its
    commitment is public): the decision now, whatever ``day`` was asked."""

    def record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "tipo": self.tipo,
            "nombre": self.nombre,
            "sha256": self.sha256,
            "bytes": self.bytes,
            "medio": self.medio,
            "referencia": self.referencia,
            "agregado_por": self.agregado_por,
            "agregado_el": self.agregado_el.isoformat(),
            "del_acta": self.del_acta,
            "publica": self.publica,
        }


def _view(row: Evidence, public: bool = False) -> EvidenceView:
    assert row.id is not None
    return EvidenceView(
        id=row.id,
        tipo=row.kind,
        nombre=row.name,
        sha256=row.sha256,
        bytes=row.size,
        medio=row.media_type,
        referencia=row.reference,
        agregado_por=row.added_by,
        agregado_el=row.added_on,
        del_acta=row.commitment_id is None,
        publica=public,
    )


def evidence_for(
    session: Session, commitment_ids: Sequence[int], day: date | None = None
) -> dict[int, list[EvidenceView]]:
    """Each commitment's evidence (its own and its acta's), added on or
    before ``day`` when given, oldest first, each with whether it is
    marked public (two queries per 500 commitments)."""
    found: dict[int, list[EvidenceView]] = defaultdict(list)
    ids = sorted(set(commitment_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        actas = dict(
            session.execute(
                select(Commitment.id, Commitment.acta_id).where(Commitment.id.in_(chunk))  # type: ignore[union-attr]
            ).all()
        )
        query = (
            select(Evidence, PublicEvidence.id)
            .outerjoin(PublicEvidence, PublicEvidence.evidence_id == Evidence.id)
            .where(
                or_(
                    Evidence.commitment_id.in_(chunk),  # type: ignore[union-attr]
                    Evidence.acta_id.in_(sorted(set(actas.values()))),  # type: ignore[union-attr]
                )
            )
        )
        if day is not None:
            query = query.where(Evidence.added_on <= day)
        rows = session.execute(query.order_by(Evidence.added_at, Evidence.id)).all()
        by_acta: dict[int, list[EvidenceView]] = defaultdict(list)
        for row, public_id in rows:
            if row.commitment_id is not None:
                found[row.commitment_id].append(_view(row, public_id is not None))
            elif row.acta_id is not None:
                by_acta[row.acta_id].append(_view(row, public_id is not None))
        for commitment_id, acta_id in actas.items():
            acta_rows = by_acta.get(acta_id, [])
            if acta_rows:
                found[commitment_id] = acta_rows + found[commitment_id]
    return found


def _entries(
    files: Sequence[StoredFile], references: Sequence[str], day: date
) -> list[tuple[Entry, dict[str, Any]]]:
    made: list[tuple[Entry, dict[str, Any]]] = []
    for stored in files:
        value = evidence_value(
            kind=EvidenceKind.FILE, name=stored.name, media_type=stored.media_type,
            size=stored.size, sha256=stored.sha256, reference=None,
        )  # fmt: skip
        made.append(
            (
                Entry("evidence", None, value, None, day),
                {"kind": EvidenceKind.FILE, "name": stored.name, "media_type": stored.media_type,
                 "size": stored.size, "sha256": stored.sha256, "reference": None},
            )
        )  # fmt: skip
    for text in references:
        value = evidence_value(
            kind=EvidenceKind.REFERENCE, name=text[:255], media_type=None, size=None,
            sha256=None, reference=text,
        )  # fmt: skip
        made.append(
            (
                Entry("evidence", None, value, None, day),
                {"kind": EvidenceKind.REFERENCE, "name": text[:255], "media_type": None,
                 "size": None, "sha256": None, "reference": text},
            )
        )  # fmt: skip
    return made


def _references(texts: Sequence[str | None]) -> list[str]:
    cleaned = [clean_reference(text) for text in texts]
    return [text for text in cleaned if text]


def _store_rows(
    session: Session,
    loaded: Loaded,
    evidence: list[tuple[Entry, dict[str, Any]]],
    events: Sequence[Any],
    actor: str,
    now: datetime,
) -> list[EvidenceView]:
    by_value = {}
    for event in events:
        if event.field == "evidence":
            by_value.setdefault(event.new_value, []).append(event)
    views = []
    for entry, values in evidence:
        event = by_value[entry.new].pop(0)
        row = Evidence(
            commitment_id=loaded.commitment.id, event_id=event.id, added_by=actor,
            added_on=entry.effective_on, added_at=now, **values,
        )  # fmt: skip
        session.add(row)
        session.flush()
        views.append(_view(row))
    return views


def add_evidence(
    session: Session,
    commitment_id: int,
    files: Sequence[StoredFile],
    references: Sequence[str | None],
    actor: str,
    today: date,
    *,
    through_link: bool = False,
) -> list[EvidenceView]:
    """Record evidence on a commitment (a history entry each). Through a
    responsable's link, a closed commitment takes no more evidence."""
    texts = _references(references)
    if not files and not texts:
        raise InvalidChange("Adjunte al menos un archivo o escriba una referencia.")
    loaded = load(session, commitment_id)
    if through_link and loaded.state.status in (StoredStatus.CUMPLIDO, StoredStatus.CANCELADO):
        raise Closed(
            "Este compromiso ya está cerrado y no admite cambios por este enlace. Si hay un "
            "error, escriba a su gerente territorial."
        )
    now = utc_now()
    evidence = _entries(files, texts, today)
    events = record(session, loaded, [entry for entry, _ in evidence], actor, now)
    return _store_rows(session, loaded, evidence, events, actor, now)


def report_progress(
    session: Session,
    commitment_id: int,
    report: Report,
    files: Sequence[StoredFile],
    references: Sequence[str | None],
    actor: str,
    today: date,
) -> Plan:
    """A responsable's report through a link: evidence, an executed amount,
    a comment, a fulfilment (``informado`` until verified)."""
    texts = _references(references)
    loaded = load(session, commitment_id)
    counted = Report(report.fulfilled, report.executed_amount, report.note, report.on,
                     len(files) + len(texts))  # fmt: skip
    plan = plan_report(loaded.state, counted, today, rules_for(loaded))
    now = utc_now()
    evidence = _entries(files, texts, today)
    events = record(session, loaded, [entry for entry, _ in evidence] + plan.entries, actor, now)
    _store_rows(session, loaded, evidence, events, actor, now)
    return plan


def add_acta_evidence(
    session: Session,
    acta_id: int,
    files: Sequence[StoredFile],
    references: Sequence[str | None],
    actor: str,
    today: date,
) -> list[EvidenceView]:
    """Attach documents (the acta itself) to an acta, chained among the
    acta's evidence."""
    texts = _references(references)
    if not files and not texts:
        raise InvalidChange("Adjunte al menos un archivo o escriba una referencia.")
    acta = session.get(Acta, acta_id, with_for_update=True)
    if acta is None:
        raise NotFound(f"No existe el acta N° {acta_id}.")
    last = session.execute(
        select(Evidence.position, Evidence.hash)
        .where(Evidence.acta_id == acta_id, Evidence.commitment_id.is_(None))  # type: ignore[union-attr]
        .order_by(Evidence.position.desc())  # type: ignore[union-attr]
        .limit(1)
    ).first()
    position, previous = (last[0], last[1]) if last else (0, GENESIS)
    now = utc_now()
    views = []
    for _, values in _entries(files, texts, today):
        position += 1
        row = Evidence(
            acta_id=acta_id, added_by=actor, added_on=today, added_at=now, position=position,
            previous_hash=previous, **values,
        )  # fmt: skip
        row.hash = link_hash(previous, row.chain_content())
        previous = row.hash
        session.add(row)
        session.flush()
        views.append(_view(row))
    return views


def get_evidence(session: Session, evidence_id: int) -> Evidence:
    row = session.get(Evidence, evidence_id)
    if row is None:
        raise NotFound(f"No existe la evidencia N° {evidence_id}.")
    return row


def evidence_owner(session: Session, evidence_id: int) -> tuple[Evidence, int] | None:
    """The evidence and the commitment whose scope decides who sees it (its
    own, or the first of its acta's); ``None`` when either is missing."""
    row = session.get(Evidence, evidence_id)
    if row is None:
        return None
    owner = row.commitment_id or session.scalar(
        select(Commitment.id).where(Commitment.acta_id == row.acta_id).limit(1)
    )
    return None if owner is None else (row, owner)


def evidence_of(session: Session, commitment_id: int, evidence_id: int) -> Evidence:
    """Evidence ``evidence_id`` when it is the commitment's own or its
    acta's; :class:`NotFound` (Spanish, naming both numbers) otherwise."""
    row = session.get(Evidence, evidence_id)
    acta_id = session.scalar(select(Commitment.acta_id).where(Commitment.id == commitment_id))
    own = row is not None and row.commitment_id == commitment_id
    of_acta = row is not None and row.commitment_id is None and row.acta_id == acta_id
    if row is None or acta_id is None or not (own or of_acta):
        raise NotFound(
            f"El compromiso N° {commitment_id} no tiene una evidencia N° {evidence_id}; "
            "revise el número en su lista de evidencia."
        )
    return row
