"""The import format's columns (contracts.md) and header matching."""

from __future__ import annotations

import re
from dataclasses import dataclass

from importer.errors import RowError
from models.text import fold


@dataclass(frozen=True)
class Column:
    name: str
    required: bool


COLUMNS = (
    Column("region", True),
    Column("territorio", True),
    Column("acta_fecha", True),
    Column("acta_instancia", True),
    Column("acta_numero", False),
    Column("acta_tipo", False),
    Column("institucion", True),
    Column("institucion_rut", False),
    Column("responsable", False),
    Column("responsable_email", True),
    Column("institucion_director_email", False),
    Column("territorio_gerente_email", False),
    Column("compromiso", True),
    Column("monto", False),
    Column("fuente", False),
    Column("plazo", True),
    Column("plazo_texto", False),
    Column("programa", False),
    Column("productos", False),
    Column("beneficiarios", False),
    Column("comunas", False),
)
KNOWN = {column.name for column in COLUMNS}
SILENT = {"texto_fuente"}
"""Columns the importer skips without listing them as unrecognised: the
source text a proposals spreadsheet carries (importer.actas.proposal)."""


def header_key(header: object) -> str:
    """``" Región "`` → ``region``; ``"Acta Fecha"`` → ``acta_fecha``."""
    return re.sub(r"[\s\-]+", "_", fold(str(header if header is not None else "")))


@dataclass(frozen=True)
class HeaderMap:
    """Which position of each row holds each known column."""

    positions: dict[str, int]
    ignored: list[str]


def match_header(cells: list[object]) -> HeaderMap:
    """Map the header row to the known columns. Raises nothing: problems
    are returned through :func:`header_errors`."""
    positions: dict[str, int] = {}
    ignored: list[str] = []
    for index, cell in enumerate(cells):
        key = header_key(cell)
        if not key:
            continue
        if key in KNOWN and key not in positions:
            positions[key] = index
        elif key not in KNOWN and key not in SILENT:
            ignored.append(str(cell).strip())
    return HeaderMap(positions, ignored)


def header_errors(cells: list[object]) -> list[RowError]:
    """Missing required columns and repeated columns, as row-1 errors."""
    errors: list[RowError] = []
    seen: set[str] = set()
    for cell in cells:
        key = header_key(cell)
        if key in KNOWN:
            if key in seen:
                errors.append(RowError(1, key, "la columna aparece más de una vez; deje solo una"))
            seen.add(key)
    for column in COLUMNS:
        if column.required and column.name not in seen:
            errors.append(
                RowError(1, column.name, "falta esta columna obligatoria en el encabezado")
            )
    return errors
