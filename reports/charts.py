"""Charts drawn with matplotlib as SVG, embedded in the PDF. A chart with
nothing to draw is ``None`` (the document prints a note instead): an empty
axes says nothing, and its legend would warn on stderr."""

from __future__ import annotations

import io
import re
import textwrap

from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from models.money import format_clp
from reports.figures import Group
from reports.fonts import FAMILY, MATPLOTLIB_FAMILY
from reports.safe_text import drawable

BLUE = "#0f3d6e"
GREEN = "#2e7d32"
STATUS_COLORS = {
    "cumplido": GREEN,
    "informado": "#1565c0",
    "pendiente": "#90a4ae",
    "por_vencer": "#f9a825",
    "vencido": "#c62828",
    "cancelado": "#616161",
}
STATUS_NAMES = {
    "cumplido": "Cumplido",
    "informado": "Informado, por verificar",
    "pendiente": "Pendiente",
    "por_vencer": "Por vencer",
    "vencido": "Vencido",
    "cancelado": "Cancelado",
}


# Figures are built with the object API (no pyplot, no GUI backend): safe in
# a server thread. The salt makes the SVG ids the same from run to run.
# Labels are names users typed: with mathtext on, "Fondo $\x$ Regional" is
# parsed as TeX and the whole package fails; they are drawn as plain text.
# One family, matplotlib's own DejaVu Sans: a family the machine lacks costs a
# findfont warning per text, and a substitute measured here but drawn by
# WeasyPrint in another font clips the labels.
STYLE = {
    "text.parse_math": False,
    "text.usetex": False,
    "font.family": [MATPLOTLIB_FAMILY],
    "font.size": 9,
    "svg.hashsalt": "cumple",
    "svg.fonttype": "none",
    "axes.spines.top": False,
    "axes.spines.right": False,
}


# matplotlib numbers its groups ("patch_1", "text_1") per figure: two charts
# in one HTML document would define every anchor twice. Nothing refers to
# them (references use the salted ids), so they are dropped.
_GROUP_ID = re.compile(r'<g id="[A-Za-z0-9.]+_\d+"')


def _svg(figure: Figure) -> str:
    """The figure as an inline SVG element, its text set in :data:`FAMILY`."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buffer.getvalue()
    text = _GROUP_ID.sub("<g", text[text.index("<svg") :])
    return text.replace(f"font-family: '{MATPLOTLIB_FAMILY}'", f"font-family: '{FAMILY}'")


def wrap_label(name: str, width: int = 30, lines: int = 2) -> str:
    """``name`` on at most ``lines`` lines of about ``width`` characters,
    broken between words; what does not fit ends in an ellipsis after a
    whole word. Characters the font lacks (an emoji) are U+FFFD here, as in
    the PDF (:func:`reports.safe_text.drawable`): measured as drawn, and
    without matplotlib's missing-glyph warning."""
    parts = textwrap.wrap(drawable(name), width) or [""]
    if len(parts) <= lines:
        return "\n".join(parts)
    rest = textwrap.shorten(" ".join(parts[lines - 1 :]), width, placeholder=" …")
    return "\n".join([*parts[: lines - 1], rest])


def _height(groups: list[Group]) -> float:
    lines = sum(wrap_label(g.name).count("\n") + 1 for g in groups)
    return 0.28 * max(lines, 3) + 0.2 * len(groups) + 1.2


def committed_vs_executed(institutions: list[Group], top: int = 12) -> str | None:
    """Horizontal bars: committed and executed amount per institution (the
    ``top`` largest by committed amount); ``None`` when no institution has
    an amount committed or executed."""
    groups = [g for g in institutions if g.committed or g.executed][:top][::-1]
    if not groups:
        return None
    with rc_context({**STYLE, "svg.hashsalt": "montos"}):
        return _svg(_amounts_figure(groups))


def _amounts_figure(groups: list[Group]) -> Figure:
    figure = Figure(figsize=(7.2, _height(groups)))
    axes = figure.subplots()
    positions = range(len(groups))
    axes.barh([p + 0.2 for p in positions], [g.committed for g in groups], 0.4,
              color=BLUE, label="Comprometido")  # fmt: skip
    axes.barh([p - 0.2 for p in positions], [g.executed for g in groups], 0.4,
              color=GREEN, label="Ejecutado")  # fmt: skip
    axes.set_yticks(list(positions), [wrap_label(g.name) for g in groups])
    axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _: format_clp(int(x))))
    axes.tick_params(axis="x", labelrotation=20)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), frameon=False, ncols=2)
    axes.set_title("Montos comprometidos y ejecutados por institución", loc="left")
    return figure


def status_by_territory(territories: list[Group]) -> str | None:
    """Stacked bars: commitments per status at the period's end, per
    territory; ``None`` when there is no commitment to count."""
    if not any(g.by_status.get(status) for g in territories for status in STATUS_COLORS):
        return None
    with rc_context({**STYLE, "svg.hashsalt": "estados"}):
        return _svg(_status_figure(territories[::-1]))


def _status_figure(groups: list[Group]) -> Figure:
    figure = Figure(figsize=(7.2, _height(groups)))
    axes = figure.subplots()
    left = [0] * len(groups)
    for status, color in STATUS_COLORS.items():
        values = [g.by_status.get(status, 0) for g in groups]
        if not any(values):
            continue
        axes.barh(range(len(groups)), values, left=left, color=color,
                  label=STATUS_NAMES[status])  # fmt: skip
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.set_yticks(list(range(len(groups))), [wrap_label(g.name) for g in groups])
    axes.set_xlabel("Compromisos")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), frameon=False, ncols=5)
    axes.set_title("Estado de los compromisos por territorio al cierre", loc="left")
    return figure
