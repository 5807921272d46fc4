"""``cumple audit verify``: recompute every history chain, the state it
replays to, and the hash of every evidence file.

What is found, per commitment: an entry changed, removed or inserted
(its hash, its previous hash or its position no longer follow); a chain
whose last entry is not the head kept on the commitment (the last entries
were removed); commitment data that is not what its ``created`` entry says
(an amount or a text edited in place); a state (status, amounts, dates)
that is not what the history replays to; a local calendar that is not the
one its comunas give (it moves due dates); an evidence row that does not
match its history entry; an evidence file whose bytes no longer hash to
the stored SHA-256, or that is gone. Acta evidence has its own chain per
acta. A package's manifest can be checked too: every chain head it carries
must still be in the history (its figures came from an untouched record)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.calendar import calendar_for
from models.chain import Link, verify_chain
from models.commitments import Acta, Commitment, CommitmentEvent, commitment_created_value
from models.evidence import Evidence
from models.geography import CommitmentComuna, Region
from models.history import CommitmentState, Interval, State
from models.local_holidays import local_calendar_key
from tracking.comunas import shown
from tracking.evidence_store import EvidenceStore
from tracking.record import current_state, facts_of, replay_commitment

CHUNK = 1000


@dataclass(frozen=True)
class Problem:
    subject: str
    """``compromiso N° 12`` or ``acta N° 3`` or ``paquete``."""
    message: str

    def record(self) -> dict[str, str]:
        return {"sujeto": self.subject, "problema": self.message}


@dataclass
class AuditReport:
    commitments: int = 0
    entries: int = 0
    evidence: int = 0
    files: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def subjects(self) -> list[str]:
        return sorted({p.subject for p in self.problems}, key=_subject_order)


def _subject_order(subject: str) -> tuple[str, int]:
    name, _, number = subject.rpartition(" ")
    return (name, int(number) if number.isdigit() else 0)


def _stored_state(row: CommitmentState) -> Interval:
    return Interval(
        row.valid_from,
        row.valid_to,
        State(
            status=row.status,
            executed_amount=row.executed_amount,
            plazo=row.plazo,
            due_date=row.due_date,
            fulfilled_on=row.fulfilled_on,
            cancelled_on=row.cancelled_on,
            reported_on=row.reported_on,
            verified_on=row.verified_on,
            verified_by=row.verified_by,
        ),
    )


def _check_commitment(
    commitment: Commitment,
    acta_date: date,
    iso: str,
    events: Sequence[CommitmentEvent],
    stored: Sequence[CommitmentState],
    evidence: Sequence[Evidence],
    comunas: Sequence[str] = (),
) -> list[str]:
    problems: list[str] = []
    local = local_calendar_key(comunas)
    if commitment.local_calendar != local:
        kept = shown(commitment.local_calendar) or "ninguno"
        problems.append(
            f"su calendario de feriados locales («{kept}») "
            f"no es el de sus comunas («{local or 'ninguno'}»): el calendario o las comunas "
            "se cambiaron por fuera del registro"
        )
    links = [Link(e.position, e.chain_content(), e.previous_hash, e.hash) for e in events]
    problems.extend(b.message for b in verify_chain(links))
    length = events[-1].position if events else 0
    head = events[-1].hash if events else ""
    if (length, head) != (commitment.history_length, commitment.history_head):
        problems.append(
            f"el historial termina en la entrada {length} y el compromiso registra "
            f"{commitment.history_length}: faltan entradas finales o fueron agregadas por fuera"
        )
    created = [e for e in events if e.field == "created"]
    if not created:
        problems.append("falta la entrada de registro del acta")
    elif created[0].new_value != commitment_created_value(commitment):
        problems.append("los datos del compromiso no coinciden con los registrados en el acta")
    # Replayed with the calendar its comunas give, not a tampered one.
    calendar = calendar_for(iso, local)
    intervals = replay_commitment(commitment, acta_date, calendar, facts_of(events))
    if intervals[-1].state != current_state(commitment):
        problems.append("el estado del compromiso no es el que resulta de su historial")
    if [_stored_state(row) for row in stored] != intervals:
        problems.append("los estados por fecha no son los que resultan de su historial")
    by_id = {e.id: e for e in events}
    for row in evidence:
        event = by_id.get(row.event_id)
        if event is None or event.field != "evidence" or event.new_value != row.value():
            problems.append(f"la evidencia «{row.name}» no coincide con su entrada del historial")
    return problems


def _chunks(engine: Engine) -> Iterator[list[Any]]:
    last = 0
    while True:
        with Session(engine) as session:
            rows = session.execute(
                select(Commitment, Acta.held_on, Region.iso_code)
                .join(Acta, Acta.id == Commitment.acta_id)
                .join(Region, Region.id == Commitment.region_id)
                .where(Commitment.id > last)  # type: ignore[operator]
                .order_by(Commitment.id)
                .limit(CHUNK)
            ).all()
            if not rows:
                return
            yield rows
            last = rows[-1][0].id


def _grouped(session: Session, model: Any, column: Any, ids: list[int], order: Any) -> dict:
    found: dict[int, list[Any]] = defaultdict(list)
    for row in session.scalars(select(model).where(column.in_(ids)).order_by(order)):
        found[getattr(row, column.key)].append(row)
    return found


def audit(engine: Engine, store: EvidenceStore) -> AuditReport:
    """Check every commitment, every acta's evidence chain and every file."""
    report = AuditReport()
    for rows in _chunks(engine):
        ids = [row[0].id for row in rows]
        with Session(engine) as session:
            events = _grouped(session, CommitmentEvent, CommitmentEvent.commitment_id, ids,
                              CommitmentEvent.position)  # fmt: skip
            states = _grouped(session, CommitmentState, CommitmentState.commitment_id, ids,
                              CommitmentState.valid_from)  # fmt: skip
            evidence = _grouped(session, Evidence, Evidence.commitment_id, ids, Evidence.id)
            places = _grouped(session, CommitmentComuna, CommitmentComuna.commitment_id, ids,
                              CommitmentComuna.comuna_code)  # fmt: skip
        for commitment, acta_date, iso in rows:
            report.commitments += 1
            report.entries += len(events[commitment.id])
            for message in _check_commitment(
                commitment, acta_date, iso, events[commitment.id], states[commitment.id],
                evidence[commitment.id], [row.comuna_code for row in places[commitment.id]],
            ):  # fmt: skip
                report.problems.append(Problem(f"compromiso N° {commitment.id}", message))
    _check_actas(engine, report)
    _check_files(engine, store, report)
    return report


