"""``informe.pdf``: an Oficio-form cover letter, an executive summary, two
charts and the tables, from an HTML/CSS template rendered by WeasyPrint."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from models.dates import format_long
from models.money import format_clp
from reports.charts import committed_vs_executed, status_by_territory
from reports.figures import PeriodFigures, status_label
from reports.spreadsheet import field_words, value_words

TABLE_LIMIT = 300
"""Rows per list in the PDF; the workbook and the open data have them all."""


def percent(rate: float | None) -> str:
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
            f"con {worst.dias_atraso} días hábiles desde el {format_long(worst.vencimiento)}."
        )
    return lines


def render_html(figures: PeriodFigures, context: dict[str, Any]) -> str:
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
            chart_amounts=committed_vs_executed(figures.institutions()),
            chart_status=status_by_territory(figures.territories()),
            **context,
        )
    )


def write_pdf(path: Path, figures: PeriodFigures, context: dict[str, Any]) -> None:
    from weasyprint import HTML

    HTML(string=render_html(figures, context)).write_pdf(path)
