"""Charts drawn with matplotlib as SVG, embedded in the PDF."""

from __future__ import annotations

import io

from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from models.money import format_clp
from reports.figures import Group

BLUE = "#0f3d6e"
GREEN = "#2e7d32"
STATUS_COLORS = {
    "cumplido": GREEN,
    "pendiente": "#90a4ae",
    "por_vencer": "#f9a825",
    "vencido": "#c62828",
    "cancelado": "#616161",
}
STATUS_NAMES = {
    "cumplido": "Cumplido",
    "pendiente": "Pendiente",
    "por_vencer": "Por vencer",
    "vencido": "Vencido",
    "cancelado": "Cancelado",
}


# Figures are built with the object API (no pyplot, no GUI backend): safe in
# a server thread. The salt makes the SVG ids the same from run to run.
# Labels are names users typed: with mathtext on, "Fondo $\x$ Regional" is
# parsed as TeX and the whole package fails; they are drawn as plain text.
STYLE = {
    "text.parse_math": False,
    "text.usetex": False,
    "font.family": ["Liberation Sans", "DejaVu Sans"],
    "font.size": 9,
    "svg.hashsalt": "cumple",
    "svg.fonttype": "none",
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _short(name: str, limit: int = 34) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def committed_vs_executed(institutions: list[Group], top: int = 12) -> str:
    """Horizontal bars: committed and executed amount per institution (the
    ``top`` largest by committed amount)."""
    groups = [g for g in institutions if g.committed or g.executed][:top][::-1]
    with rc_context({**STYLE, "svg.hashsalt": "montos"}):
        return _svg(_amounts_figure(groups))


def _amounts_figure(groups: list[Group]) -> Figure:
    figure = Figure(figsize=(7.2, 0.42 * max(len(groups), 3) + 1.0))
    axes = figure.subplots()
    positions = range(len(groups))
    axes.barh([p + 0.2 for p in positions], [g.committed for g in groups], 0.4,
              color=BLUE, label="Comprometido")  # fmt: skip
    axes.barh([p - 0.2 for p in positions], [g.executed for g in groups], 0.4,
              color=GREEN, label="Ejecutado")  # fmt: skip
    axes.set_yticks(list(positions), [_short(g.name) for g in groups])
    axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _: format_clp(int(x))))
    axes.tick_params(axis="x", labelrotation=20)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), frameon=False, ncols=2)
    axes.set_title("Montos comprometidos y ejecutados por institución", loc="left")
    return figure


def status_by_territory(territories: list[Group]) -> str:
    """Stacked bars: commitments per status at the period's end, per territory."""
    with rc_context({**STYLE, "svg.hashsalt": "estados"}):
        return _svg(_status_figure(territories[::-1]))


def _status_figure(groups: list[Group]) -> Figure:
    figure = Figure(figsize=(7.2, 0.42 * max(len(groups), 3) + 1.0))
    axes = figure.subplots()
    left = [0] * len(groups)
    for status, color in STATUS_COLORS.items():
        values = [g.by_status.get(status, 0) for g in groups]
        if not any(values):
            continue
        axes.barh(range(len(groups)), values, left=left, color=color,
                  label=STATUS_NAMES[status])  # fmt: skip
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.set_yticks(list(range(len(groups))), [_short(g.name) for g in groups])
    axes.set_xlabel("Compromisos")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), frameon=False, ncols=5)
    axes.set_title("Estado de los compromisos por territorio al cierre", loc="left")
    return figure
