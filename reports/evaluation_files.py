"""The self-evaluation as a file: DOCX or PDF chosen by name, rendered in
memory and written whole (a temporary file renamed into place, as
:mod:`reports.agenda_files` does for the tabla), so a failed render never
leaves half a document behind. Only the chosen renderer is imported: the
PDF's (WeasyPrint, the charts' matplotlib) costs seconds a DOCX need not
pay."""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from io import BytesIO
from pathlib import Path

from models.text import slug
from reports.evaluation import Evaluation

FORMATS = ("docx", "pdf")
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def render_evaluation(evaluation: Evaluation, kind: str, *, generated_at: datetime) -> bytes:
    """The document's bytes as ``kind`` (``docx`` or ``pdf``; ``ValueError``
    for anything else)."""
    buffer = BytesIO()
    if kind == "docx":
        from reports.evaluation_docx import write_docx

        write_docx(buffer, evaluation, generated_at=generated_at)
    elif kind == "pdf":
        from reports.evaluation_pdf import write_pdf

        write_pdf(buffer, evaluation, generated_at=generated_at)
    else:
        raise ValueError(f"formato desconocido: {kind}")
    return buffer.getvalue()


def _write_whole(path: Path, content: bytes) -> None:
    handle, temporary = tempfile.mkstemp(prefix=".cumple-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_evaluation(path: Path, evaluation: Evaluation, *, generated_at: datetime) -> str:
    """Write the document to ``path``, DOCX or PDF by its suffix; returns
    the kind written (``ValueError`` for another suffix)."""
    kind = path.suffix.lower().lstrip(".")
    _write_whole(path, render_evaluation(evaluation, kind, generated_at=generated_at))
    return kind


def evaluation_file_name(evaluation: Evaluation, kind: str) -> str:
    """``autoevaluacion-coquimbo-2026.pdf``: a download's name."""
    evidence = evaluation.evidence
    return f"autoevaluacion-{slug(evidence.region) or 'region'}-{evidence.year}.{kind}"


__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "evaluation_file_name",
    "render_evaluation",
    "write_evaluation",
]
