"""``informe.pdf`` of an ARI or IRAL: an Oficio (ORD./ANT./MAT./DE:/A:)
remitting the instrument, its summary, a chart and its tables, from
``templates/instrumento.html`` rendered by WeasyPrint as a tagged
PDF/A-3b, in the environment and fonts of :mod:`reports.document`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reports.document import PDF_VARIANT, TABLE_LIMIT, _environment, svg_uri
from reports.fonts import FAMILY, font_face_css
from reports.instrument_charts import amounts_by_comuna, amounts_by_institution
from reports.instruments import SHADE_WORDS, AriFigures, IralFigures
from reports.periods import INSTRUMENT_NAMES
from reports.safe_text import drawable

SCOPE = {
    "ari": "proyección de la inversión del año {year} por institución y programa",
    "iral": "focalización de la inversión del año {year} por territorio y comuna",
}


def scope(figures: AriFigures | IralFigures) -> str:
    """What the instrument holds, in words (the mail says the same)."""
    return SCOPE[figures.period.kind.value].format(year=figures.period.start.year)


def render_html(figures: AriFigures | IralFigures, context: dict[str, Any]) -> str:
    """The instrument's HTML. ``context``: title, region_name, ordinal,
    antecedent, place, issued_on, sender, recipient_title, generated_label
    and generated_at (aware)."""
    kind = figures.period.kind.value
    period = figures.period
    if isinstance(figures, AriFigures):
        chart = amounts_by_institution(figures)
        alt = "Gráfico de barras: inversión proyectada por institución (detalle en la tabla)."
        planned = figures.total.amount
    else:
        chart = amounts_by_comuna(figures)
        alt = "Gráfico de barras: inversión planificada por comuna (detalle en el mapa y la tabla)."
        planned = figures.planned
    return (
        _environment()
        .get_template("instrumento.html")
        .render(
            kind=kind,
            period=period,
            year=period.start.year,
            day=figures.day,
            figures=figures,
            total=figures.total,
            planned=planned,
            instrument_name=INSTRUMENT_NAMES[period.kind],
            matter=f"el {period.label} de la región",
            scope=scope(figures),
            chart=svg_uri(drawable(chart)) if chart else None,
            chart_alt=alt,
            shade_words=sorted(SHADE_WORDS.items()),
            limit=TABLE_LIMIT,
            font_faces=font_face_css(),
            family=FAMILY,
            subject=f"{period.label}, {context['region_name']}",
            keywords=", ".join(
                (period.label, period.key, context["region_name"], "Gobierno Regional")
            ),
            created=context["generated_at"].isoformat(timespec="seconds"),
            **context,
        )
    )


def write_pdf(path: Path, figures: AriFigures | IralFigures, context: dict[str, Any]) -> None:
    """Render the instrument to ``path`` as a tagged PDF/A-3b."""
    from weasyprint import HTML

    HTML(string=drawable(render_html(figures, context))).write_pdf(
        path, pdf_variant=PDF_VARIANT, pdf_tags=True
    )