def _check_actas(engine: Engine, report: AuditReport) -> None:
    with Session(engine) as session:
        rows = session.scalars(
            select(Evidence)
            .where(Evidence.commitment_id.is_(None))  # type: ignore[union-attr]
            .order_by(Evidence.acta_id, Evidence.position)
        ).all()
    by_acta: dict[int, list[Evidence]] = defaultdict(list)
    for row in rows:
        by_acta[row.acta_id or 0].append(row)
    for acta_id, chain in sorted(by_acta.items()):
        links = [
            Link(r.position or 0, r.chain_content(), r.previous_hash or "", r.hash or "")
            for r in chain
        ]
        for broken in verify_chain(links):
            report.problems.append(Problem(f"acta N° {acta_id}", f"evidencia: {broken.message}"))


def _check_files(engine: Engine, store: EvidenceStore, report: AuditReport) -> None:
    with Session(engine) as session:
        rows = session.execute(
            select(Evidence.sha256, Evidence.commitment_id, Evidence.acta_id, Evidence.name)
            .where(Evidence.sha256.is_not(None))  # type: ignore[union-attr]
            .order_by(Evidence.id)
        ).all()
    owners: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for sha256, commitment_id, acta_id, name in rows:
        report.evidence += 1
        subject = f"compromiso N° {commitment_id}" if commitment_id else f"acta N° {acta_id}"
        owners[sha256].append((subject, name))
    for sha256, holders in owners.items():
        report.files += 1
        actual = store.digest_of(sha256)
        if actual == sha256:
            continue
        problem = "falta el archivo" if actual is None else "el archivo fue reemplazado"
        for subject, name in holders:
            report.problems.append(Problem(subject, f"evidencia «{name}»: {problem}"))


def audit_package(engine: Engine, folder: Path) -> AuditReport:
    """Check that every chain head a package carries is still in the
    history: same position, same hash."""
    report = AuditReport()
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        heads = manifest["cadenas"]
    except (OSError, ValueError, KeyError, TypeError):
        report.problems.append(
            Problem("paquete", f"«{folder}» no tiene un manifest.json con cadenas de historial")
        )
        return report
    wanted = {int(h["compromiso"]): (int(h["entradas"]), str(h["sha256"])) for h in heads}
    ids = sorted(wanted)
    with Session(engine) as session:
        found: dict[tuple[int, int], str] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            for commitment_id, position, digest in session.execute(
                select(CommitmentEvent.commitment_id, CommitmentEvent.position,
                       CommitmentEvent.hash)
                .where(CommitmentEvent.commitment_id.in_(chunk))  # type: ignore[attr-defined]
            ):  # fmt: skip
                found[(commitment_id, position)] = digest
    for commitment_id, (length, digest) in sorted(wanted.items()):
        report.commitments += 1
        if found.get((commitment_id, length)) != digest:
            report.problems.append(
                Problem(
                    f"compromiso N° {commitment_id}",
                    f"el paquete registra la entrada {length} de su historial con otro hash: "
                    "el historial cambió después de generarse el paquete",
                )
            )
    return report
