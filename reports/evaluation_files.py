"""The self-evaluation as a file: DOCX or PDF chosen by name, rendered in
memory and written whole (:func:`reports.whole_file.write_whole`, as the
tabla is), so a failed render never leaves half a document behind. Only
the chosen renderer is imported: the PDF's (WeasyPrint, the charts'
matplotlib) costs seconds a DOCX need not pay."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from pathlib import Path

from models.text import slug
from reports.evaluation import Evaluation
from reports.whole_file import FORMATS, MEDIA_TYPES, write_whole


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


def write_evaluation(path: Path, evaluation: Evaluation, *, generated_at: datetime) -> str:
    """Write the document to ``path``, DOCX or PDF by its suffix; returns
    the kind written (``ValueError`` for another suffix)."""
    kind = path.suffix.lower().lstrip(".")
    write_whole(path, render_evaluation(evaluation, kind, generated_at=generated_at))
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
