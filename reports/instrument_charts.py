"""The charts of an ARI or IRAL package (matplotlib, SVG, in the style of
:mod:`reports.charts`): the projected amount by institution, the planned
amount by comuna grouped by provincia."""

from __future__ import annotations

import warnings

from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from models.money import format_clp
from reports.charts import BLUE, STYLE, _svg, wrap_label
from reports.instruments import AriFigures, IralFigures

# Names users typed may hold characters DejaVu Sans lacks (emoji): the SVG
# text is drawn by WeasyPrint, matplotlib only measures it, so its warning
# would be noise on the console and in the cycle's log.
warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from font", category=UserWarning)

PROVINCE_COLORS = ["#0f3d6e", "#2e7d32", "#b45309", "#6a1b9a", "#00838f", "#ad1457", "#5d4037"]


def _height(labels: list[str]) -> float:
    lines = sum(label.count("\n") + 1 for label in labels)
    return 0.26 * max(lines, 3) + 0.12 * len(labels) + 1.2


def _bars(
    labels: list[str], values: list[int], colors: list[str], title: str, *, legend: bool = False
) -> Figure:
    # A legend goes below the tick labels, however long the amounts make
    # them: constrained layout measures them ("outside lower center").
    figure = Figure(figsize=(7.2, _height(labels)), layout="constrained" if legend else None)
    axes = figure.subplots()
    positions = list(range(len(labels)))
    axes.barh(positions, values, 0.6, color=colors)
    axes.set_yticks(positions, labels)
    axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _: format_clp(int(x))))
    axes.tick_params(axis="x", labelrotation=20)
    axes.set_title(title, loc="left")
    return figure


def amounts_by_institution(figures: AriFigures, top: int = 15) -> str | None:
    """Horizontal bars: the projected amount of each institution (the
    ``top`` largest); ``None`` when no institution has an amount."""
    lines = [line for line in figures.institutions if line.sums.amount][:top][::-1]
    if not lines:
        return None
    with rc_context({**STYLE, "svg.hashsalt": "ari"}):
        return _svg(
            _bars(
                [wrap_label(line.institution) for line in lines],
                [line.sums.amount for line in lines],
                [BLUE] * len(lines),
                "Inversión proyectada por institución",
            )
        )


def amounts_by_comuna(figures: IralFigures) -> str | None:
    """Horizontal bars: the planned amount of each comuna of the región
    with something planned, in CUT order, coloured by provincia; ``None``
    when nothing is planned in any."""
    cells = [
        (block_index, cell)
        for block_index, block in enumerate(figures.provinces)
        for cell in block.cells
        if cell.sums.amount
    ][::-1]
    if not cells:
        return None
    with rc_context({**STYLE, "svg.hashsalt": "iral"}):
        figure = _bars(
            [wrap_label(cell.comuna.name) for _, cell in cells],
            [cell.sums.amount for _, cell in cells],
            [PROVINCE_COLORS[index % len(PROVINCE_COLORS)] for index, _ in cells],
            "Inversión planificada por comuna",
            legend=True,
        )
        used = sorted({index for index, _ in cells})
        figure.legend(
            handles=[
                Patch(color=PROVINCE_COLORS[i % len(PROVINCE_COLORS)],
                      label=f"Provincia de {figures.provinces[i].name}")
                for i in used
            ],
            loc="outside lower center", frameon=False, ncols=3,
        )  # fmt: skip
        return _svg(figure)
