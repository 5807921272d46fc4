"""Importing an acta's confirmed proposals: the same all-or-nothing path
as a spreadsheet (:func:`importer.service.import_sheet` with the reading's
``sheet()``), telling the caller which actas the rows went to so that the
document can be kept as their evidence."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from importer.actas.proposal import ActaReading, Proposal
from importer.errors import ImportFailed, RowError
from importer.rows import CommitmentRow, Progress
from importer.service import ImportReport, import_sheet
from models.commitments import Acta
from models.evidence import Evidence
from models.parties import Territory

FIRST_ROW = 2
"""The row number of the first proposal in ``ActaReading.sheet()``."""


@dataclass
class ActaImport:
    """What the import wrote, and the ids of the actas its rows belong to."""

    report: ImportReport
    acta_ids: list[int] = field(default_factory=list)


def import_reading(
    engine: Engine,
    reading: ActaReading,
    *,
    actor: str,
    dry_run: bool = False,
    progress: Progress | None = None,
    check: Callable[[list[CommitmentRow]], list[RowError]] | None = None,
) -> ActaImport:
    """Import the proposals of ``reading`` in one transaction. Raises what
    :func:`importer.service.import_sheet` raises (``ImportFailed``, whose
    row numbers :func:`proposal_errors` turns into proposals)."""
    rows: list[CommitmentRow] = []

    def keep(parsed: list[CommitmentRow]) -> list[RowError]:
        rows.extend(parsed)
        return check(parsed) if check else []

    report = import_sheet(
        engine, reading.sheet(), actor=actor, dry_run=dry_run, progress=progress, check=keep
    )
    if dry_run:
        return ActaImport(report)
    with Session(engine) as session:
        return ActaImport(report, acta_ids(session, rows))


def acta_ids(session: Session, rows: Sequence[CommitmentRow]) -> list[int]:
    """The stored actas of ``rows`` (one per distinct acta, in row order)."""
    ids: list[int] = []
    for row in rows:
        acta_id = session.scalar(
            select(Acta.id)
            .join(Territory, Territory.id == Acta.territory_id)  # type: ignore[arg-type]
            .where(
                Territory.region_id == row.region_id,
                Territory.name_key == row.territory_key,
                Acta.held_on == row.held_on,
                Acta.instance_key == row.acta_key.instance_key,
                Acta.number == row.number,
            )
        )
        if acta_id is not None and acta_id not in ids:
            ids.append(acta_id)
    return ids


def has_document(session: Session, acta_id: int, sha256: str) -> bool:
    """Whether the acta already keeps this file (by content) as its own evidence."""
    found = session.scalar(
        select(Evidence.id).where(
            Evidence.acta_id == acta_id,
            Evidence.commitment_id.is_(None),  # type: ignore[union-attr]
            Evidence.sha256 == sha256,
        )
    )
    return found is not None


def proposal_errors(exc: ImportFailed, proposals: Sequence[Proposal]) -> list[str]:
    """The importer's errors said per proposal: ``propuesta 2 (párrafo 7),
    columna plazo: …`` instead of a spreadsheet's row number."""
    lines = []
    for error in exc.errors:
        index = error.row - FIRST_ROW
        if 0 <= index < len(proposals):
            where = f"propuesta {index + 1} ({proposals[index].source.location})"
        else:
            where = "encabezado"
        lines.append(f"{where}, columna {error.column}: {error.message}")
    return lines
