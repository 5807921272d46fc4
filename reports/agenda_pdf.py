"""The tabla of a session as a PDF: ``reports/templates/agenda.html``
rendered by WeasyPrint, A4 landscape, tagged PDF/A-3b in es-CL, set in the
package's embedded DejaVu Sans (:mod:`reports.fonts`) like the information
package's ``informe.pdf``. The cells are those of the DOCX
(:func:`reports.agenda_docx.open_row`), so both list the same."""

from __future__ import annotations

import functools
from datetime import datetime
from pathlib import Path
from typing import IO

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from models.dates import format_long
from reports.agenda import Agenda
from reports.agenda_docx import FULFILLED_COLUMNS, OPEN_COLUMNS, fulfilled_row, open_row, title
from reports.document import PDF_VARIANT
from reports.fonts import FAMILY, font_face_css


@functools.cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",)),
        undefined=StrictUndefined,
    )
    env.filters["fecha"] = format_long
    return env


def _widths(columns: tuple[tuple[str, float], ...]) -> list[tuple[str, float]]:
    """Each column's header and its share of the width, in percent."""
    total = sum(width for _, width in columns)
    return [(name, round(width * 100 / total, 2)) for name, width in columns]


def render_html(agenda: Agenda, *, generated_at: datetime) -> str:
    """The tabla's HTML (what :func:`write_pdf` prints)."""
    return (
        _environment()
        .get_template("agenda.html")
        .render(
            agenda=agenda,
            title=title(agenda),
            sections=[
                (heading, [open_row(item) for item in items])
                for _, heading, items in agenda.sections()
            ],
            fulfilled=[fulfilled_row(item) for item in agenda.fulfilled],
            open_columns=_widths(OPEN_COLUMNS),
            fulfilled_columns=_widths(FULFILLED_COLUMNS),
            created=generated_at.isoformat(timespec="seconds"),
            font_faces=font_face_css(),
            family=FAMILY,
        )
    )


def write_pdf(target: Path | IO[bytes], agenda: Agenda, *, generated_at: datetime) -> None:
    """Write ``agenda`` to ``target`` (a path or a binary file) as a tagged
    PDF/A-3b."""
    from weasyprint import HTML

    HTML(string=render_html(agenda, generated_at=generated_at)).write_pdf(
        target, pdf_variant=PDF_VARIANT, pdf_tags=True
    )


__all__ = ["render_html", "write_pdf"]
