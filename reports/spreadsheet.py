"""``planilla.xlsx``: one sheet per table, real numbers and dates (not
text), a CLP number format, frozen headers and filters. Written with
XlsxWriter in constant-memory mode: each row goes to disk as it is written,
so memory stays flat with the row count."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.workbook import Workbook

from reports.figures import PeriodFigures, status_label

CLP = '"$"#,##0'
DATE = "dd-mm-yyyy"
PERCENT = "0.0%"

Column = tuple[str, str | None, float, Callable[[Any], Any]]
"""``(header, number format, width, value of a row)``."""


def _sheet(workbook: Workbook, title: str, columns: Sequence[Column], rows: Iterable[Any]) -> int:
    sheet = workbook.add_worksheet(title)
    header_format = workbook.add_format(
        {"bold": True, "font_color": "#FFFFFF", "bg_color": "#0F3D6E", "text_wrap": True,
         "valign": "vcenter"}
    )  # fmt: skip
    formats = [workbook.add_format({"num_format": f}) if f else None for _, f, _, _ in columns]
    for index, (name, _, width, _) in enumerate(columns):
        sheet.set_column(index, index, width, formats[index])
        sheet.write_string(0, index, name, header_format)
    sheet.freeze_panes(1, 0)
    count = 0
    for count, row in enumerate(rows, start=1):
        for index, (_, _, _, get) in enumerate(columns):
            value = get(row)
            if value is None:
                continue
            if isinstance(value, date):
                sheet.write_datetime(count, index, value, formats[index])
            elif isinstance(value, bool):
                sheet.write_boolean(count, index, value, formats[index])
            elif isinstance(value, int | float):
                sheet.write_number(count, index, value, formats[index])
            else:
                sheet.write_string(count, index, str(value), formats[index])
    sheet.autofilter(0, 0, max(count, 1), len(columns) - 1)
    return count


def _group_columns(label: str) -> list[Column]:
    return [
        (label, None, 36, lambda g: g.name),
        ("Compromisos", "0", 13, lambda g: g.commitments),
        ("Monto comprometido", CLP, 20, lambda g: g.committed),
        ("Monto ejecutado", CLP, 20, lambda g: g.executed),
        ("Tasa de ejecución", PERCENT, 12, lambda g: g.rate),
        ("Nuevos en el periodo", "0", 12, lambda g: g.new),
        ("Cumplidos a tiempo", "0", 12, lambda g: g.fulfilled_on_time),
        ("Cumplidos con atraso", "0", 12, lambda g: g.fulfilled_late),
        ("Vencidos al cierre", "0", 12, lambda g: g.overdue),
    ]


def write_workbook(
    path: Path, figures: PeriodFigures, summary: list[tuple[str, Any, str | None]]
) -> dict[str, int]:
    """Write the workbook; returns the row count of each sheet."""
    workbook = xlsxwriter.Workbook(
        str(path), {"constant_memory": True, "default_date_format": DATE}
    )
    counts: dict[str, int] = {}
    counts["Resumen"] = _sheet(
        workbook,
        "Resumen",
        [
            ("Indicador", None, 48, lambda r: r[0]),
            ("Valor", None, 22, lambda r: r[1]),
        ],
        summary,
    )
    counts["Por territorio"] = _sheet(
        workbook, "Por territorio", _group_columns("Territorio"), figures.territories()
    )
    counts["Por institución"] = _sheet(
        workbook, "Por institución", _group_columns("Institución"), figures.institutions()
    )
    counts["Compromisos"] = _sheet(
        workbook,
        "Compromisos",
        [
            ("N°", "0", 8, lambda r: r.id),
            ("Territorio", None, 26, lambda r: r.territorio),
            ("Programa", None, 18, lambda r: r.programa),
            ("Institución", None, 26, lambda r: r.institucion),
            ("Acción", None, 60, lambda r: r.compromiso),
            ("Acta", None, 40, lambda r: r.acta),
            ("Fuente", None, 22, lambda r: r.fuente),
            ("Monto invertido", CLP, 18, lambda r: r.monto),
            ("Monto gastado", CLP, 18, lambda r: r.monto_ejecutado),
            ("Fecha de inicio", DATE, 12, lambda r: r.acta_fecha),
            ("Fecha de término", DATE, 12, lambda r: r.cumplido_el or r.vencimiento),
            ("Plazo acordado", DATE, 12, lambda r: r.plazo),
            ("Situación actual", None, 14, lambda r: status_label(r.estado)),
            ("Días hábiles de atraso", "0", 10, lambda r: r.dias_atraso),
            ("Productos", None, 30, lambda r: r.productos),
            ("Beneficiarios", "#,##0", 12, lambda r: r.beneficiarios),
            ("Nuevo en el periodo", None, 10, lambda r: "sí" if r.nuevo_en_periodo else "no"),
        ],
        figures.records,
    )
    counts["Vencidos"] = _sheet(
        workbook,
        "Vencidos",
        [
            ("N°", "0", 8, lambda o: o.id),
            ("Territorio", None, 26, lambda o: o.territorio),
            ("Institución", None, 26, lambda o: o.institucion),
            ("Compromiso", None, 60, lambda o: o.compromiso),
            ("Monto", CLP, 18, lambda o: o.monto),
            ("Vencimiento", DATE, 12, lambda o: o.vencimiento),
            ("Días hábiles de atraso", "0", 12, lambda o: o.dias_atraso),
        ],
        figures.overdue,
    )
    counts["Cumplidos"] = _sheet(
        workbook,
        "Cumplidos",
        [
            ("N°", "0", 8, lambda f: f.id),
            ("Institución", None, 26, lambda f: f.institucion),
            ("Compromiso", None, 60, lambda f: f.compromiso),
            ("Vencimiento", DATE, 12, lambda f: f.vencimiento),
            ("Cumplido el", DATE, 12, lambda f: f.cumplido_el),
            ("A tiempo", None, 9, lambda f: "sí" if f.a_tiempo else "no"),
            ("Días hábiles de atraso", "0", 12, lambda f: f.dias_atraso),
        ],
        figures.fulfilled,
    )
    counts["Nuevos"] = _sheet(
        workbook,
        "Nuevos",
        [
            ("N°", "0", 8, lambda r: r.id),
            ("Institución", None, 26, lambda r: r.institucion),
            ("Compromiso", None, 60, lambda r: r.compromiso),
            ("Acta", None, 40, lambda r: r.acta),
            ("Fecha del acta", DATE, 12, lambda r: r.acta_fecha),
            ("Monto", CLP, 18, lambda r: r.monto),
            ("Vencimiento", DATE, 12, lambda r: r.vencimiento),
        ],
        figures.new,
    )
    counts["Cambios de plazo"] = _sheet(
        workbook,
        "Cambios de plazo",
        [
            ("N°", "0", 8, lambda c: c.id),
            ("Institución", None, 26, lambda c: c.institucion),
            ("Compromiso", None, 60, lambda c: c.compromiso),
            ("Plazo anterior", DATE, 12, lambda c: c.plazo_anterior),
            ("Plazo nuevo", DATE, 12, lambda c: c.plazo_nuevo),
            ("Acordado el", DATE, 12, lambda c: c.acordado_el),
            ("Motivo", None, 40, lambda c: c.motivo),
        ],
        figures.due_changes,
    )
    workbook.close()
    return counts
