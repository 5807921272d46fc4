"""The tables of an ARI or IRAL package, each declared once and written
three ways: a CSV and a JSON file (open data, described in
``datapackage.json`` as typed Frictionless tables; see
:mod:`reports.instrument_open_data`) and a sheet of ``planilla.xlsx``
(integers with a CLP number format, real dates, header row frozen, no
formulas)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date
from pathlib import Path
from typing import Any

import xlsxwriter

from reports.exact import EXACT_LIMIT as EXACT_LIMIT
from reports.exact import EXACT_NOTE, Formatted, exact_cell, too_large
from reports.instruments import (
    NO_COMUNA,
    NO_PROGRAMME,
    AriFigures,
    IralFigures,
)
from reports.open_data import Column
from reports.spreadsheet import CLP, DATE, WorkbookInfo, _sheet

NOT_NEGATIVE = {"minimum": 0}
RECORDS = "registros"
"""The property of each JSON file that holds its records."""


@dataclass(frozen=True)
class Field:
    """A column: its open-data description, its workbook header, number
    format and width, and its value in a row."""

    column: Column
    header: str
    num_format: str | None
    width: float
    get: Callable[[Any], Any]


@dataclass(frozen=True)
class Table:
    """One table of the package: ``name`` is its resource and file stem,
    ``sheet`` its worksheet."""

    name: str
    title: str
    description: str
    sheet: str
    fields: list[Field]
    rows: list[Any]

    def value(self, field: Field, row: Any) -> Any:
        value = field.get(row)
        return value.isoformat() if isinstance(value, date) else value


def _int(name: str, title: str, description: str, header: str, get: Callable[[Any], Any],
         *, money: bool = False, required: bool = True) -> Field:  # fmt: skip
    constraints = {**NOT_NEGATIVE, **({"required": True} if required else {})}
    return Field(
        Column(name, "integer", title, description, constraints),
        header, CLP if money else "#,##0", 18 if money else 12, get,
    )  # fmt: skip


def _text(name: str, title: str, description: str, header: str, get: Callable[[Any], Any],
          *, width: float = 28, required: bool = True) -> Field:  # fmt: skip
    return Field(
        Column(name, "string", title, description, {"required": True} if required else None),
        header, None, width, get,
    )  # fmt: skip


def _commitment_fields() -> list[Field]:
    return [
        _int("id", "Número", "Número del compromiso en el sistema", "N°", lambda r: r.id),
        _text("territorio", "Territorio", "Territorio del programa", "Territorio",
              lambda r: r.territory),
        _text("institucion", "Institución", "Institución que se compromete", "Institución",
              lambda r: r.institution),
        _text("programa", "Programa", "Programa de la institución (vacío si no se registró)",
              "Programa", lambda r: r.programme, required=False),
        _text("compromiso", "Compromiso", "Acción comprometida", "Compromiso",
              lambda r: r.text, width=50),
        Field(Column("vencimiento", "date", "Vencimiento",
                     "Vencimiento vigente el día en que se armó el paquete", {"required": True}),
              "Vencimiento", DATE, 12, lambda r: r.due_date),
        _int("monto", "Monto", "Monto comprometido en pesos chilenos (CLP); vacío si no tiene",
             "Monto", lambda r: r.amount, money=True, required=False),
    ]  # fmt: skip


def _sums_fields(amount_title: str) -> list[Field]:
    return [
        _int("compromisos", "Compromisos", "Compromisos contados", "Compromisos",
             lambda line: line.sums.commitments),
        _int("con_monto", "Con monto", "Compromisos con monto", "Con monto",
             lambda line: line.sums.with_amount),
        _int("sin_monto", "Sin monto", "Compromisos sin monto (no suman)", "Sin monto",
             lambda line: line.sums.without_amount),
        _int("monto", amount_title, f"{amount_title} en pesos chilenos (CLP)", amount_title,
             lambda line: line.sums.amount, money=True),
    ]  # fmt: skip


def ari_tables(figures: AriFigures) -> list[Table]:
    """The ARI's tables: by institution and programme, and its commitments."""
    return [
        Table(
            "ari-instituciones-programas",
            "Inversión proyectada por institución y programa",
            f"Compromisos con vencimiento en {figures.period.start.year}, no cancelados, por "
            f"institución y programa («{NO_PROGRAMME}» si no se registró), con su suma.",
            "Por institución y programa",
            [
                _text(
                    "institucion",
                    "Institución",
                    "Institución",
                    "Institución",
                    lambda line: line.institution,
                ),
                _text(
                    "programa",
                    "Programa",
                    f"Programa, o «{NO_PROGRAMME}»",
                    "Programa",
                    lambda line: line.programme,
                ),
                *_sums_fields("Monto proyectado"),
            ],
            figures.lines,
        ),
        Table(
            "ari-compromisos",
            "Compromisos del ARI",
            f"Cada compromiso con vencimiento en {figures.period.start.year}, no cancelado.",
            "Compromisos",
            _commitment_fields(),
            figures.rows,
        ),
    ]


