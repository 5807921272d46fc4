"""``cumple import ACTA.docx|ACTA.pdf``: an acta read straight into the
register when every proposal is complete and stated in the document itself,
through the same all-or-nothing import as a spreadsheet, the document kept
as the acta's evidence. Proposals are never imported blindly: when a
required field is missing, or was only guessed (a responsable on record, a
date inferred from "a fines de octubre"), nothing is written; the command
lists what each proposal lacks or needs confirmed and suggests the
proposals spreadsheet, where the gerente confirms them."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from cli.actas import read_document
from cli.runtime import Runtime, UserError, actor_name
from config.i18n import plural
from importer.actas import documents
from importer.actas.confirm import has_document, import_reading, proposal_errors
from importer.actas.proposal import ActaReading
from importer.errors import ImportFailed
from importer.rows import Progress
from importer.service import ImportReport
from tracking.evidence import add_acta_evidence
from tracking.evidence_store import MAX_EVIDENCE_BYTES, EvidenceStore

DOCUMENT_SUFFIXES = (*documents.DOCUMENT_SUFFIXES, *documents.CONVERTIBLE)
SUGGESTION = "Complételas en una planilla con «cumple actas read {file} --out propuesta.xlsx» y luego «cumple import propuesta.xlsx»."  # noqa: E501


def _excerpt(text: str, size: int = 70) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def _incomplete(reading: ActaReading, file: Path) -> str:
    lacking = [
        (n, p) for n, p in enumerate(reading.proposals, start=1) if p.missing() or p.unconfirmed()
    ]
    lines = [
        plural(
            len(lacking),
            "El acta «{name}» tiene {n} propuesta por completar o confirmar; no se importó nada:",
            "El acta «{name}» tiene {n} propuestas por completar o confirmar; no se importó nada:",
        ).replace("{name}", file.name)
    ]
    for number, proposal in lacking:
        where = f"{proposal.source.location}: «{_excerpt(proposal.source.text)}»"
        needs = []
        if proposal.missing():
            needs.append(f"falta {', '.join(proposal.missing())}")
        if proposal.unconfirmed():
            needs.append(f"confirme {', '.join(proposal.unconfirmed())} (supuesto)")
        lines.append(f"  propuesta {number} ({where}): {'; '.join(needs)}")
    lines.append(SUGGESTION.format(file=file))
    return "\n".join(lines)


def import_document(
    runtime: Runtime,
    file: Path,
    *,
    by: str | None,
    dry_run: bool,
    progress: Progress | None = None,
) -> tuple[ImportReport, str]:
    """Import the acta at ``file``; returns the import's report and a line
    about the document kept as evidence. Raises :class:`UserError` (nothing
    written) when the acta proposes nothing, a proposal is incomplete or
    the importer refuses a value."""
    reading = read_document(runtime, file)
    if not reading.proposals:
        warning = reading.warnings[0] if reading.warnings else ""
        raise UserError(f"No se importó nada de «{file.name}»: {warning}.")
    if any(proposal.missing() or proposal.unconfirmed() for proposal in reading.proposals):
        raise UserError(_incomplete(reading, file))
    if file.stat().st_size > MAX_EVIDENCE_BYTES:
        raise UserError(
            f"«{file.name}» supera los {MAX_EVIDENCE_BYTES // (1024 * 1024)} MB que se guardan "
            "como evidencia del acta; expórtelo más liviano (sin imágenes) e impórtelo de nuevo."
        )
    actor = actor_name(by)
    stored = None
    if not dry_run:
        # Stored first (by content, never overwritten): a document that
        # cannot be kept stops the import before anything is written.
        with file.open("rb") as handle:
            stored = EvidenceStore(runtime.settings.evidence_dir).save(file.name, handle)
    try:
        result = import_reading(
            runtime.engine, reading, actor=actor, dry_run=dry_run, progress=progress
        )
    except ImportFailed as exc:
        lines = [
            plural(
                len(exc.errors),
                "El acta «{name}» tiene {n} error; no se importó nada:",
                "El acta «{name}» tiene {n} errores; no se importó nada:",
            ).replace("{name}", file.name)
        ]
        lines.extend(f"  {line}" for line in proposal_errors(exc, reading.proposals))
        lines.append(SUGGESTION.format(file=file))
        raise UserError("\n".join(lines)) from None
    if stored is None:
        return result.report, ""
    added = 0
    with Session(runtime.engine) as session:
        for acta_id in result.acta_ids:
            if not has_document(session, acta_id, stored.sha256):
                add_acta_evidence(session, acta_id, [stored], [], actor, runtime.today())
                added += 1
        session.commit()
    if added:
        note = (
            f"El documento «{stored.name}» quedó como evidencia del acta (sha256 {stored.sha256})."
        )
    else:
        note = f"El documento «{stored.name}» ya era evidencia del acta."
    return result.report, note
