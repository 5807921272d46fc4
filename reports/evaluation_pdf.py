"""The self-evaluation draft as a PDF: ``reports/templates/evaluacion.html``
rendered by WeasyPrint, A4, tagged PDF/A-3b in es-CL, set in the embedded
DejaVu Sans (:mod:`reports.fonts`) like the tabla and the information
package. The cells are the DOCX's (:mod:`reports.evaluation_docx`), so both
say the same."""

from __future__ import annotations

import functools
from datetime import datetime
from pathlib import Path
from typing import IO

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from models.dates import format_long
from reports.document import PDF_VARIANT
from reports.evaluation import Evaluation
from reports.evaluation_docx import TO_COMPLETE, criteria_rows, intro
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


def render_html(evaluation: Evaluation, *, generated_at: datetime) -> str:
    """The document's HTML (what :func:`write_pdf` prints)."""
    return (
        _environment()
        .get_template("evaluacion.html")
        .render(
            evaluation=evaluation,
            evidence=evaluation.evidence,
            intro=intro(evaluation),
            criteria=[criteria_rows(r) for r in evaluation.requirements],
            recommendations=evaluation.recommendations(),
            key_figures=evaluation.key_figures(),
            to_complete=TO_COMPLETE,
            created=generated_at.isoformat(timespec="seconds"),
            font_faces=font_face_css(),
            family=FAMILY,
        )
    )


def write_pdf(target: Path | IO[bytes], evaluation: Evaluation, *, generated_at: datetime) -> None:
    """Write ``evaluation`` to ``target`` (a path or a binary file) as a
    tagged PDF/A-3b."""
    from weasyprint import HTML

    from reports.safe_text import drawable

    HTML(string=drawable(render_html(evaluation, generated_at=generated_at))).write_pdf(
        target, pdf_variant=PDF_VARIANT, pdf_tags=True
    )


__all__ = ["render_html", "write_pdf"]