def iral_tables(figures: IralFigures) -> list[Table]:
    """The IRAL's tables: by territorio and comuna, the comunas by provincia
    (with shade), the provincias, and each commitment in each comuna."""
    cell_fields = [
        _text("provincia_codigo", "Código de provincia", "Código CUT de la provincia",
              "Código provincia", lambda c: c.comuna.province_code, width=10),
        _text("provincia", "Provincia", "Provincia", "Provincia", lambda c: c.comuna.province_name),
        _text("comuna_codigo", "Código de comuna", "Código CUT de la comuna", "Código comuna",
              lambda c: c.comuna.code, width=10),
        _text("comuna", "Comuna", "Comuna", "Comuna", lambda c: c.comuna.name),
        *_sums_fields("Monto planificado"),
        _int("quintil", "Quintil", "Quintil del monto planificado entre las comunas con "
             "inversión (1 a 5); 0 si no tiene inversión planificada", "Quintil",
             lambda c: c.shade),
        _text("tramo", "Tramo", "El quintil en palabras", "Tramo", lambda c: c.shade_words),
    ]  # fmt: skip
    return [
        Table(
            "iral-territorios-comunas",
            "Inversión planificada por territorio y comuna",
            f"Monto planificado en cada comuna («{NO_COMUNA}» si el compromiso no la "
            "indica ni su territorio tiene comunas).",
            "Por territorio y comuna",
            [
                _text(
                    "territorio",
                    "Territorio",
                    "Territorio",
                    "Territorio",
                    lambda line: line.territory,
                ),
                _text(
                    "comuna_codigo",
                    "Código de comuna",
                    "Código CUT (vacío: sin comuna)",
                    "Código comuna",
                    lambda line: line.comuna.code if line.comuna else None,
                    width=10,
                    required=False,
                ),
                _text("comuna", "Comuna", "Comuna", "Comuna", lambda line: line.comuna_name),
                *_sums_fields("Monto planificado"),
            ],
            figures.lines,
        ),
        Table(
            "iral-comunas",
            "Comunas de la región por provincia",
            "Cada comuna de la región en orden CUT, con su monto planificado y su quintil.",
            "Por provincia y comuna",
            cell_fields,
            [cell for block in figures.provinces for cell in block.cells],
        ),
        Table(
            "iral-provincias",
            "Inversión planificada por provincia",
            "Totales de cada provincia (cada compromiso contado una vez por provincia).",
            "Por provincia",
            [
                _text(
                    "provincia_codigo",
                    "Código de provincia",
                    "Código CUT de la provincia",
                    "Código provincia",
                    lambda b: b.code,
                    width=10,
                ),
                _text("provincia", "Provincia", "Provincia", "Provincia", lambda b: b.name),
                _int(
                    "comunas_con_inversion",
                    "Comunas con inversión",
                    "Comunas con monto planificado",
                    "Comunas con inversión",
                    lambda b: sum(1 for c in b.cells if c.sums.amount > 0),
                ),
                *_sums_fields("Monto planificado"),
            ],
            figures.provinces,
        ),
        Table(
            "iral-compromisos-comunas",
            "Compromisos del IRAL por comuna",
            "Cada compromiso en cada una de sus comunas, con la parte planificada allí.",
            "Compromisos por comuna",
            [
                *[
                    Field(f.column, f.header, f.num_format, f.width, _of_row(f.get))
                    for f in _commitment_fields()
                ],
                _text(
                    "comuna_codigo",
                    "Código de comuna",
                    "Código CUT (vacío: sin comuna)",
                    "Código comuna",
                    lambda p: p.comuna.code if p.comuna else None,
                    width=10,
                    required=False,
                ),
                _text(
                    "comuna",
                    "Comuna",
                    "Comuna",
                    "Comuna",
                    lambda p: p.comuna.name if p.comuna else NO_COMUNA,
                ),
                _int(
                    "monto_planificado",
                    "Monto planificado en la comuna",
                    "Parte del monto planificada en la comuna (CLP); vacío si no tiene monto",
                    "Monto planificado",
                    lambda p: p.part,
                    money=True,
                    required=False,
                ),
                Field(
                    Column(
                        "parte_declarada",
                        "boolean",
                        "Parte declarada",
                        "La parte la indicó la importación (si no, reparto parejo)",
                        {"required": True},
                    ),
                    "Parte declarada",
                    None,
                    10,
                    lambda p: p.stated,
                ),
            ],
            figures.placements,
        ),
    ]


def _exact(get: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda row: exact_cell(get(row))


def _of_row(get: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda placement: get(placement.row)


def write_workbook(
    path: Path,
    tables: Sequence[Table],
    summary: list[tuple[str, Any, str | None]],
    info: WorkbookInfo,
    label: str,
) -> dict[str, int]:
    """``planilla.xlsx``: a «Resumen» sheet (``summary``: indicator, value,
    number format) and a sheet per table; returns each sheet's row count.
    Integers beyond :data:`EXACT_LIMIT` are written as text (see
    :func:`exact_cell`), and the Resumen then says so."""
    if any(too_large(value) for _, value, _ in summary) or any(
        too_large(f.get(row)) for table in tables for row in table.rows for f in table.fields
    ):
        summary = [*summary, (EXACT_NOTE, None, None)]

    workbook = xlsxwriter.Workbook(
        str(path), {"constant_memory": True, "default_date_format": DATE}
    )
    workbook.set_properties(
        {
            "title": info.title,
            "subject": info.subject,
            "author": info.author,
            "company": info.author,
            "category": "Instrumento de inversión regional",
            "keywords": info.keywords,
            "comments": info.comments,
            "created": info.created.astimezone(UTC).replace(tzinfo=None),
        }
    )
    counts = {
        "Resumen": _sheet(
            workbook, "Resumen",
            [("Indicador", None, 52, lambda r: r[0]),
             ("Valor", None, 22, lambda r: exact_cell(r[1]) if too_large(r[1])
              else Formatted(r[1], r[2]))],
            summary, "", label,
        )
    }  # fmt: skip
    for table in tables:
        columns = [(f.header, f.num_format, f.width, _exact(f.get)) for f in table.fields]
        counts[table.sheet] = _sheet(workbook, table.sheet, columns, table.rows, "", label)
    workbook.close()
    return counts
