"""The tabla as a file: DOCX or PDF chosen by name, rendered in memory and
written whole (a temporary file renamed into place), so a failed render
never leaves half a document behind."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from pathlib import Path

from reports.agenda import Agenda
from reports.agenda_docx import write_docx
from reports.agenda_pdf import write_pdf
from reports.whole_file import FORMATS, MEDIA_TYPES, write_whole


def render_agenda(agenda: Agenda, kind: str, *, generated_at: datetime) -> bytes:
    """The tabla's bytes as ``kind`` (``docx`` or ``pdf``; ``ValueError``
    for anything else)."""
    buffer = BytesIO()
    if kind == "docx":
        write_docx(buffer, agenda, generated_at=generated_at)
    elif kind == "pdf":
        write_pdf(buffer, agenda, generated_at=generated_at)
    else:
        raise ValueError(f"formato desconocido: {kind}")
    return buffer.getvalue()


def write_agenda(path: Path, agenda: Agenda, *, generated_at: datetime) -> str:
    """Write the tabla to ``path``, DOCX or PDF by its suffix; returns the
    kind written (``ValueError`` for another suffix)."""
    kind = path.suffix.lower().lstrip(".")
    write_whole(path, render_agenda(agenda, kind, generated_at=generated_at))
    return kind


def agenda_file_name(agenda: Agenda, kind: str) -> str:
    """``tabla-loa-emprende-2026-07-15.pdf``: a download's name."""
    from models.text import fold

    name = fold(agenda.territory.name)
    kept = "".join(ch if ch.isascii() and ch.isalnum() else " " for ch in name)
    slug = "-".join(kept.split()) or "territorio"
    return f"tabla-{slug}-{agenda.day.isoformat()}.{kind}"


__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "agenda_file_name",
    "render_agenda",
    "write_agenda",
    "write_whole",
]
