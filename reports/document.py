"""``informe.pdf``: an Oficio-form cover letter, an executive summary, two
charts and the tables, from an HTML/CSS template rendered by WeasyPrint.

The PDF is PDF/A-3b and tagged (its structure tree follows the HTML), in
es-CL, with title, author, subject, keywords and the package's generation
time in its document information and XMP; set in DejaVu Sans from
matplotlib's own files (``reports/fonts.py``), never a system font."""

from __future__ import annotations

import base64
import functools
from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from models.dates import format_long
from models.money import format_clp
from reports.charts import committed_vs_executed, status_by_territory
from reports.figures import PeriodFigures, status_label
from reports.fonts import FAMILY, font_face_css
from reports.safe_text import drawable
from reports.spreadsheet import field_words, value_words
from reports.wording import count_words, plural

TABLE_LIMIT = 300
"""Rows per list in the PDF; the workbook and the open data have them all."""

PDF_VARIANT = "pdf/a-3b"
"""PDF/A-3 (archival, level B), the part that allows attachments later."""


def svg_uri(svg: str) -> str:
    """A ``data:`` URL of an SVG: drawn by WeasyPrint's SVG renderer as an
    image (with its alternative text in the tagged PDF), not parsed as HTML,
    whose CSS does not know SVG's properties and warns about each one."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")


def _chart(svg: str | None) -> str | None:
    """The chart's ``data:`` URL, or ``None`` (the template prints a note)."""
    return None if svg is None else svg_uri(svg)


def short_date(day: date | None) -> str:
    """``12-03-2026``: the dates of table cells, which never wrap."""
    return "—" if day is None else day.strftime("%d-%m-%Y")


def percent(rate: float | None) -> str:
    """``37,7 %``, or a dash when there is no rate."""
    if rate is None:
        return "—"
    return f"{rate * 100:.1f}".replace(".", ",") + " %"


@functools.cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",)),
        undefined=StrictUndefined,
    )
    env.filters["clp"] = lambda amount: format_clp(amount, empty="—")
    env.filters["fecha"] = format_long
    env.filters["fecha_corta"] = short_date
    env.globals["plural"] = plural
    env.globals["count_words"] = count_words
    env.globals["pct"] = percent
    env.globals["status_label"] = status_label
    env.globals["field_words"] = field_words
    env.globals["value_words"] = value_words
    return env


def highlights(figures: PeriodFigures) -> list[str]:
    """A few sentences a reader needs first."""
    lines: list[str] = []
    institutions = [g for g in figures.institutions() if g.committed]
    if institutions:
        top = institutions[0]
        lines.append(
            f"La institución con mayor monto comprometido es {top.name}: "
            f"{format_clp(top.committed)}, con {percent(top.rate)} ejecutado."
        )
    late = sorted(figures.territories(), key=lambda g: (-g.overdue, g.name))
    if late and late[0].overdue:
        lines.append(
            f"El territorio con más compromisos vencidos al cierre es {late[0].name} "
            f"({late[0].overdue} de {late[0].commitments})."
        )
    if figures.overdue:
        worst = figures.overdue[0]
        lines.append(
            f"El mayor atraso corresponde a «{worst.compromiso}» ({worst.institucion}), "
            f"con {count_words(worst.dias_atraso, 'día hábil', 'días hábiles')} desde el "
            f"{format_long(worst.vencimiento)}."
        )
    return lines


def document_metadata(figures: PeriodFigures, context: dict[str, Any]) -> dict[str, str]:
    """Subject, keywords and creation time of the PDF (``context`` carries
    ``region_name`` and ``generated_at``, the package's generation time, so
    the same data gives the same metadata)."""
    generated: datetime = context["generated_at"]
    return {
        "subject": (
            f"Estado de los compromisos territoriales de la {context['region_name']}, "
            f"{figures.period.label}"
        ),
        "keywords": ", ".join(
            (
                "compromisos territoriales",
                context["region_name"],
                figures.period.label,
                figures.period.key,
                "PROPIR",
                "Gobierno Regional",
            )
        ),
        "created": generated.isoformat(timespec="seconds"),
    }


def render_html(figures: PeriodFigures, context: dict[str, Any]) -> str:
    """The report's HTML. ``context``: title, preliminary, region_name,
    ordinal, antecedent, place, issued_on, sender, recipient_title,
    generated_label, generated_at (an aware datetime) and optionally
    ``public``: the public version, without the Oficio addressed to the
    Gobierno Regional, reasons or who recorded a rectification."""
    context = {"public": False, **context}
    fulfilled = figures.fulfilled
    return (
        _environment()
        .get_template("informe.html")
        .render(
            period=figures.period,
            total=figures.total,
            territories=figures.territories(),
            institutions=figures.institutions(),
            overdue=figures.overdue,
            fulfilled=fulfilled,
            fulfilled_count=len(fulfilled),
            on_time_count=sum(1 for f in fulfilled if f.a_tiempo),
            late_count=sum(1 for f in fulfilled if not f.a_tiempo),
            changes=figures.due_changes,
            new=figures.new,
            records=figures.records,
            rectifications=figures.rectifications,
            evidence_count=sum(len(r.evidencias) for r in figures.records),
            limit=TABLE_LIMIT,
            highlights=highlights(figures),
            chart_amounts=_chart(committed_vs_executed(figures.institutions())),
            chart_status=_chart(status_by_territory(figures.territories())),
            font_faces=font_face_css(),
            family=FAMILY,
            **document_metadata(figures, context),
            **context,
        )
    )


def write_pdf(path: Path, figures: PeriodFigures, context: dict[str, Any]) -> None:
    """Render the report to ``path`` as a tagged PDF/A-3b. Characters the
    font has no glyph for (an emoji in a name) are drawn as U+FFFD
    (:func:`reports.safe_text.drawable`): the font's .notdef glyph is not
    allowed in PDF/A and left the whole PDF's text unextractable."""
    from weasyprint import HTML

    HTML(string=drawable(render_html(figures, context))).write_pdf(
        path, pdf_variant=PDF_VARIANT, pdf_tags=True
    )
